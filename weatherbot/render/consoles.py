"""The two Rich consoles (answers on stdout, everything else on stderr) and plain-mode choice."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console


@dataclass(frozen=True)
class Consoles:
    """stdout and stderr consoles, and whether the answer is rendered richly."""

    out: Console
    err: Console
    rich_output: bool
    spinner: bool


def make_consoles(
    color: bool | None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> Consoles:
    """Rich on a terminal (without colour under NO_COLOR); plain text for pipes.

    NO_COLOR turns colour off, not the terminal: answers are still rendered (no raw `**`)
    and wrapped at words rather than cut at the screen's edge; only the spinner goes too.
    """
    out_file = stdout or sys.stdout
    err_file = stderr or sys.stderr
    out_tty = out_file.isatty()
    err_tty = err_file.isatty()
    plain = color is False
    rich_output = out_tty
    # Explicit terminal flags keep escape codes out of pipes.
    out = Console(
        file=out_file,
        force_terminal=rich_output or None,
        no_color=plain,
        highlight=False,
        soft_wrap=not rich_output,
    )
    err = Console(
        file=err_file,
        force_terminal=None if err_tty else False,
        no_color=plain,
        highlight=False,
        stderr=True,
    )
    return Consoles(out=out, err=err, rich_output=rich_output, spinner=err_tty and not plain)
