"""SIGTERM and SIGHUP end weatherbot the way Ctrl-C does: the active run is cancelled first.

`kill`, a closed terminal or a supervisor stopping the process would otherwise end it at once,
leaving the run or response active on the server (and the thread locked by it). Raising
KeyboardInterrupt reuses the Ctrl-C path everywhere: the turn driver cancels the run and the
command exits 130 with the same message. Installed by the console-script entry only (`main`),
never by `app`, which tests and benchmarks call in-process.
"""

from __future__ import annotations

import signal
from types import FrameType

_received: list[int] = []


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


def install() -> None:
    """Handle SIGTERM and SIGHUP (where the platform has it) like Ctrl-C."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None:
            signal.signal(number, _interrupt)


def terminating() -> bool:
    """True once SIGTERM or SIGHUP arrived: unlike Ctrl-C, it ends `chat` too."""
    return bool(_received)
