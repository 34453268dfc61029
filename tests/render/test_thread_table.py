"""The remembered-threads table shared by `thread list` and the REPL's /threads."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console

from weatherbot.render.thread_table import thread_table, when


@dataclass(frozen=True)
class Row:
    id: str
    backend: str
    title: str
    last_used_at: float


STAMP = datetime(2026, 5, 11, 23, 30).timestamp()
ROWS = [
    Row("local_a", "offline", "[bold red]Rain[/] in Paris?\x1b[31m", STAMP),
    Row("thread_b", "assistants", "x" * 80, 0),
]


def _render(table: object, width: int = 200) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(table)
    return out.getvalue()


def test_marks_dates_and_titles_as_plain_text() -> None:
    lines = _render(thread_table(ROWS, marked={"local_a"})).splitlines()
    assert lines[0].split() == ["id", "backend", "last", "used", "title"]
    assert lines[1].split()[:4] == ["*", "local_a", "offline", "2026-05-11"]
    # Markup in a title is the user's text, shown as typed; escape sequences are dropped.
    assert lines[1].rstrip().endswith("[bold red]Rain[/] in Paris?")
    assert "\x1b" not in "".join(lines)
    assert lines[2].split()[:3] == ["thread_b", "assistants", "-"]
    assert lines[2].rstrip().endswith("x" * 80)


def test_title_limit_cuts_titles() -> None:
    text = _render(thread_table(ROWS, marked=set(), title_limit=60))
    assert "x" * 60 in text and "x" * 61 not in text
    assert "*" not in text


def test_on_a_narrow_terminal_only_the_title_gives_way() -> None:
    rows = [Row("local_102a525a391440079eed", "offline", "a long title " * 8, STAMP)]
    lines = _render(thread_table(rows, marked={rows[0].id}), width=80).splitlines()
    assert lines[0].split() == ["id", "backend", "last", "used", "title"]
    assert lines[1].split()[:5] == ["*", rows[0].id, "offline", "2026-05-11", "23:30"]
    assert lines[1].rstrip().endswith("…") and len(lines[1]) <= 80


def test_when() -> None:
    assert when(STAMP) == "2026-05-11 23:30"
    assert when(0) == "-"
