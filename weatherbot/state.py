"""The state store: assistant ids, threads and local histories; atomic writes under a lock."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from weatherbot.errors import StateError
from weatherbot.state_repair import Repair, repair

STATE_VERSION = 1
LOCK_TIMEOUT_S = 30.0


def _empty() -> dict[str, Any]:
    return {"version": STATE_VERSION, "assistants": {}, "threads": {}, "last_thread": {}}


class StateStore:
    """A JSON file under WEATHERBOT_HOME, read and written whole under a file lock."""

    def __init__(
        self,
        path: Path,
        on_warning: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self._warn = on_warning or (lambda _msg: None)
        self._clock = clock

    def _lock(self) -> Any:
        from filelock import FileLock

        return FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    def _aside_path(self, kind: str) -> Path:
        """A free `state.json.<kind>-<time>` path beside the state file."""
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self._clock()))
        target = self.path.with_name(f"{self.path.name}.{kind}-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.{kind}-{stamp}-{n}")
        return target

    def _move_aside(self, reason: str) -> None:
        target = self._aside_path("corrupt")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            # Never go on without it: the next write would replace what the user may need.
            raise self._error(
                f"state file {self.path} is {reason} and cannot be moved aside", exc
            ) from exc
        self._warn(f"state file {self.path} was {reason}; moved it to {target} and started afresh")

    def _keep_damaged(self, data: dict[str, Any], found: Repair) -> None:
        """Write the damaged entries beside the state file, then the repaired state."""
        count = len(found.problems)
        summary = "; ".join(found.problems[:2]) + ("; ..." if count > 2 else "")
        what = f"state file {self.path} had {count} damaged entr{'y' if count == 1 else 'ies'}"
        target = self._aside_path("damaged")
        kept = {
            "note": f"entries weatherbot could not use in {self.path}, as they were",
            "problems": found.problems,
            "entries": found.entries,
        }
        try:
            self._write_json(target, kept)
            self._write_json(self.path, data)
        except OSError as exc:
            # Nothing is lost: the file keeps its damage and this command uses the repair.
            self._warn(f"{what} ({summary}); could not move them aside: {exc.strerror or exc}")
            return
        self._warn(f"{what} ({summary}); moved them to {target} and repaired the rest")

    def _load_unlocked(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _empty()
        except OSError as exc:
            raise StateError(f"cannot read state file {self.path}: {exc.strerror}") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            # ValueError: broken JSON, or an integer over Python's 4,300-digit limit;
            # RecursionError: nesting ~1,000 deep.
            self._move_aside("corrupt (not valid JSON)")
            return _empty()
        if not isinstance(data, dict):
            self._move_aside("not in the expected format")
            return _empty()
        version = data.get("version", STATE_VERSION)
        if not isinstance(version, int) or version > STATE_VERSION:
            self._move_aside(f"written by a newer weatherbot (format {version})")
            return _empty()
        base = _empty()
        for key in ("assistants", "threads", "last_thread"):
            if key in data:
                base[key] = data[key]
        found = repair(base)
        if found.problems:
            self._keep_damaged(base, found)
        return base

    def _write_json(self, path: Path, data: dict[str, Any]) -> None:
        """Write `data` to `path` atomically (temp file + rename), mode 0600."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _write_unlocked(self, data: dict[str, Any]) -> None:
        try:
            self._write_json(self.path, data)
        except OSError as exc:
            # The old file is untouched (the rename never happened) and the temp file is gone.
            raise self._error(f"cannot write state file {self.path}", exc) from exc

    def _error(self, message: str, exc: OSError) -> StateError:
        """One line naming the state file, the system's reason and what to do about it."""
        where = self.path.parent
        if exc.errno == errno.ENOSPC:
            hint = f"free some disk space on the drive of {where}"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            hint = f"make {where} writable, or set WEATHERBOT_HOME to a writable directory"
        else:
            hint = f"check {where}, or set WEATHERBOT_HOME to another directory"
        return StateError(f"{message}: {exc.strerror or exc}", hint=hint)

    def _acquire(self, lock: Any) -> None:
        from filelock import Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout as exc:
            raise StateError(
                f"state file {self.path} is locked by another weatherbot",
                hint="wait for the other process, or remove the .lock file if none is running",
            ) from exc
        except OSError as exc:
            # The lock file cannot be created: a read-only or full WEATHERBOT_HOME.
            raise self._error(f"cannot lock state file {self.path}", exc) from exc

    def read(self) -> dict[str, Any]:
        """A snapshot of the state (freshly loaded: changes to it are not saved)."""
        if not self.path.exists():
            return _empty()
        lock = self._lock()
        try:
            self._acquire(lock)
        except StateError as exc:
            if not isinstance(exc.__cause__, OSError):
                raise
            # A read-only WEATHERBOT_HOME: no one can replace the file, so reading it without
            # the lock is safe (writes are renames: a reader never sees half a file).
            return self._load_unlocked()
        try:
            return self._load_unlocked()
        finally:
            lock.release()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Lock, load, yield the mutable state, and write it back atomically if it changed."""
        lock = self._lock()
        self._acquire(lock)
        try:
            data = self._load_unlocked()
            before = json.dumps(data, sort_keys=True)
            yield data
            if json.dumps(data, sort_keys=True) != before or not self.path.exists():
                self._write_unlocked(data)
        finally:
            lock.release()

    # Convenience operations used by conversation.py and the CLI.

    def now(self) -> float:
        """The store's clock (injectable for tests)."""
        return self._clock()

    def get_assistant(self, key: str) -> dict[str, Any] | None:
        """The remembered assistant record for a (backend, base URL, fingerprint) key."""
        record = self.read()["assistants"].get(key)
        return record if isinstance(record, dict) else None

    def put_assistant(self, key: str, record: dict[str, Any]) -> None:
        """Remember an assistant record."""
        with self.transaction() as data:
            data["assistants"][key] = record

    def delete_assistant(self, key: str) -> dict[str, Any] | None:
        """Forget an assistant record, returning it."""
        with self.transaction() as data:
            result: dict[str, Any] | None = data["assistants"].pop(key, None)
            return result

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        """One thread record, or None."""
        record = self.read()["threads"].get(thread_id)
        return record if isinstance(record, dict) else None

    def list_threads(self) -> list[dict[str, Any]]:
        """All thread records, most recently used first."""
        threads = [t for t in self.read()["threads"].values() if isinstance(t, dict)]
        return sorted(threads, key=lambda t: t.get("last_used_at", 0), reverse=True)

    def last_thread_id(self, scope: str) -> str | None:
        """The thread used last in a scope (backend + base URL)."""
        value = self.read()["last_thread"].get(scope)
        return value if isinstance(value, str) else None

    def save_thread(
        self,
        thread_id: str,
        scope: str,
        backend: str,
        title: str,
        append_history: list[dict[str, Any]] | None = None,
    ) -> None:
        """Create or touch a thread, append local history, and mark it as last used."""
        now = self._clock()
        with self.transaction() as data:
            record = data["threads"].get(thread_id)
            if not isinstance(record, dict):
                record = {
                    "id": thread_id,
                    "backend": backend,
                    "scope": scope,
                    "title": title[:80],
                    "created_at": now,
                    "history": [],
                }
                data["threads"][thread_id] = record
            record["last_used_at"] = now
            if append_history:
                record.setdefault("history", []).extend(append_history)
            data["last_thread"][scope] = thread_id

    def delete_thread(self, thread_id: str) -> dict[str, Any] | None:
        """Forget a thread (and the last-used pointer to it), returning its record."""
        with self.transaction() as data:
            record: dict[str, Any] | None = data["threads"].pop(thread_id, None)
            for scope, tid in list(data["last_thread"].items()):
                if tid == thread_id:
                    del data["last_thread"][scope]
            return record
