"""SIGTERM and SIGHUP end weatherbot the way Ctrl-C does: the active run is cancelled first.

`kill`, a closed terminal or a supervisor stopping the process would otherwise end it at once,
leaving the run or response active on the server (and the thread locked by it). Raising
KeyboardInterrupt reuses the Ctrl-C path everywhere: the turn driver cancels the run and the
command exits 130 with the same message. Installed by the console-script entry only (`main`),
never by `app`, which tests and benchmarks call in-process.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

_received: list[int] = []
# The prompt_toolkit Application reading a line in `chat`, while it does.
_prompts: list[Any] = []


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    _received.append(signum)
    app = _prompts[-1] if _prompts else None
    if app is not None and app.is_running and app.loop is not None:
        # Raised here, the interrupt would land in whichever prompt_toolkit task runs (loading
        # the input history, say), which reports it and waits for Enter. Ask the prompt to
        # end with it instead, as asyncio's own signal handling does (a callback, thread-safe).
        app.loop.call_soon_threadsafe(_end_prompt, app)
        return
    raise KeyboardInterrupt


def _end_prompt(app: Any) -> None:
    with contextlib.suppress(Exception):  # it ended on its own meanwhile
        app.exit(exception=KeyboardInterrupt, style="class:aborting")


@contextlib.contextmanager
def reading_line(app: Any) -> Iterator[None]:
    """While `app` (a prompt_toolkit Application) reads a line, SIGTERM/SIGHUP end it."""
    _prompts.append(app)
    try:
        yield
    finally:
        _prompts.remove(app)


def install() -> None:
    """Handle SIGTERM and SIGHUP (where the platform has it) like Ctrl-C."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None:
            signal.signal(number, _interrupt)


def terminating() -> bool:
    """True once SIGTERM or SIGHUP arrived: unlike Ctrl-C, it ends `chat` too."""
    return bool(_received)
