"""Render time per token for streamed Markdown replies, at a model's pace (issue 11 target).

Runs TerminalRenderer in rich mode against a forced-terminal console writing to a StringIO, one
TextDelta per token. The renderer draws at most 12.5 frames a second, so its cost per token
depends on how fast tokens arrive: the deltas are fed as fast as the CPU allows, but on a
simulated clock that moves 1/rate s per token (the renderer's timers fire on that clock), so
the figure is the CPU time a reply arriving at `rate` tokens/s costs, without waiting for it.
CPU time of this process (not wall time), so other work on the machine disturbs it less.

    python benchmarks/render_stream.py            # the table and the verdict
    python benchmarks/render_stream.py --quick    # one repeat instead of three
"""

from __future__ import annotations

import argparse
import io
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console

from weatherbot.events import Done, Ids, TextDelta
from weatherbot.render.blocks import FPS
from weatherbot.render.terminal import TerminalRenderer

TARGET_S = 0.3e-3  # issue 11: ≤ 0.3 ms per token, amortised, for a 4,000-token reply
# Hosted models stream about 50-150 tokens/s (gpt-5.4-mini is one of the fast ones); the
# headline uses 100. Slower local models cost more per token but less per second.
RATE = 100.0
RATES = (20.0, 50.0, 100.0, 200.0)

SECTION = """\
## {n}. Forecast for day {n}

Temperatures around **{t} °C** in the afternoon, with a light breeze from the south-west and \
broken clouds. Rain is *possible* in the evening, so take an umbrella if you go out late.

- morning: {t} °C, 10% rain
- afternoon: {t} °C, 40% rain
- evening: {t} °C, 70% rain

```text
hour  temp  rain
09    {t}   10
15    {t}   40
```

"""


def tokens(count: int) -> list[str]:
    """About `count` model-like tokens (a word or a run of punctuation/space) of Markdown."""
    out: list[str] = []
    for n in itertools.count(1):
        out += re.findall(r"\s*\S+|\s+", SECTION.format(n=n, t=10 + n % 7))
        if len(out) >= count:
            return out[:count]
    raise AssertionError("unreachable")


@dataclass
class _Timer:
    when: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class SimulatedClock:
    """Time that moves only when told; timers run (on this thread) as it passes them."""

    def __init__(self) -> None:
        self.time = 0.0
        self._timers: list[_Timer] = []

    def now(self) -> float:
        """The simulated time."""
        return self.time

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Timer:
        """Queue `callback` for `delay` simulated seconds from now."""
        timer = _Timer(self.time + delay, callback)
        self._timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move on by `seconds`, running due timers at their own times."""
        end = self.time + seconds
        while True:
            due = [t for t in self._timers if not t.cancelled and t.when <= end]
            if not due:
                break
            timer = min(due, key=lambda t: t.when)
            self._timers.remove(timer)
            self.time = max(self.time, timer.when)
            timer.callback()
        self._timers = [t for t in self._timers if not t.cancelled]
        self.time = end


class CountingFile(io.StringIO):
    """A terminal stand-in that counts writes: the renderer writes each frame at once."""

    writes = 0

    def write(self, text: str) -> int:
        """Write, and count it (Rich also writes empty strings when a capture ends)."""
        self.writes += bool(text)
        return super().write(text)


@dataclass(frozen=True)
class Result:
    """One measured reply: best seconds of CPU per token, and writes (frames) to the terminal."""

    per_token: float
    frames: int


def run(count: int, rate: float | None, repeats: int = 3) -> Result:
    """Best of `repeats`: stream `count` tokens at `rate` tokens/s (None: all at one instant)."""
    pieces = tokens(count)
    answer = "".join(pieces)
    gap = 0.0 if rate is None else 1.0 / rate
    best = float("inf")
    frames = 0
    for _ in range(repeats):
        clock = SimulatedClock()
        screen = CountingFile()
        out = Console(file=screen, force_terminal=True, width=100, height=40)
        err = Console(file=io.StringIO(), force_terminal=False)
        renderer = TerminalRenderer(
            out, err, stream=True, rich_output=True, spinner=False, clock=clock
        )
        start = time.process_time()
        for piece in pieces:
            renderer.handle(TextDelta(piece))
            clock.advance(gap)  # frames due by the next token are drawn here, and timed
        renderer.handle(Done(answer, Ids()))
        renderer.close()
        best = min(best, time.process_time() - start)
        frames = screen.writes
    return Result(best / count, frames)


def measure(count: int, repeats: int = 3, rate: float | None = RATE) -> float:
    """Best-of-`repeats` seconds per token for a `count`-token reply at `rate` tokens/s."""
    return run(count, rate, repeats).per_token


def main() -> None:
    """Print the figures as small tables, and the verdict against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat instead of three")
    repeats = 1 if parser.parse_args().quick else 3

    print(f"Reply length, at {RATE:.0f} tokens/s ({FPS} frames/s at most):")
    print(f"{'tokens':>7}  {'per token':>10}  {'total':>8}  {'frames':>6}")
    for count in (100, 1000, 4000):
        result = run(count, RATE, repeats)
        total = result.per_token * count
        print(f"{count:>7}  {result.per_token * 1e6:>7.0f} µs  {total:>6.2f} s  {result.frames:>6}")

    print("\nA 4,000-token reply, by token rate (CPU per token, and share of one core):")
    print(f"{'tokens/s':>9}  {'per token':>10}  {'CPU':>5}  {'frames':>6}")
    headline = 0.0
    for rate in (*RATES, None):
        result = run(4000, rate, repeats)
        if rate == RATE:
            headline = result.per_token
        label = "burst" if rate is None else f"{rate:.0f}"
        share = "" if rate is None else f"{result.per_token * rate:>5.0%}"
        print(f"{label:>9}  {result.per_token * 1e6:>7.0f} µs  {share:>5}  {result.frames:>6}")

    verdict = "met" if headline <= TARGET_S else "MISSED"
    print(
        f"\n4,000 tokens at {RATE:.0f} tokens/s: {headline * 1e6:.0f} µs per token "
        f"(target ≤ {TARGET_S * 1e6:.0f} µs): {verdict}"
    )


if __name__ == "__main__":
    main()
