"""Remembered threads as a Rich table (`thread list` on a terminal and the REPL's /threads)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from weatherbot.render.sanitize import clean

if TYPE_CHECKING:
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


def thread_table(
    threads: Iterable[ThreadRow], marked: Collection[str], title_limit: int | None = None
) -> Table:
    """One row per thread; `*` marks the ids in `marked`; titles cut to `title_limit` chars."""
    # Imported here: `thread list` in a pipe or with no threads never needs rich.table.
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    table.add_column("", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("backend", no_wrap=True)
    table.add_column("last used", no_wrap=True)
    # The title is the one column that gives way on a narrow terminal: Rich narrows wrappable
    # columns first, and the Text itself stays one line ending in "…". (With every column
    # no_wrap, Rich narrowed all of them alike: at 100 columns the mark, backend and date
    # vanished while the title kept its full width.)
    table.add_column("title")
    for t in threads:
        # Ids and titles are not ours (a server's, the user's): no markup, no escape sequences.
        title = clean(t.title)
        table.add_row(
            "*" if t.id in marked else "",
            Text(clean(t.id)),
            Text(clean(t.backend)),
            when(t.last_used_at),
            Text(title[:title_limit] if title_limit else title, no_wrap=True, overflow="ellipsis"),
        )
    return table
