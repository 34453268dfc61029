"""Remembered threads as a Rich table (`thread list` on a terminal and the REPL's /threads)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from weatherbot.render.sanitize import clean
from weatherbot.thread_ids import ThreadInfo, server_label

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.table import Table


class ThreadRow(Protocol):
    """What the table shows of a thread (conversation.ThreadInfo has it)."""

    @property
    def id(self) -> str:
        """The thread id."""

    @property
    def backend(self) -> str:
        """The backend that keeps it."""

    @property
    def title(self) -> str:
        """Its first question."""

    @property
    def last_used_at(self) -> float:
        """Epoch seconds; 0 for never."""


def when(stamp: float) -> str:
    """A local date and minute, or '-' for a missing (0) time."""
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "-"


def thread_lines(threads: Iterable[ThreadInfo], marked: Collection[str]) -> list[str]:
    """Threads for a pipe: one tab-separated line each, easy to cut and grep (nothing cut).

    Fields: id, backend, server (or '-'), last used, '*' for a marked one, title (last: it may
    hold anything but a tab).
    """
    lines = []
    for t in threads:
        mark = "*" if t.id in marked else ""
        fields = (t.id, t.backend, t.server or "-", when(t.last_used_at), mark, t.title)
        lines.append("\t".join(clean(field) for field in fields))
    return lines


# A title narrower than this is not worth its column: the server, then the date, give way first.
MIN_TITLE = 16
DATE_WIDTH = len("2026-05-11 23:30")
# Columns are two cells apart (Rich's padding of one on each side, none at the edges).
GAP = 2


class ThreadTable:
    """The table, laid out for the width it is printed at: ids are never cut (a cut id cannot
    be copied and is refused), the title gives way, and below MIN_TITLE cells for it the
    server column goes, then the date."""

    def __init__(
        self, threads: Iterable[ThreadRow], marked: Collection[str], title_limit: int | None
    ) -> None:
        self.rows = list(threads)
        self.marked = marked
        self.title_limit = title_limit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)

    def table(self, width: int | None = None) -> Table:
        """The Rich table for a terminal `width` cells wide (None: as wide as it needs)."""
        from rich.table import Table
        from rich.text import Text

        rows = [
            (
                "*" if t.id in self.marked else "",
                clean(t.id),
                clean(t.backend),
                server_label(getattr(t, "server", None)),
                when(t.last_used_at),
                clean(t.title)[: self.title_limit] if self.title_limit else clean(t.title),
            )
            for t in self.rows
        ]
        shown = {"server": any(r[3] != "-" for r in rows), "last used": True}
        if width is not None:
            for optional in ("server", "last used"):
                if _title_room(rows, shown, width) >= MIN_TITLE:
                    break
                shown[optional] = False
        room = _title_room(rows, shown, width) if width is not None else None
        table = Table(box=None, pad_edge=False)
        for name in ("", "id", "backend", "server", "last used"):
            if shown.get(name, True):
                table.add_column(name, no_wrap=True)
        table.add_column("title", no_wrap=True, max_width=max(room, 1) if room else None)
        for mark, tid, backend, server, used, title in rows:
            cells: list[RenderableType] = [mark, Text(tid), Text(backend)]
            cells += [Text(server)] if shown["server"] else []
            cells += [used] if shown["last used"] else []
            # Ids and titles are not ours (a server's, the user's): no markup, no escapes.
            table.add_row(*cells, Text(title, no_wrap=True, overflow="ellipsis"))
        return table


def _title_room(rows: Sequence[tuple[str, ...]], shown: dict[str, bool], width: int | None) -> int:
    """The cells left for the title once the other shown columns have their full width."""
    from rich.cells import cell_len

    headers = ("", "id", "backend", "server", "last used")
    used = 0
    for index, name in enumerate(headers):
        if shown.get(name, True):
            used += max([cell_len(name), *(cell_len(r[index]) for r in rows)]) + GAP
    return (width or 0) - used


def thread_table(
    threads: Iterable[ThreadRow], marked: Collection[str], title_limit: int | None = None
) -> ThreadTable:
    """One row per thread; `*` marks the ids in `marked`; titles cut to `title_limit` chars."""
    return ThreadTable(threads, marked, title_limit)
