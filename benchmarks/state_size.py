"""Commands against a big state (issue 12): 1,000 threads of 20 messages, and a 50 MB answer.

Every command reads state.json whole, so its size is paid by each of them. This fills a state
under a temporary WEATHERBOT_HOME with 1,000 threads × 20 messages shaped like real Chat
Completions histories (a question, an assistant message with two tool calls, their two outputs,
the answer; four turns), then times the installed console script (a fresh process each run, as
a user starts it; median of the runs): `thread list` and `ask --offline -c`, each against an
empty state too. Last, a state written before the size caps, holding one 50 MB answer: the
first command cuts it (the original goes to state.json.damaged-<time>), the next ones are timed.
No network: the offline backend answers from recorded samples.

    python benchmarks/state_size.py            # 9 runs per figure
    python benchmarks/state_size.py --quick    # 3 runs per figure
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weatherbot.state import HISTORIES_CHECKED

THREADS = 1_000
TURNS = 4  # 5 messages each: 20 messages per thread
# What the first state of issue 12 held: one 50 MB answer, stored whole.
HUGE_ANSWER_CHARS = 50_000_000
# The target: `thread list` with 1,000 threads costs at most this much more than with none.
TARGET_EXTRA_S = 0.150

QUESTION = "Will it rain in London on day {n}, and how warm will it be?"
ANSWER = (
    "**London, England, United Kingdom**: 8.3 °C at 2026-05-11 23:30; 57% chance of rain on "
    "2026-05-11.\n\n_Source: Open-Meteo (recorded sample, 2026-05-11), data for 2026-05-11 "
    "23:30 (local time)._\n_Recorded sample from 2026-05-11, not live data._"
)
OUTPUT = json.dumps(
    {
        "location": "London, England, United Kingdom",
        "latitude": 51.50853,
        "longitude": -0.12574,
        "timezone": "Europe/London",
        "source": "Open-Meteo (recorded sample, 2026-05-11)",
        "temperature": 8.3,
        "unit": "Celsius",
        "time": "2026-05-11T23:30",
        "wind_speed": 11.2,
        "wind_unit": "km/h",
    }
)


def command() -> list[str]:
    """The installed console script beside this Python, or `python -m weatherbot`."""
    script = Path(sys.executable).with_name("weatherbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "weatherbot"]


def turn(thread: int, n: int) -> list[dict[str, Any]]:
    """One question with its tool round and answer, as the chat backend stores it."""
    ids = [f"call_{thread}_{n}_{k}" for k in range(2)]
    calls = [
        {
            "id": ids[0],
            "type": "function",
            "function": {
                "name": "get_current_temperature",
                "arguments": '{"location": "London", "unit": "Celsius"}',
            },
        },
        {
            "id": ids[1],
            "type": "function",
            "function": {"name": "get_rain_probability", "arguments": '{"location": "London"}'},
        },
    ]
    return [
        {"role": "user", "content": QUESTION.format(n=n)},
        {"role": "assistant", "content": None, "tool_calls": calls},
        *({"role": "tool", "tool_call_id": i, "content": OUTPUT} for i in ids),
        {"role": "assistant", "content": ANSWER},
    ]


def big_state(home: Path) -> int:
    """Write the 1,000-thread state; its size in bytes."""
    now = time.time()
    threads = {}
    for t in range(THREADS):
        thread_id = f"local_{t:024x}"
        threads[thread_id] = {
            "id": thread_id,
            "backend": "offline",
            "scope": "offline",
            "title": QUESTION.format(n=t),
            "created_at": now - 86_400 + t,
            "last_used_at": now - 86_400 + t,
            "history": [m for n in range(TURNS) for m in turn(t, n)],
        }
    # As weatherbot writes it: histories within the caps, and marked as checked.
    state = {"version": 1, HISTORIES_CHECKED: 1, "assistants": {}, "threads": threads}
    state["last_thread"] = {"offline": thread_id}
    return write_state(home, state)


def huge_answer_state(home: Path) -> int:
    """A state written before the caps: one thread whose answer is 50 MB; its size."""
    record = {
        "id": "local_huge",
        "backend": "offline",
        "scope": "offline",
        "title": "Tell me everything",
        "created_at": time.time(),
        "last_used_at": time.time(),
        "history": [
            {"role": "user", "content": "Tell me everything"},
            {"role": "assistant", "content": "It will rain. " * (HUGE_ANSWER_CHARS // 14)},
        ],
    }
    # As weatherbot wrote it before the caps (no HISTORIES_CHECKED mark).
    state = {"version": 1, "assistants": {}, "threads": {"local_huge": record}}
    state["last_thread"] = {"offline": "local_huge"}
    return write_state(home, state)


def write_state(home: Path, state: dict[str, Any]) -> int:
    """Replace the state under `home` (and anything moved aside) with `state`; its size."""
    for old in home.glob("state.json*"):
        old.unlink()
    path = home / "state.json"
    path.write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path.stat().st_size


def timed(home: Path, args: list[str], runs: int) -> float:
    """Median wall time of `runs` fresh processes of `weatherbot ARGS`; each must exit 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "WEATHERBOT_"))}
    env.update(WEATHERBOT_HOME=str(home), NO_COLOR="1")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [*command(), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"weatherbot {' '.join(args)} failed: {done.stderr.decode()}")
    return statistics.median(times)


