"""An on-disk JSON cache for provider responses, with a time-to-live per use."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

FORECAST_TTL_S = 10 * 60
GEOCODING_TTL_S = 30 * 24 * 3600


def request_key(url: str, params: Mapping[str, Any], secret: frozenset[str] = frozenset()) -> str:
    """A cache key for a GET: the URL plus its parameters in sorted order.

    Parameters named in `secret` (API keys) are left out: the key is written into cache files.
    """
    return url + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in secret)


class DiskCache:
    """Files named by a hash of the key; corrupt or expired entries are misses.

    With `refresh=True` every read misses but fresh answers are still stored, so `--refresh`
    also repairs the cache for the next question.
    """

    def __init__(
        self,
        directory: Path,
        clock: Callable[[], float] = time.time,
        *,
        refresh: bool = False,
    ) -> None:
        self.directory = directory
        self.refresh = refresh
        self._clock = clock

    def now(self) -> float:
        """The cache's clock (seconds since the epoch); tests inject it."""
        return self._clock()

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return self.directory / f"{digest}.json"

    def get(self, key: str, ttl_s: float) -> tuple[Any, float] | None:
        """(value, age in seconds) if a fresh entry exists, else None."""
        if self.refresh:
            return None
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            stored = float(entry["stored_at"])
            if entry["key"] != key:
                return None  # a hash collision: never serve another request's answer
            value = entry["value"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        age = self._clock() - stored
        # A negative age means the clock went back; treat it as unknown freshness.
        if age < 0 or age > ttl_s:
            return None
        return value, age

    def put(self, key: str, value: Any) -> None:
        """Store a value atomically (temp file + rename, mode 0600); failing is not an error."""
        tmp: str | None = None
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "stored_at": self._clock(), "value": value}, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self._path(key))
        except (OSError, TypeError, ValueError):
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def fetch(self, key: str, ttl_s: float, compute: Callable[[], Any]) -> tuple[Any, float | None]:
        """(value, age in seconds) from the cache, else (computed value, None), then stored."""
        hit = self.get(key, ttl_s)
        if hit is not None:
            return hit
        value = compute()
        self.put(key, value)
        return value, None


def cached(
    cache: DiskCache | None, key: str, ttl_s: float, compute: Callable[[], Any]
) -> tuple[Any, float | None]:
    """`cache.fetch(...)`, or (computed value, None) when caching is off."""
    if cache is None:
        return compute(), None
    return cache.fetch(key, ttl_s, compute)
