"""Saved places: names the user gave places ("home", "work"), resolved once and kept with
their coordinates in `places.json` under WEATHERBOT_HOME.

A small file of its own, not the state store: `weatherbot now` reads it every few seconds
from a status bar, and the state (with every conversation) can be megabytes.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from weatherbot.errors import ConfigError, UsageError
from weatherbot.private_files import (
    RefusedFile,
    aside_path,
    move_aside,
    read_private,
    write_private,
)
from weatherbot.providers.models import Place

FILE_NAME = "places.json"
VERSION = 1
NAME_MAX = 40
LOCK_TIMEOUT_S = 10.0
_PLACE_FIELDS = ("name", "latitude", "longitude", "timezone", "admin1", "country", "country_code")


def name_key(name: str) -> str:
    """How a saved name is matched: case and spacing ignored, a leading "my " too."""
    words = name.casefold().split()
    if len(words) > 1 and words[0] == "my":
        words = words[1:]
    return " ".join(words)


def check_name(name: str) -> str:
    """The name as it will be saved, or UsageError saying what a name may be."""
    clean = " ".join(name.split())
    allowed = all(ch.isalnum() or ch in " -_'." for ch in clean)
    if not clean or len(clean) > NAME_MAX or not clean[0].isalpha() or not allowed:
        raise UsageError(
            f"{name!r} cannot be a place name",
            hint=f"a name is up to {NAME_MAX} letters, digits, spaces and - _ ' . characters, "
            "starting with a letter: home, work, mum's",
        )
    return clean


@dataclass(frozen=True)
class SavedPlace:
    """A saved name, what the user typed for it, and the place it was resolved to."""

    name: str
    query: str
    place: Place
    saved_at: float = 0.0


@dataclass
class Saved:
    """Every saved place by name key, and the default's key (None: no default)."""

    places: dict[str, SavedPlace] = field(default_factory=dict)
    default: str | None = None
    # The file's format version (a newer weatherbot's file is read, never rewritten).
    version: int = VERSION
    # Entries that could not be read: (name, why, the entry as it was).
    damaged: list[tuple[str, str, Any]] = field(default_factory=list)

    def get(self, name: str) -> SavedPlace | None:
        """The saved place `name` stands for, if any."""
        return self.places.get(name_key(name))

    def default_place(self) -> SavedPlace | None:
        """The default place, if one is set."""
        return None if self.default is None else self.places.get(self.default)


def _place(record: Any) -> Place:
    if not isinstance(record, dict):
        raise ValueError("not an object")
    values = {k: record.get(k) for k in _PLACE_FIELDS}
    if not isinstance(values["name"], str) or not isinstance(values["timezone"], str):
        raise ValueError("a place needs a name and a time zone")
    latitude, longitude = float(record["latitude"]), float(record["longitude"])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("coordinates out of range")
    text = {k: v if isinstance(v, str) else None for k, v in values.items()}
    return Place(
        name=values["name"],
        latitude=latitude,
        longitude=longitude,
        timezone=values["timezone"],
        admin1=text["admin1"],
        country=text["country"],
        country_code=text["country_code"],
    )


def _decode(data: Any) -> Saved:
    """The places of a parsed file; an unreadable entry is set aside, not the whole file."""
    if not isinstance(data, dict) or not isinstance(data.get("places"), dict):
        raise ValueError("no places object")
    saved = Saved()
    version = data.get("version")
    saved.version = version if isinstance(version, int) and not isinstance(version, bool) else 0
    for name, record in data["places"].items():
        try:
            clean = check_name(str(name))
            if not isinstance(record, dict):
                raise ValueError("not an object")
            saved.places[name_key(clean)] = SavedPlace(
                name=clean,
                query=str(record.get("query") or clean),
                place=_place(record.get("place")),
                saved_at=float(record.get("saved_at") or 0.0),
            )
        except (ValueError, TypeError, KeyError, UsageError) as exc:
            reason = exc.message if isinstance(exc, UsageError) else str(exc) or "not readable"
            saved.damaged.append((str(name), reason, record))
    default = data.get("default")
    saved.default = name_key(default) if isinstance(default, str) else None
    if saved.default not in saved.places:
        saved.default = None
    return saved


