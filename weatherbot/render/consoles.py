"""The two Rich consoles (answers on stdout, everything else on stderr) and plain-mode choice."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from weatherbot.render.sanitize import clean, is_clean


class SafeConsole(Console):
    """A Console that draws text, never runs it: no markup, no emoji codes, no escapes, no keys.

    Text weatherbot shows comes from servers (ids, titles, answers, provider names) and may
    hold `[link=…]`, `:emoji:` codes, escape sequences or an echoed API key. Markup and emoji
    are off for every string printed; every text segment leaving a render is cleaned, so a
    string that missed `clean` on its way still cannot reach the terminal raw. Rich's own
    control segments (cursor moves of a live display) pass as they are.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)

    def on_broken_pipe(self) -> None:
        """The reader left (`| head`): Rich's own handling, but to the error boundary.

        Rich raises SystemExit(1); the CLI's boundary (cli_options.fail) stops with 0 quietly.
        """
        try:
            super().on_broken_pipe()
        except SystemExit:
            raise BrokenPipeError from None

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """Rich's segments, with the text of each cleaned."""
        for segment in super().render(renderable, options):
            text, style, control = segment
            if control is None and not is_clean(text):
                # Newlines are line structure here; anything else unsafe goes.
                yield Segment(clean(text, keep_newlines=True), style)
            else:
                yield segment


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
    out = SafeConsole(
        file=out_file,
        force_terminal=rich_output or None,
        no_color=plain,
        soft_wrap=not rich_output,
    )
    err = SafeConsole(
        file=err_file,
        force_terminal=None if err_tty else False,
        no_color=plain,
        stderr=True,
    )
    return Consoles(out=out, err=err, rich_output=rich_output, spinner=err_tty and not plain)
