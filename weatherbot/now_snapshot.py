"""The last glance `weatherbot now` showed, by its exact command line: the status-bar fast path.

A status bar runs the same `weatherbot now ...` every few seconds. While the data behind its
last answer is fresh, that answer is formatted again from this snapshot without loading
settings, providers or Typer (a few milliseconds instead of the whole CLI); when the provider
is down, the snapshot is the stale line shown instead of nothing. Only the standard library
(and platformdirs, for the default home) is imported here.

A snapshot is used only for the same arguments in the same setting: every WEATHERBOT_*
variable, config.toml and places.json (by size and modification time) are part of its key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = ("cache", "now")
# The forecast cache's lifetime: a snapshot is fresh as long as the data it shows would be.
FRESH_S = 10 * 60
# Shown as a stale line when the provider is down, for at most this long.
STALE_LIMIT_S = 7 * 86_400


def fast_home() -> Path | None:
    """WEATHERBOT_HOME without loading settings; None when only settings can tell (.env)."""
    home = os.environ.get("WEATHERBOT_HOME")
    if home:
        return Path(home).expanduser()
    if os.path.exists(".env"):
        return None  # it may set WEATHERBOT_HOME: the full command reads it
    from platformdirs import user_data_dir

    return Path(user_data_dir("weatherbot", appauthor=False))


def _stat(path: Path) -> list[int]:
    try:
        info = path.stat()
    except OSError:
        return []
    return [info.st_size, info.st_mtime_ns]


def key(home: Path, arguments: list[str]) -> str:
    """What a snapshot is valid for: the arguments and everything else that could change them."""
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("WEATHERBOT_"))
    parts = [
        arguments,
        environment,
        _stat(home / "config.toml"),
        _stat(home / "places.json"),
        _stat(Path(".env")),
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:32]


# After a failure, the provider is left alone this long (kept data answers meanwhile).
DOWN_S = 60.0
_DOWN = "provider-down"


def provider_down(home: Path) -> bool:
    """Whether the provider failed less than DOWN_S ago."""
    try:
        when = float(home.joinpath(*SNAPSHOT_DIR, _DOWN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return 0 <= time.time() - when < DOWN_S


def mark_down(home: Path) -> None:
    """Remember that the provider just failed (not an error if it cannot be written)."""
    from weatherbot.private_files import write_private

    with contextlib.suppress(OSError):
        path = home.joinpath(*SNAPSHOT_DIR, _DOWN)
        write_private(path, str(time.time()).encode(), durable=False)


def clear_down(home: Path) -> None:
    """The provider answered: forget the failure."""
    with contextlib.suppress(OSError):
        home.joinpath(*SNAPSHOT_DIR, _DOWN).unlink(missing_ok=True)


def _path(home: Path, snapshot_key: str) -> Path:
    return home.joinpath(*SNAPSHOT_DIR, f"{snapshot_key}.json")


def load(home: Path, snapshot_key: str) -> dict[str, Any] | None:
    """The snapshot for `snapshot_key`, or None (absent, damaged or too old to show)."""
    try:
        data = json.loads(_path(home, snapshot_key).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("glance"), dict):
            return None
        fetched = float(data["glance"]["fetched_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not 0 <= time.time() - fetched <= STALE_LIMIT_S:
        return None
    return data


def save(home: Path, snapshot_key: str, glance: dict[str, Any], fmt: str, as_json: bool) -> None:
    """Keep what was shown; failing to is not an error (the next run fetches again)."""
    from weatherbot.private_files import write_private

    document = {"glance": glance, "format": fmt, "json": as_json}
    with contextlib.suppress(OSError, TypeError, ValueError):
        text = json.dumps(document, ensure_ascii=False)
        write_private(_path(home, snapshot_key), text.encode("utf-8"), durable=False)


def output(snapshot: dict[str, Any], *, stale: bool) -> str:
    """The line (or JSON document) a snapshot shows, its age worked out now."""
    from weatherbot.render.status_line import render

    glance = snapshot["glance"]
    age = max(0.0, time.time() - float(glance["fetched_at"]))
    if snapshot.get("json"):
        return json.dumps({**glance, "age_s": round(age), "stale": stale}, ensure_ascii=False)
    return render(str(snapshot["format"]), glance, age, stale=stale)


def fast_path(arguments: list[str]) -> bool:
    """Print the fresh snapshot for `weatherbot now ARGUMENTS` and say True, or say False."""
    if any(a in ("-h", "--help", "--refresh", "--debug") for a in arguments):
        return False
    home = fast_home()
    if home is None:
        return False
    snapshot = load(home, key(home, arguments))
    if snapshot is None:
        return False
    try:
        if time.time() - float(snapshot["glance"]["fetched_at"]) > FRESH_S:
            return False
        text = output(snapshot, stale=False)
    except (KeyError, TypeError, ValueError):
        return False
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # `weatherbot now | head -c 5`: the reader has gone, which is not a failure here.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return True
