"""Render time per token for streamed Markdown replies of 100, 1,000 and 4,000 tokens.

Runs TerminalRenderer in rich mode against a forced-terminal console writing to a StringIO, one
TextDelta per token, and prints microseconds per token. Because finished blocks are printed once
and only the open block is re-rendered, the cost per token stays flat as replies grow.

    python benchmarks/render_stream.py
"""

from __future__ import annotations

import io
import itertools
import re
import time

from rich.console import Console

from weatherbot.events import Done, Ids, TextDelta
from weatherbot.render.terminal import TerminalRenderer

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


def measure(count: int, repeats: int = 3) -> float:
    """Best-of-`repeats` seconds per token for a streamed reply of `count` tokens."""
    pieces = tokens(count)
    answer = "".join(pieces)
    best = float("inf")
    for _ in range(repeats):
        out = Console(file=io.StringIO(), force_terminal=True, width=100, height=40)
        err = Console(file=io.StringIO(), force_terminal=False)
        renderer = TerminalRenderer(out, err, stream=True, rich_output=True, spinner=False)
        start = time.perf_counter()
        for piece in pieces:
            renderer.handle(TextDelta(piece))
        renderer.handle(Done(answer, Ids()))
        renderer.close()
        best = min(best, time.perf_counter() - start)
    return best / count


def main() -> None:
    """Print the figures as a small table."""
    print(f"{'tokens':>7}  {'per token':>10}  {'total':>8}")
    for count in (100, 1000, 4000):
        per_token = measure(count)
        print(f"{count:>7}  {per_token * 1e6:>7.0f} µs  {per_token * count:>6.2f} s")


if __name__ == "__main__":
    main()
