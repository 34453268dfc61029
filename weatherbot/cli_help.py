"""How --help reads: plain lines when piped, usage without Typer's braces, whole-number types.

Typer's Rich help pads every line to the width with spaces (invisible on a terminal, noise in
a file or a diff), writes required arguments as `{NAME}`, and shows Click's ranges as
`<int range> [x>=1]`; a user reading the help should see what git and gh show.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any

from typer._click import types as _click_types


def print_help(render: Callable[[], None]) -> None:
    """Run `render` (which prints the help to sys.stdout); piped, without trailing spaces."""
    real = sys.stdout
    if real is None or real.isatty():
        render()
        return
    buffer = io.StringIO()
    sys.stdout = buffer
    try:
        render()
    finally:
        sys.stdout = real
    try:
        real.write("\n".join(line.rstrip() for line in buffer.getvalue().split("\n")))
        real.flush()
    except BrokenPipeError:
        # The reader left (`--help | head -1`): as for any output cut short, exit 0. Click
        # would take the error for a failure and exit 1.
        raise SystemExit(0) from None


def usage_pieces(pieces: list[str]) -> list[str]:
    """Usage as Unix tools write it: NAME for a required argument, [NAME] for an optional one."""
    return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


# Typer carries its own copy of Click: a type must come from it to be taken as a type.
class WholeNumber(_click_types.IntParamType):
    """An int option with bounds that its help states in words, not as `[x>=1]`."""

    def __init__(self, low: int, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        """The whole number, or Click's usage error naming the bounds."""
        number = int(super().convert(value, param, ctx))
        if number < self.low or (self.high is not None and number > self.high):
            bounds = (
                f"of at least {self.low}"
                if self.high is None
                else f"from {self.low} to {self.high}"
            )
            self.fail(f"it must be a whole number {bounds} (got {value!r})", param, ctx)
        return number

    def get_metavar(self, *args: Any, **kwargs: Any) -> str | None:
        """No type column: the option's metavar (N) says what it takes."""
        return ""
