"""Soak: 200 questions through the CLI app in-process, with random faults at a 10% rate.

Fake API servers (assistants, responses, chat) and a fake Open-Meteo run on 127.0.0.1; every
question goes through the real Typer app (CliRunner) and the real openai SDK. Before about
one question in ten, one fault is injected at random: HTTP 429/500/503, a reset connection,
a timeout, a 401, a 200 that is an HTML page, a run that ends failed, a stream cut mid-chunk,
a thread deleted on the server, a provider outage or malformed provider JSON, or a damaged
state file. The seed is fixed, the
run is bounded and stops by itself; nothing leaves loopback.

    python benchmarks/soak.py [--questions 200] [--rate 0.1] [--seed 7]

Prints: answered, failed cleanly (exit 1/2 with one `weatherbot:` line and no traceback),
crashed (anything else; must be 0), and whether the state is intact (state.json parses and
holds every thread an answer was given on).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from typer.testing import CliRunner

from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.chat_server import FakeChat
from tests.fakes.responses_server import FakeResponses
from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather

QUESTIONS = [
    "What's the weather in San Francisco today and the likelihood it'll rain?",
    "Will it rain in London today?",
    "How warm is it in New York?",
    "Weather in Paris?",
    "Is it raining in Atlantis?",
]
FIRST = {
    "assistants": "/v1/threads",
    "responses": "/v1/conversations",
    "chat": "/v1/chat/completions",
}
FAULTS = [
    "429",
    "500",
    "503x3",
    "reset",
    "timeout",
    "401",
    "run_failed",
    "drop_stream",
    "html_200",
    "thread_deleted",
    "provider_503",
    "provider_malformed",
    "state_corrupt",
]


def inject(
    fault: str, backend: str, fake: Any, weather: FakeWeather, home: Path, thread: str | None
) -> None:
    path = FIRST[backend]
    fast = {"retry-after-ms": "1"}
    if fault == "429":
        fake.inject("POST", path, Response(429, {"error": {"message": "slow down"}}, headers=fast))
    elif fault == "500":
        fake.inject("POST", path, Response(500, {"error": {"message": "oops"}}, headers=fast))
    elif fault == "503x3":
        fake.inject("POST", path, Response(503, {"error": {"message": "down"}}, headers=fast), 3)
    elif fault == "reset":
        fake.inject("POST", path, Response(reset=True))
    elif fault == "timeout":
        fake.inject("POST", path, Response(hang=True))
    elif fault == "html_200":
        page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
        fake.inject("POST", path, Response(raw=page, headers={"Content-Type": "text/html"}))
    elif fault == "401":
        fake.inject("POST", path, Response(401, {"error": {"message": "bad key"}}))
    elif fault == "run_failed":
        if backend == "chat":
            fake.inject(
                "POST", path, Response(500, {"error": {"message": "oops"}}, headers=fast), 3
            )
        else:
            fake.faults.append("failed")
    elif fault == "drop_stream":
        if backend == "assistants":
            fake.drop_streams.extend([None, 10])
        elif backend == "responses":
            fake.faults.extend([None, "drop_stream"])
        else:
            fake.drop_streams.extend([None, 3])
    elif fault == "thread_deleted" and thread:
        store = fake.threads if backend == "assistants" else getattr(fake, "conversations", {})
        store.pop(thread, None)
    elif fault == "provider_503":
        weather.fail("/v1/forecast", 503, times=3)
    elif fault == "provider_malformed":
        weather.malformed("/v1/forecast", times=3)
    elif fault == "state_corrupt":
        (home / "state.json").write_text('{"version": 1, "threads": {"trunc', encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    import openai._base_client as sdk

    import weatherbot.cli as cli
    from weatherbot.cli import app

    # The SDK still makes every retry, without its 0.5-8 s backoff; poll waits are instant.
    sdk.INITIAL_RETRY_DELAY = 0.0  # type: ignore[attr-defined]
    sdk.MAX_RETRY_DELAY = 0.0  # type: ignore[attr-defined]
    cli._sleep = lambda _s: None  # type: ignore[assignment]

    fakes: dict[str, Any] = {
        "assistants": FakeAssistants(),
        "responses": FakeResponses(),
        "chat": FakeChat(),
    }
    fakes["assistants"].poll_after_ms = 0
    fakes["responses"].poll_after_ms = 0
    weather = FakeWeather().start()
    for fake in fakes.values():
        fake.start()
    home = Path(tempfile.mkdtemp(prefix="weatherbot-soak-"))
    for name in [n for n in os.environ if n.startswith(("OPENAI_", "WEATHERBOT_"))]:
        del os.environ[name]
    os.environ.update(
        WEATHERBOT_HOME=str(home),
        OPENAI_API_KEY="sk-soak-test-key",
        WEATHERBOT_OPEN_METEO_URL=weather.base_url,
        WEATHERBOT_OPEN_METEO_GEOCODING_URL=weather.base_url,
        WEATHERBOT_API_TIMEOUT="0.3",
        NO_COLOR="1",
    )
    runner = CliRunner()
    outcome: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    current: dict[str, str] = {}  # backend -> the thread -c continues
    expected: set[str] = set()  # every thread an answer was given on (and not replaced)
    crashes: list[str] = []
    started = time.perf_counter()
    try:
        for n in range(args.questions):
            backend = ("assistants", "responses", "chat")[n % 3]
            os.environ["OPENAI_BASE_URL"] = fakes[backend].base_url + "/v1"
            cont = backend in current and rng.random() < 0.5
            fault = rng.choice(FAULTS) if rng.random() < args.rate else None
            if fault:
                faults[fault] += 1
                inject(fault, backend, fakes[backend], weather, home, current.get(backend))
                if fault == "state_corrupt":
                    expected.clear()  # moved aside on purpose: the store starts afresh
                    current.clear()
                    cont = False
            argv = ["ask", "--json", "--backend", backend]
            if rng.random() < 0.5:
                argv.append("--stream")
            if cont:
                argv.append("-c")
            argv.append(rng.choice(QUESTIONS))
            result = runner.invoke(app, argv)
            lines = [x for x in result.stderr.splitlines() if x.startswith("weatherbot:")]
            if result.exit_code == 0 and not lines and "Traceback" not in result.stderr:
                outcome["answered"] += 1
                thread = json.loads(result.stdout)["thread_id"]
                if cont and current.get(backend) not in (None, thread):
                    expected.discard(current[backend])  # replaced after a server-side delete
                current[backend] = thread
                expected.add(thread)
            elif (
                result.exit_code in (1, 2)
                and len(lines) == 1
                and "Traceback" not in result.stderr
                and "internal error" not in lines[0]
            ):
                outcome["failed cleanly"] += 1
            else:
                outcome["crashed"] += 1
                crashes.append(
                    f"#{n} {argv} fault={fault} exit={result.exit_code}: {result.stderr[-300:]}"
                )
    finally:
        for fake in fakes.values():
            fake.stop()
        weather.stop()
    elapsed = time.perf_counter() - started

    try:
        state = json.loads((home / "state.json").read_text(encoding="utf-8"))
        missing = expected - set(state.get("threads", {}))
        intact = not missing
    except (OSError, ValueError):
        intact, missing = False, expected
    print(f"questions:        {args.questions} (seed {args.seed}, fault rate {args.rate:.0%})")
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(faults.items()))
    print(f"faults injected:  {sum(faults.values())} ({kinds})")
    print(f"answered:         {outcome['answered']}")
    print(f"failed cleanly:   {outcome['failed cleanly']}")
    print(f"crashed:          {outcome['crashed']}")
    print(f"state intact:     {'yes' if intact else 'NO'} ({len(expected)} threads checked)")
    print(f"wall time:        {elapsed:.1f} s")
    for line in crashes[:10]:
        print("  crash:", line)
    if missing:
        print("  missing threads:", sorted(missing)[:10])
    return 0 if outcome["crashed"] == 0 and intact else 1


if __name__ == "__main__":
    raise SystemExit(main())