LIST = ["thread", "list"]
ASK = ["ask", "--offline", "-c", "And tomorrow?"]


@dataclass(frozen=True)
class Figures:
    """Median seconds per command, and the state sizes in bytes."""

    empty_list: float
    empty_ask: float
    size: int
    big_list: float
    big_ask: float
    huge: int
    first: float
    cut: int
    huge_list: float
    huge_ask: float


def measure(runs: int) -> Figures:
    """Every figure, `runs` fresh processes each (the first command on the 50 MB state once)."""
    with tempfile.TemporaryDirectory(prefix="wb-state-") as tmp:
        home = Path(tmp)
        write_state(home, {"version": 1, "threads": {}})
        empty_list = timed(home, LIST, runs)
        timed(home, ["ask", "--offline", "Will it rain in London?"], 1)
        empty_ask = timed(home, ASK, runs)
        size = big_state(home)
        big_list = timed(home, LIST, runs)
        big_ask = timed(home, ASK, runs)
        huge = huge_answer_state(home)
        first = timed(home, LIST, 1)
        cut = (home / "state.json").stat().st_size
        huge_list = timed(home, LIST, runs)
        huge_ask = timed(home, ASK, runs)
    return Figures(
        empty_list, empty_ask, size, big_list, big_ask, huge, first, cut, huge_list, huge_ask
    )


def main() -> None:
    """Print the figures and the verdict against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per figure instead of 9")
    runs = 3 if parser.parse_args().quick else 9
    f = measure(runs)
    rows = [
        ("empty state", "thread list", f.empty_list),
        ("empty state", "ask --offline -c (one thread)", f.empty_ask),
        (f"{THREADS:,} threads x 20 messages, {f.size / 1e6:.1f} MB", "thread list", f.big_list),
        (f"{THREADS:,} threads x 20 messages", "ask --offline -c", f.big_ask),
        (f"a {f.huge / 1e6:.0f} MB answer from before the caps", "first command", f.first),
        (f"  then {f.cut / 1e3:.0f} kB", "thread list", f.huge_list),
        (f"  then {f.cut / 1e3:.0f} kB", "ask --offline -c", f.huge_ask),
    ]
    print(f"Median of {runs} runs of the console script (a fresh process each):")
    for state, what, seconds in rows:
        print(f"  {state:<42} {what:<32} {seconds * 1000:>7.0f} ms")
    extra = f.big_list - f.empty_list
    verdict = "met" if extra <= TARGET_EXTRA_S else "MISSED"
    print(
        f"\nthread list with {THREADS:,} threads: +{extra * 1000:.0f} ms over an empty state "
        f"(target ≤ +{TARGET_EXTRA_S * 1000:.0f} ms): {verdict}"
    )


if __name__ == "__main__":
    main()
