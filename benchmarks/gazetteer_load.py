"""How long the embedded gazetteer takes to load, how big it is and what it holds.

Each figure is the median of fresh processes (a user's command starts one), minus the median
of a bare `python -c pass` run the same number of times, interleaved so drifts in the machine's
speed hit both alike:

- "load + lookup": importing weatherbot.offline.gazetteer, `load()` and one `lookup`, everything
  the module imports included;
- "over its imports": the same minus `import dataclasses, typing`, which the offline planner
  imports anyway: what the gazetteer adds to an offline answer.

    python benchmarks/gazetteer_load.py            # 10 runs per figure
    python benchmarks/gazetteer_load.py --runs 30
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from weatherbot.offline.gazetteer import default_path, load  # noqa: E402

TARGET_MS = 30.0
SNIPPETS = {
    "bare": "pass",
    "stdlib": "import dataclasses, typing",
    "load": "from weatherbot.offline.gazetteer import load; load().lookup('London')",
}


def run_once(code: str) -> float:
    """Seconds for one fresh interpreter running `code`."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    """Print the figures; exit 1 when load + lookup is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    for code in SNIPPETS.values():  # warm the page cache and the .pyc files
        run_once(code)
    times: dict[str, list[float]] = {name: [] for name in SNIPPETS}
    for _ in range(args.runs):
        for name, code in SNIPPETS.items():
            times[name].append(run_once(code))
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    total = median["load"] - median["bare"]
    extra = median["load"] - median["stdlib"]

    gazetteer = load()
    header = dict(
        field.split("=", 1)
        for field in Path(default_path()).read_bytes().split(b"\n", 2)[1].decode().split("\t")
    )
    size = os.path.getsize(default_path())
    print(f"index: {default_path()}")
    print(f"size: {size:,} bytes ({size / 1024 / 1024:.2f} MiB)")
    print(
        "entries: {cities} cities, {countries} countries, {regions} regions; "
        "{name_keys} folded names, {abbreviation_names} curated abbreviations".format(**header)
    )
    print(f"max_words {gazetteer.max_words}, max_chars {gazetteer.max_chars}")
    print(f"bare interpreter: {median['bare']:.1f} ms (median of {args.runs})")
    print(f"load + lookup: {total:.1f} ms (target {TARGET_MS:.0f} ms)")
    print(f"over dataclasses + typing: {extra:.1f} ms")
    return 0 if total <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
