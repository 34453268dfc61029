"""An on-disk JSON cache for provider responses, with a time-to-live per use.

Entries are private files (weatherbot.private_files): a link, a FIFO, a device or an oversized
file in place of an entry is a miss, never followed or read, and the next answer replaces it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from weatherbot.errors import OUTAGE_CODES, ProviderError
from weatherbot.private_files import read_private, write_private

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
        stale_s: float = 0.0,
        hold: bool = False,
    ) -> None:
        self.directory = directory
        self.refresh = refresh
        # > 0: an answer up to this old stands in for one the provider cannot give now.
        self.stale_s = stale_s
        # True: the provider just failed: an entry up to stale_s old is served, and without
        # one the request fails at once, rather than asking the provider again.
        self.hold = hold
        # Whether an old entry stood in for an answer in this process (the caller says so).
        self.stood_in = False
        self._clock = clock

    def now(self) -> float:
        """The cache's clock (seconds since the epoch); tests inject it."""
        return self._clock()

    def _linked(self) -> bool:
        # A cache directory that is a symbolic link is not used at all: entries would be
        # written to, and served from, wherever it points (someone else's directory).
        return os.path.islink(self.directory)

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return self.directory / f"{digest}.json"

    def get(
        self, key: str, ttl_s: float, *, even_on_refresh: bool = False
    ) -> tuple[Any, float] | None:
        """(value, age in seconds) if a fresh entry exists, else None."""
        if (self.refresh and not even_on_refresh) or self._linked():
            return None
        try:
            entry = json.loads(read_private(self._path(key)).decode("utf-8"))
            stored = float(entry["stored_at"])
            if entry["key"] != key:
                return None  # a hash collision: never serve another request's answer
            value = entry["value"]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        age = self._clock() - stored
        # A negative age means the clock went back; treat it as unknown freshness.
        if age < 0 or age > ttl_s:
            return None
        return value, age

    def put(self, key: str, value: Any) -> None:
        """Store a value atomically (temp file + rename, mode 0600, in a 0700 directory);
        failing is not an error."""
        if self._linked():
            return
        with contextlib.suppress(OSError, TypeError, ValueError):
            text = json.dumps({"key": key, "stored_at": self._clock(), "value": value})
            # Not flushed to the disk: an entry lost in a power cut is only fetched again.
            write_private(self._path(key), text.encode("utf-8"), durable=False)

    def fetch(self, key: str, ttl_s: float, compute: Callable[[], Any]) -> tuple[Any, float | None]:
        """(value, age in seconds) from the cache, else (computed value, None), then stored."""
        hit = self.get(key, ttl_s)
        if hit is not None:
            return hit
        if self.hold:
            held = self.get(key, self.stale_s, even_on_refresh=True) if self.stale_s else None
            if held is None:
                # Asking again so soon would only wait on the same failure (a prompt, every
                # few seconds); the caller shows what it has and says why.
                raise ProviderError(
                    "unavailable",
                    "the weather service failed less than a minute ago; not asked again yet",
                    hint="--refresh asks it now",
                )
            self.stood_in = True
            return held
        try:
            value = compute()
        except ProviderError as exc:
            old = self.get(key, self.stale_s, even_on_refresh=True) if self.stale_s else None
            if old is None or exc.code not in OUTAGE_CODES:
                raise
            self.stood_in = True
            return old
        self.put(key, value)
        return value, None


def cached(
    cache: DiskCache | None, key: str, ttl_s: float, compute: Callable[[], Any]
) -> tuple[Any, float | None]:
    """`cache.fetch(...)`, or (computed value, None) when caching is off."""
    if cache is None:
        return compute(), None
    return cache.fetch(key, ttl_s, compute)
