"""Threads in chat: `/threads` lists them (whole ids), `/switch ID` continues one, and `clear`
(or /clear) clears the screen instead of going to the model as a question."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from weatherbot.errors import UsageError
from weatherbot.render.sanitize import clean

if TYPE_CHECKING:
    from rich.console import Console

    from weatherbot.conversation import Session

SWITCH_USAGE = "usage: /switch ID (an id from /threads, or the start of one)"
# Typed alone, these clear the screen as in a shell: a question is never just the word.
CLEAR_WORDS = ("clear", "cls")


def is_clear(text: str) -> bool:
    """`text` is the word `clear` alone (any case, any spaces around it)."""
    return text.strip().lower() in CLEAR_WORDS


def thread_ids(session: Session) -> list[str]:
    """Remembered thread ids, most recent first, for /switch's completion."""
    try:
        return [t.id for t in session.threads()]
    except Exception:  # completion must never break the prompt
        return []


def switch_command(session: Session, arg: str, note: Callable[[str, str], None]) -> None:
    """`/switch ID`: continue a remembered thread (its own backend and server) from now on."""
    if not arg.strip():
        note(SWITCH_USAGE, "yellow")
        return
    try:
        found = session.resolve_thread(arg.strip())
    except UsageError as exc:
        exc.hint = "/threads lists them"  # not `weatherbot thread list`: we are in chat
        raise
    if found == session.thread_id:
        note(f"already on {clean(found)} ({session.backend_name})", "dim")
        return
    session.select_thread(thread_id=found)
    title = next((t.title for t in session.threads() if t.id == found), "")
    about = f": {clean(title)}" if title else ""
    note(f"switched to {clean(found)} ({session.backend_name}){about}", "dim")


def threads_command(session: Session, out: Console, note: Callable[[str, str], None]) -> None:
    """`/threads`: every remembered thread, ids whole, this one marked."""
    from weatherbot.render.thread_table import thread_lines, thread_table

    threads = session.threads()
    if not threads:
        note("no threads yet", "dim")
        return
    marked = {session.thread_id} if session.thread_id else set()
    if not out.is_terminal:
        # Piped, as `thread list` prints them: whole lines, no column padding, titles uncut.
        # Written as they are: Rich would turn the tabs into spaces. (Cleaned already.)
        out.file.write("".join(line + "\n" for line in thread_lines(threads, marked)))
        out.file.flush()
        return
    out.print(thread_table(threads, marked))
    note("/switch ID continues one (the start of an id is enough)", "dim")
