"""What the render tests share: a clock moved by hand, a screen that replays what Rich wrote."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from weatherbot.render import blocks


@dataclass
class FakeTimer:
    """A call the fake clock makes when it reaches `when_ns`."""

    when_ns: int
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        """Do not make the call."""
        self.cancelled = True


class FakeClock:
    """A monotonic clock the test moves; due timers run, in time order, as it passes them.

    Time is kept in whole nanoseconds, so "half a frame, then half a frame" lands exactly on
    a timer set for one frame (float sums would fall a hair short of it).
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.ns = round(start * 1e9)
        self.timers: list[FakeTimer] = []

    def now(self) -> float:
        """The time the test has moved the clock to."""
        return self.ns / 1e9

    def call_later(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        """Remember `callback` for `delay` seconds from now."""
        timer = FakeTimer(self.ns + round(delay * 1e9), callback)
        self.timers.append(timer)
        return timer

    @property
    def pending(self) -> list[FakeTimer]:
        """Timers not yet run or cancelled."""
        return [t for t in self.timers if not t.cancelled]

    def advance(self, seconds: float) -> None:
        """Move the clock on, running each timer at its own time (a callback may add more)."""
        end = self.ns + round(seconds * 1e9)
        while due := sorted((t for t in self.pending if t.when_ns <= end), key=lambda t: t.when_ns):
            timer = due[0]
            self.timers.remove(timer)
            self.ns = max(self.ns, timer.when_ns)
            timer.callback()
        self.ns = end


class Writes(io.StringIO):
    """A terminal stand-in that also counts write calls (one per frame) and stamps them."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        super().__init__()
        self.clock = clock
        self.stamps: list[float] = []

    def write(self, text: str) -> int:
        """Write and remember when."""
        if text:
            self.stamps.append(self.clock.now() if self.clock else 0.0)
        return super().write(text)


_TOKENS = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]+")


def screen(data: str) -> str:
    """Replay the control codes a live region uses (CR, LF, cursor up, erase line) on a grid."""
    lines = [""]
    row = col = 0
    for token in _TOKENS.findall(data):
        if token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif token == "\r":
            col = 0
        elif token.startswith("\x1b["):
            if token.endswith("A"):
                row = max(0, row - int(token[2:-1] or 1))
            elif token.endswith("K"):
                lines[row] = ""
            elif not token.endswith(("h", "l")):
                raise AssertionError(f"unexpected control code {token!r}")
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token) :]
            col += len(token)
    return "\n".join(line.rstrip() for line in lines)


def rich_console(buffer: io.StringIO, height: int = 12, width: int = 44) -> Console:
    """A small colourless terminal writing into `buffer`."""
    return Console(file=buffer, width=width, height=height, force_terminal=True, color_system=None)


def one_shot(markdown: str, width: int = 44) -> str:
    """The screen after Rich prints `markdown` in one go: what streaming must end up as."""
    buffer = io.StringIO()
    # Rich's Markdown as weatherbot configures it: link targets shown (render/links.py),
    # tables without blank edge lines (test_blocks compares it with Rich's own).
    rich_console(buffer, width=width).print(blocks.markdown(markdown))
    return screen(buffer.getvalue())


LONG_MARKDOWN = """\
# Weather for London

It is **11.2 °C** right now, with a light breeze from the south-west and broken clouds \
over the city. Later today the wind picks up.

## Rain
- morning: 10%
- afternoon: 40%
- evening: 70%

```text
hour  temp  rain

09    9.8   10
15    11.2  40
```

1. take an umbrella
2. wear a coat

Data from *sample*."""

# Blocks that Markdown reads as one element across blank lines, and Rich's spacing quirks:
# loose and nested lists, a list item's second paragraph, a quote, a rule, a table, code.
TRICKY_MARKDOWN = """\
Intro line.

1. **Monday**

   - rain 40%
   - wind 5 m/s

2. **Tuesday**

   Dry all day.

10. later

> quoted
> text

---
After the rule.

| day | rain |
|-----|------|
| Mon | 40%  |

    indented code

    more code
- a
- b

Done."""


def value(output: str) -> Any:
    """The typed value a tool output's JSON text came from (what ToolCallFinished carries)."""
    return json.loads(output)
