"""An on-disk JSON cache for provider responses, with a time-to-live per use."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORECAST_TTL_S = 10 * 60
GEOCODING_TTL_S = 30 * 24 * 3600


class DiskCache:
    """Files named by a hash of the request; corrupt or expired entries are misses."""

    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self._clock = clock

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return self.directory / f"{digest}.json"

    def get(self, key: str, ttl_s: float) -> tuple[Any, float] | None:
        """(value, age in seconds) if a fresh entry exists."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            stored = float(entry["stored_at"])
            if entry.get("key") != key:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        age = self._clock() - stored
        if age < 0 or age > ttl_s:
            return None
        return entry["value"], age

    def put(self, key: str, value: Any) -> None:
        """Store a value (atomically; a failure to cache is not an error)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "stored_at": self._clock(), "value": value}, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self._path(key))
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)
