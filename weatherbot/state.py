"""The state store: assistant ids, threads, local histories and what each server supports;
atomic writes under a lock.

Every command reads the file whole, so reading is kept cheap: a thread's history is checked
(state_repair) only when that thread is used, and the file is compact JSON from the C encoder
(an indented dump goes through the pure-Python encoder, 4x slower on a 6 MB state).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from weatherbot.errors import ConfigError, StateError
from weatherbot.history import capped, trimmed
from weatherbot.private_files import (
    RefusedFile,
    append_private,
    aside_path,
    make_private_dir,
    move_aside,
    read_private,
    write_private,
)
from weatherbot.redaction import redact, shortened
from weatherbot.state_repair import Repair, repair
from weatherbot.text_safety import replace_surrogates

STATE_VERSION = 1
LOCK_TIMEOUT_S = 30.0
# Written with every state: its histories were checked against the size caps (history.py), as
# everything this weatherbot stores is. A file without it (written before the caps, or by an
# older weatherbot, which drops the key) has every history checked once, on its first load.
HISTORIES_CHECKED = "histories_checked"


def _empty() -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        HISTORIES_CHECKED: 1,
        "assistants": {},
        "threads": {},
        "last_thread": {},
        "servers": {},
    }


def _encode(data: dict[str, Any]) -> str:
    return _storable(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _storable(text: str) -> str:
    """JSON text fit for a file: no secret a server echoed into an answer or an error, and no
    lone surrogate (a "\\ud800" in a reply decodes to one; UTF-8 cannot encode it, so the
    write, and the command, would fail)."""
    return replace_surrogates(redact(text))


def _refused(exc: RefusedFile) -> ConfigError:
    """One line for a state or lock file weatherbot will not use (exit 2: no command can go on
    until the user moves it; moving it aside would act on a file weatherbot does not own)."""
    return ConfigError(str(exc), hint=f"{exc.advice}, or set WEATHERBOT_HOME to another directory")


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

    @property
    def _lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _lock(self) -> Any:
        from filelock import FileLock

        # mode: 0600 whatever the umask (filelock >= 3.10; without it the file is 0666 - umask).
        return FileLock(str(self._lock_path), timeout=LOCK_TIMEOUT_S, mode=0o600)

    def _move_aside(self, reason: str) -> None:
        try:
            target = move_aside(self.path, "corrupt", self._clock())
        except OSError as exc:
            # Never go on without it: the next write would replace what the user may need.
            raise self._error(
                f"state file {self.path} is {reason} and cannot be moved aside", exc
            ) from exc
        self._warn(f"state file {self.path} was {reason}; moved it to {target} and started afresh")

    def _keep_damaged(self, data: dict[str, Any], found: Repair) -> str | None:
        """Write the damaged entries beside the state file, then the repaired state (its text)."""
        count = len(found.problems)
        summary = "; ".join(found.problems[:2]) + ("; ..." if count > 2 else "")
        entries = "entry" if count == 1 else "entries"
        what = f"state file {self.path} had {count} damaged or oversized {entries}"
        target = aside_path(self.path, "damaged", self._clock())
        kept = {
            "note": f"entries weatherbot could not use in {self.path}, as they were",
            "problems": found.problems,
            "entries": found.entries,
        }
        text = _encode(data)
        try:
            self._write_text(target, _storable(json.dumps(kept, ensure_ascii=False, indent=1)))
            self._write_text(self.path, text)
        except OSError as exc:
            # Nothing is lost: the file keeps its damage and this command uses the repair.
            self._warn(f"{what} ({summary}); could not move them aside: {exc.strerror or exc}")
            return None
        self._warn(f"{what} ({summary}); moved them to {target} and repaired the rest")
        return text

    def _load_unlocked(self, histories: Collection[str] = ()) -> tuple[dict[str, Any], str]:
        """The state, checked (with the histories of `histories`), and the text on disk."""
        try:
            raw = read_private(self.path)
        except FileNotFoundError:
            return _empty(), ""
        except RefusedFile as exc:
            raise _refused(exc) from exc
        except OSError as exc:
            raise StateError(f"cannot read state file {self.path}: {exc.strerror}") from exc
        try:
            text = raw.decode("utf-8")
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError):
            # ValueError: broken JSON, or an integer over Python's 4,300-digit limit;
            # RecursionError: nesting ~1,000 deep.
            self._move_aside("corrupt (not valid JSON)")
            return _empty(), ""
        if not isinstance(data, dict):
            self._move_aside("not in the expected format")
            return _empty(), ""
        version = data.get("version", STATE_VERSION)
        if not isinstance(version, int) or version > STATE_VERSION:
            self._move_aside(f"written by a newer weatherbot (format {version})")
            return _empty(), ""
        base = _empty()
        for key in ("assistants", "threads", "last_thread", "servers"):
            if key in data:
                base[key] = data[key]
        unchecked = data.get(HISTORIES_CHECKED) != base[HISTORIES_CHECKED]
        found = repair(base, base["threads"] if unchecked else histories)
        if found.problems:
            text = self._keep_damaged(base, found) or text
        elif unchecked:
            # Checked once: say so in the file (if it can be written; if not, check again).
            checked = _encode(base)
            with contextlib.suppress(OSError):
                self._write_text(self.path, checked)
                text = checked
        return base, text

    def _write_text(self, path: Path, text: str) -> None:
        """Write `text` to `path` atomically (temp file + rename), mode 0600."""
        write_private(path, text.encode("utf-8"))

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
            make_private_dir(self.path.parent)
            # Created (or set back to) 0600 here, never through a link: filelock opens it
            # next, and older filelocks follow a link at the path (truncating its target).
            append_private(self._lock_path, b"")
            lock.acquire()
        except RefusedFile as exc:
            raise _refused(exc) from exc
        except Timeout as exc:
            raise StateError(
                f"state file {self.path} is locked by another weatherbot",
                hint="wait for the other process, or remove the .lock file if none is running",
            ) from exc
        except OSError as exc:
            # The lock file cannot be created: a read-only or full WEATHERBOT_HOME.
            raise self._error(f"cannot lock state file {self.path}", exc) from exc

    def read(self, histories: Collection[str] = ()) -> dict[str, Any]:
        """A snapshot of the state (freshly loaded: changes to it are not saved).

        `histories`: the threads whose histories the caller uses, checked (and repaired) too.
        """
        if not os.path.lexists(self.path):  # a link, even dangling, is refused below
            return _empty()
        lock = self._lock()
        try:
            self._acquire(lock)
        except StateError as exc:
            if not isinstance(exc.__cause__, OSError):
                raise
            # A read-only WEATHERBOT_HOME: no one can replace the file, so reading it without
            # the lock is safe (writes are renames: a reader never sees half a file).
            return self._load_unlocked(histories)[0]
        try:
            return self._load_unlocked(histories)[0]
        finally:
            lock.release()

    @contextlib.contextmanager
    def transaction(self, histories: Collection[str] = ()) -> Iterator[dict[str, Any]]:
        """Lock, load, yield the mutable state, and write it back atomically if it changed."""
        lock = self._lock()
        self._acquire(lock)
        try:
            data, on_disk = self._load_unlocked(histories)
            yield data
            # The text to write is the change check too: one encoding, no second dump.
            text = _encode(data)
            if text != on_disk:
                try:
                    self._write_text(self.path, text)
                except OSError as exc:
                    # The old file is untouched (never renamed over) and the temp file is gone.
                    raise self._error(f"cannot write state file {self.path}", exc) from exc
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

    def get_server(self, server: str) -> dict[str, Any]:
        """What is remembered about a server (base URL): its facts, e.g. {"background": False}."""
        record = self.read()["servers"].get(server)
        return record if isinstance(record, dict) else {}

    def put_server_fact(self, server: str, name: str, value: bool) -> None:
        """Remember one fact about a server."""
        with self.transaction() as data:
            record = data["servers"].setdefault(server, {})
            record[name] = value
            record["checked_at"] = self._clock()

    def server_facts(self, server: str) -> StoredFacts:
        """The facts of one server, read and written here (backends get them in Runtime)."""
        return StoredFacts(self, server)

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        """One thread record (its history checked), or None."""
        record = self.read((thread_id,))["threads"].get(thread_id)
        return record if isinstance(record, dict) else None

    def list_threads(self, state: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """All thread records (of `state`, a snapshot from read()), most recently used first."""
        threads = (state or self.read())["threads"].values()
        return sorted(threads, key=lambda t: t["last_used_at"], reverse=True)

    def last_thread_id(self, scope: str) -> str | None:
        """The thread used last in a scope (backend + base URL)."""
        value = self.read()["last_thread"].get(scope)
        return value if isinstance(value, str) else None

    def latest_thread_id(self, state: dict[str, Any] | None = None) -> str | None:
        """The thread used last on any backend and server: `-c` continues it, `*` marks it."""
        threads = self.list_threads(state)
        return str(threads[0]["id"]) if threads else None

    def matching_ids(self, prefix: str, state: dict[str, Any] | None = None) -> list[str]:
        """The id equal to `prefix` alone, else every id that starts with it."""
        ids = list((state or self.read())["threads"])
        if prefix in ids:
            return [prefix]
        return sorted(i for i in ids if i.startswith(prefix))

    def prune_threads(self, used_before: float, dry_run: bool = False) -> list[dict[str, Any]]:
        """Forget the threads last used before `used_before` (epoch s); their records."""
        with self.transaction() as data:
            old = [t for t in data["threads"].values() if t["last_used_at"] < used_before]
            old.sort(key=lambda t: t["last_used_at"], reverse=True)
            if not dry_run:
                for record in old:
                    del data["threads"][record["id"]]
                gone = {record["id"] for record in old}
                for scope, tid in list(data["last_thread"].items()):
                    if tid in gone:
                        del data["last_thread"][scope]
            return old

    def save_thread(
        self,
        thread_id: str,
        scope: str,
        backend: str,
        title: str,
        append_history: list[dict[str, Any]] | None = None,
        server: str | None = None,
    ) -> dict[str, Any]:
        """Create or touch a thread, append local history, mark it as last used; its record.

        `server`: the base URL the thread lives on (None for a backend without one), so the
        thread is continued, shown and deleted there whatever is configured later.
        """
        now = self._clock()
        with self.transaction((thread_id,)) as data:
            record = data["threads"].get(thread_id)
            if not isinstance(record, dict):
                record = {
                    "id": thread_id,
                    "backend": backend,
                    "server": server,
                    "scope": scope,
                    "title": shortened(title, 80),
                    "created_at": now,
                    "history": [],
                }
                data["threads"][thread_id] = record
            # A record from before threads knew their home lives where it is used now.
            record.setdefault("backend", backend)
            record.setdefault("server", server)
            record["last_used_at"] = now
            if append_history:
                # Only what is stored is capped (text per message, messages per thread): every
                # command reads the whole file, and a 50 MB answer made each of them slow.
                added = [capped(entry) for entry in append_history]
                record["history"] = trimmed([*record.get("history", []), *added])
            data["last_thread"][scope] = thread_id
            return record

    def delete_thread(self, thread_id: str) -> dict[str, Any] | None:
        """Forget a thread (and the last-used pointer to it), returning its record."""
        with self.transaction() as data:
            record: dict[str, Any] | None = data["threads"].pop(thread_id, None)
            for scope, tid in list(data["last_thread"].items()):
                if tid == thread_id:
                    del data["last_thread"][scope]
            return record


class StoredFacts:
    """One server's facts in the state file, as backends read and write them (ServerFacts)."""

    def __init__(self, store: StateStore, server: str) -> None:
        self.store = store
        self.server = server
        # Read once: a backend asks before every request, and each read loads the whole file.
        self._known: dict[str, Any] | None = None

    def get(self, name: str) -> bool | None:
        """The remembered fact, or None."""
        if self._known is None:
            self._known = dict(self.store.get_server(self.server))
        value = self._known.get(name)
        return value if isinstance(value, bool) else None

    def put(self, name: str, value: bool) -> None:
        """Remember it; a state that cannot be written only means finding out again next time."""
        if self._known is not None:
            self._known[name] = value
        with contextlib.suppress(StateError):
            self.store.put_server_fact(self.server, name, value)
