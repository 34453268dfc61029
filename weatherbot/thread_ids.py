"""Finding a remembered thread by what a person types: a whole id or a unique prefix of one,
and the small values the thread commands share (where a thread lives, how old it may be).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from weatherbot.errors import UsageError

# The server a remote backend talks to when OPENAI_BASE_URL is not set (the openai SDK's).
DEFAULT_SERVER = "https://api.openai.com/v1"
# The ids weatherbot makes for the conversations it keeps itself (backends/local.py).
LOCAL_PREFIX = "local_"
# Ambiguous prefixes list this many candidates on their one line.
SHOWN_CANDIDATES = 3
_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)
_UNITS = {
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
    "w": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}


def unique_id(prefix: str, matches: list[str]) -> str | None:
    """The one id `matches` holds (None for none); an ambiguous prefix is a usage error, and
    so is an empty one (every id starts with it)."""
    if not prefix.strip():
        raise UsageError(
            "the thread id is empty", hint="give one from weatherbot thread list, or leave it out"
        )
    if len(matches) > 1:
        shown = ", ".join(matches[:SHOWN_CANDIDATES])
        more = len(matches) - SHOWN_CANDIDATES
        rest = f", and {more} more" if more > 0 else ""
        raise UsageError(
            f"thread id {prefix!r} is ambiguous: {len(matches)} threads start with it "
            f"({shown}{rest})",
            hint="type more of the id",
        )
    return matches[0] if matches else None


def no_thread(thread_id: str) -> UsageError:
    """The one line for an id (or prefix) that names no remembered thread."""
    return UsageError(f"no thread {thread_id!r}", hint="see `weatherbot thread list` for the ids")


def server_key(url: str) -> str:
    """A base URL as one spelling per server: scheme and host in lower case, no trailing /."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def same_server(a: str | None, b: str | None) -> bool:
    """Two base URLs name one server (a trailing slash or the host's case aside)."""
    if a is None or b is None:
        return a is b
    return server_key(a) == server_key(b)


def server_label(server: str | None) -> str:
    """A base URL as the thread table shows it: its host (and port), or '-' for none."""
    if not server:
        return "-"
    parts = urlsplit(server)
    return parts.netloc or server


def home_of(record: Mapping[str, Any]) -> tuple[str | None, str | None, bool]:
    """(backend, server, server known) of a thread record (see state_repair._fill_home)."""
    backend = record.get("backend")
    server = record.get("server")
    return (
        backend if isinstance(backend, str) and backend else None,
        server if isinstance(server, str) and server else None,
        "server" in record,
    )


MAX_AGE_S = 100 * 365 * 86400.0


def parse_age(text: str) -> float:
    """Seconds in an age such as `30d`, `12h`, `2w` or `1.5 days`; a usage error otherwise."""
    match = _AGE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise UsageError(
            f"cannot read the age {text!r}",
            hint="give a number and a unit: h (hours), d (days) or w (weeks), e.g. 30d",
        )
    seconds = float(match.group(1)) * _UNITS[unit]
    if seconds <= 0:
        raise UsageError(f"the age {text!r} is not more than zero", hint="e.g. --older-than 30d")
    if seconds > MAX_AGE_S:
        # Past this, the cut-off date is before year 1 and cannot even be printed.
        raise UsageError(f"the age {text!r} is more than 100 years", hint="e.g. --older-than 30d")
    return seconds


@dataclass(frozen=True)
class ThreadInfo:
    """A thread as `thread list` shows it."""

    id: str
    backend: str
    title: str
    created_at: float
    last_used_at: float
    current: bool
    # The base URL it lives on; None for a backend without a server (or a record that never
    # said: one from before threads remembered it).
    server: str | None = None


def thread_infos(records: Iterable[Mapping[str, Any]], current: str | None) -> list[ThreadInfo]:
    """The rows `thread list` shows of thread records; `current` marked."""
    infos = []
    for t in records:
        backend, server, _known = home_of(t)
        infos.append(
            ThreadInfo(
                id=str(t.get("id")),
                backend=backend or "?",
                title=str(t.get("title", "")),
                created_at=float(t.get("created_at", 0)),
                last_used_at=float(t.get("last_used_at", 0)),
                current=t.get("id") == current,
                server=server,
            )
        )
    return infos