def _encode(saved: Saved) -> bytes:
    places = {
        entry.name: {
            "query": entry.query,
            "place": {k: v for k, v in asdict(entry.place).items() if k in _PLACE_FIELDS},
            "saved_at": entry.saved_at,
        }
        for entry in saved.places.values()
    }
    default = saved.default_place()
    document = {"version": VERSION, "default": default.name if default else None, "places": places}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


class SavedPlacesFile:
    """places.json: read without a lock (writes replace it whole), changed under one."""

    def __init__(
        self,
        home: Path,
        on_warning: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = home / FILE_NAME
        self._warn = on_warning or (lambda _msg: None)
        self._clock = clock

    def load(self) -> Saved:
        """The saved places; none if the file is absent. A damaged file is moved aside, and
        damaged entries are written beside it while the rest are kept."""
        try:
            raw = read_private(self.path)
        except FileNotFoundError:
            return Saved()
        except RefusedFile as exc:
            raise ConfigError(str(exc), hint=exc.advice) from None
        except OSError as exc:
            raise ConfigError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        try:
            saved = _decode(json.loads(raw.decode("utf-8")))
        except (ValueError, TypeError, AttributeError) as exc:
            self._move_aside(str(exc) or "not readable")
            return Saved()
        if saved.damaged:
            self._keep_damaged(saved)
        return saved

    def _move_aside(self, reason: str) -> None:
        try:
            target = move_aside(self.path, "corrupt", self._clock())
        except OSError as exc:
            raise ConfigError(
                f"{self.path} is damaged ({reason}) and cannot be moved aside: {exc.strerror}",
                hint="move or delete it, then save your places again",
            ) from None
        self._warn(f"{self.path} was damaged ({reason}); moved it to {target}")

    def _keep_damaged(self, saved: Saved) -> None:
        names = ", ".join(repr(name) for name, _, _ in saved.damaged)
        target = aside_path(self.path, "damaged", self._clock())
        kept = [{"name": n, "problem": why, "entry": entry} for n, why, entry in saved.damaged]
        try:
            write_private(target, json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8"))
            # The readable rest, so the warning is given once.
            if saved.version <= VERSION:
                write_private(self.path, _encode(saved))
        except OSError as exc:
            self._warn(f"{self.path}: could not read {names}; could not set them aside: {exc}")
            return
        self._warn(f"{self.path}: could not read {names}; moved them to {target}, kept the rest")
        saved.damaged = []

    @contextlib.contextmanager
    def changing(self) -> Iterator[Saved]:
        """The saved places to change; written back atomically when the block ends."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S, mode=0o600)
        try:
            with lock:
                saved = self.load()
                if saved.version > VERSION:
                    raise ConfigError(
                        f"{self.path} was written by a newer weatherbot",
                        hint="change saved places with that version, or upgrade",
                    )
                yield saved
                write_private(self.path, _encode(saved))
        except Timeout:
            raise ConfigError(
                f"{self.path} is locked by another weatherbot", hint="try again in a moment"
            ) from None
        except OSError as exc:
            raise ConfigError(
                f"cannot save places in {self.path.parent}: {exc.strerror or exc}",
                hint="make it writable, or set WEATHERBOT_HOME to a writable directory",
            ) from None

    def add(self, name: str, query: str, place: Place) -> tuple[SavedPlace, SavedPlace | None]:
        """Save `place` as `name`; the first saved is the default. Returns the entry and the
        one it replaced (same name, whatever its case), if any."""
        clean = check_name(name)
        entry = SavedPlace(clean, " ".join(query.split()), place, self._clock())
        with self.changing() as saved:
            replaced = saved.places.get(name_key(clean))
            saved.places[name_key(clean)] = entry
            if saved.default is None:
                saved.default = name_key(clean)
        return entry, replaced

    def remove(self, name: str) -> SavedPlace | None:
        """Forget `name`; the default goes with it. None if there was no such place."""
        with self.changing() as saved:
            entry = saved.places.pop(name_key(name), None)
            if saved.default == name_key(name):
                saved.default = None
        return entry

    def set_default(self, name: str) -> SavedPlace:
        """Make `name` the place used when none is given; UsageError if it is not saved."""
        with self.changing() as saved:
            entry = saved.get(name)
            if entry is None:
                raise UsageError(
                    f"no saved place called {name!r}",
                    hint="see `weatherbot place list`, or save it with `weatherbot place add`",
                )
            saved.default = name_key(entry.name)
        return entry
