"""weatherbot's benchmark suite (issue 8): start-up, round trips, polling, tools, streaming, e2e.

The `state` section (issue 12) times commands against a big state (benchmarks/state_size.py).

    python benchmarks/run.py            # everything, about 2-3 minutes on 2 cores
    python benchmarks/run.py --quick    # fewer repetitions (a smoke run)
    python benchmarks/run.py --no-llm   # skip the `llm` comparison (no venv, no install)

Everything talks to fake servers from tests/fakes on 127.0.0.1 only; nothing here is a test and
nothing asserts a time. Figures are medians where repeated; the machine may be shared, so read
small differences as noise. Prints one Markdown table: area, measure, figure, target, verdict.
The `llm` comparison installs `llm` from the package registry into benchmarks/.venv-llm on the
first run; if that fails the row says so and is skipped.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (
    SEED,
    AnyPlaceWeather,
    DeadlineAssistants,
    DeadlineResponses,
    PacedChat,
    StampedFile,
    api_env,
    clean_env,
    count_connections,
    median,
)
from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.chat_server import FakeChat
from tests.fakes.model import Reply
from tests.fakes.responses_server import FakeResponses
from tests.fakes.weather_server import FakeWeather
from weatherbot.backends import catalogue

BIN = Path(sys.executable).parent
WEATHERBOT = str(BIN / "weatherbot")
LLM_VENV = Path(__file__).resolve().parent / ".venv-llm"
SUBPROCESS_TIMEOUT_S = 60


@dataclass
class Row:
    area: str
    measure: str
    figure: str
    target: str
    verdict: str


ROWS: list[Row] = []


def row(area: str, measure: str, figure: str, target: str = "", verdict: str = "") -> None:
    ROWS.append(Row(area, measure, figure, target, verdict))
    print(f"  {area}: {measure}: {figure}  [{target}] {verdict}", file=sys.stderr, flush=True)


def met(ok: bool, miss: str = "") -> str:
    return "met" if ok else f"MISSED{': ' + miss if miss else ''}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run(argv: list[str], env: dict[str, str], cwd: str | None = None) -> tuple[float, Any]:
    """Wall time and the CompletedProcess of one subprocess."""
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        env=env,
        cwd=cwd or tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
        check=False,
    )
    return time.perf_counter() - start, done


# -- start-up -------------------------------------------------------------------------------

MINIMAL_TYPER_APP = '''\
import typer

app = typer.Typer()


@app.command()
def main(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''


def startup(runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="wb-bench-startup-"))
    minimal = work / "minimal.py"
    minimal.write_text(MINIMAL_TYPER_APP, encoding="utf-8")
    commands: dict[str, list[str]] = {
        "minimal Typer app --help": [sys.executable, str(minimal), "--help"],
        "weatherbot --help": [WEATHERBOT, "--help"],
        "weatherbot --version": [WEATHERBOT, "--version"],
        "weatherbot thread list": [WEATHERBOT, "thread", "list"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():  # warm the file cache and .pyc files
        run(argv, clean_env())
    for _ in range(runs):  # interleaved, so background load hits all commands alike
        for name, argv in commands.items():
            elapsed, done = run(argv, clean_env())
            if done.returncode != 0:
                raise SystemExit(f"{name} failed: {done.stderr}")
            times[name].append(elapsed)
    base = median(times["minimal Typer app --help"])
    row("Start-up", f"minimal Typer app --help (median of {runs})", ms(base), "baseline")
    for name in list(commands)[1:]:
        value = median(times[name])
        ratio = value / base
        row(
            "Start-up",
            f"{name} (median of {runs})",
            f"{ms(value)} = {ratio:.2f}x",
            "≤ 1.25x baseline",
            met(ratio <= 1.25, f"by {ratio / 1.25 - 1:.0%}"),
        )
    heavy_all: set[str] = set()
    for argv in (["--help"], ["--version"], ["thread", "list"]):
        code = (
            "import sys\nfrom weatherbot.cli import app\n"
            f"try:\n    app({argv!r})\nexcept SystemExit:\n    pass\n"
            "print('HEAVY=' + ','.join(m for m in ('openai', 'prompt_toolkit') "
            "if m in sys.modules))\n"
        )
        _, done = run([sys.executable, "-c", code], clean_env())
        line = [x for x in done.stdout.splitlines() if x.startswith("HEAVY=")]
        heavy = line[-1].removeprefix("HEAVY=") if line else "?"
        heavy_all |= {h for h in heavy.split(",") if h}
    row(
        "Start-up",
        "openai / prompt_toolkit imported by the three commands",
        ", ".join(sorted(heavy_all)) or "neither",
        "neither",
        met(not heavy_all),
    )


# -- round trips ----------------------------------------------------------------------------


def _api_fake(backend: str) -> Any:
    if backend == "assistants":
        return FakeAssistants()
    if backend == "responses":
        return FakeResponses()
    if backend == "chat":
        return FakeChat()
    return None


def _weather_keys(requests: Iterable[Any]) -> list[str]:
    return [f"{r.method} {r.path}?{sorted(r.query.items())}" for r in requests]


def round_trips() -> None:
    for backend in ("assistants", "responses", "chat", "offline"):
        api = _api_fake(backend)
        if api is not None:
            api.start()
        weather = FakeWeather().start()
        home = tempfile.mkdtemp(prefix="wb-bench-rt-")
        figures = []
        ok = True
        try:
            for label in ("cold", "warm"):
                api_before = len(api.requests) if api is not None else 0
                weather_before = len(weather.server.requests)
                _, done = run([WEATHERBOT, "ask", SEED], api_env(api, weather, backend, home))
                if done.returncode != 0:
                    raise SystemExit(f"{backend} ask failed: {done.stderr}")
                api_requests = api.requests[api_before:] if api is not None else []
                got = weather.server.requests[weather_before:]
                searches = sum(1 for r in got if r.path == "/v1/search")
                forecasts = sum(1 for r in got if r.path == "/v1/forecast")
                keys = _weather_keys(got)
                posts = [f"{r.method} {r.path} {r.body!r}" for r in api_requests]
                polls = sum(1 for r in api_requests if r.method == "GET")
                twice = len(keys) - len(set(keys)) + sum(
                    1 for r in api_requests if r.method == "POST" and posts.count(
                        f"{r.method} {r.path} {r.body!r}") > 1
                )  # fmt: skip
                want = (1, 1) if label == "cold" else (0, 0)
                ok = ok and (searches, forecasts) == want and twice == 0
                figures.append(
                    f"{label}: API {len(api_requests)} ({polls} GET), "
                    f"geocode {searches}, forecast {forecasts}, repeated {twice}"
                )
        finally:
            weather.stop()
            if api is not None:
                api.stop()
        row(
            "Round trips",
            f"seed question, {backend}",
            "; ".join(figures),
            "cold 1+1, warm 0, none repeated",
            met(ok),
        )


# -- polling --------------------------------------------------------------------------------


def _session(env: dict[str, str]) -> Any:
    from weatherbot.conversation import Session
    from weatherbot.settings import load_settings

    settings = load_settings(env=env, cwd=Path(env["WEATHERBOT_HOME"]))
    return Session(settings, catalogue.resolve(settings).name)


def _polled_runs(backend: str, durations: list[float], poll_after_ms: int | None = None) -> Any:
    """(latency s, polls, run seconds, poll times) per run, from a fake finishing at deadlines."""
    from weatherbot.events import RunStatus

    fake: Any = DeadlineAssistants() if backend == "assistants" else DeadlineResponses()
    fake.poll_after_ms = poll_after_ms
    fake.start()
    weather = FakeWeather().start()
    out = []
    try:
        session = _session(api_env(fake, weather, backend))
        for duration in durations:
            fake.next_duration = duration
            fake.model.queue.append(Reply(text="Done."))
            noticed = None
            for event in session.ask("How are you?", stream=False):
                if isinstance(event, RunStatus) and event.status == "completed":
                    noticed = time.perf_counter()
            rid = list(fake.deadlines)[-1]
            assert noticed is not None
            polls = fake.polls[rid]
            out.append(
                (noticed - fake.deadlines[rid], len(polls), noticed - fake.created[rid], polls)
            )
        session.close()
    finally:
        weather.stop()
        fake.stop()
    return out


def polling(count: int, long_run_s: float) -> None:
    from weatherbot.backends.openai_client import PollSchedule

    rng = random.Random(8)
    short = [round(rng.uniform(0.0, 0.3), 3) for _ in range(count)]
    long = [round(rng.uniform(2.0, 3.0), 3) for _ in range(max(2, count // 3))]
    for backend in ("assistants", "responses"):
        results = _polled_runs(backend, short)
        worst_latency = max(r[0] for r in results)
        row(
            "Polling",
            f"{backend}: notice latency, {count} runs of 0-0.3 s",
            f"mean {ms(sum(r[0] for r in results) / len(results))}, worst {ms(worst_latency)}",
            "≤ 60 ms",
            met(worst_latency <= 0.060, f"worst {ms(worst_latency)}"),
        )
        results = _polled_runs(backend, long)
        worst = max(r[1] / r[2] for r in results)
        row(
            "Polling",
            f"{backend}: polls per second of run time, {len(long)} runs of 2-3 s",
            f"worst run {worst:.2f}, mean latency {ms(sum(r[0] for r in results) / len(results))}",
            "≤ 5",
            met(worst <= 5.0),
        )
    # Backoff on a long run, measured for real on one backend.
    long = _polled_runs("assistants", [long_run_s])[0]
    gaps = [b - a for a, b in zip(long[3], long[3][1:], strict=False)]
    row(
        "Polling",
        f"backoff: a {long_run_s:.0f} s run (assistants)",
        f"{long[1]} polls; gap first {ms(gaps[0])}, last {ms(gaps[-1])}",
        "gaps grow (to ≤ 1 s)",
        met(gaps[-1] > gaps[0] * 2 and gaps[-1] <= 1.1),
    )
    # The schedule itself, without waiting: polls in the first minute, gap after 60 s.
    delays: list[float] = []
    schedule = PollSchedule(delays.append)
    while sum(delays) < 60:
        schedule.wait()
    row(
        "Polling",
        "schedule: polls in the first 60 s / longest gap",
        f"{len(delays)} / {max(delays):.2f} s",
        "≤ 5/s, backs off",
        met(len(delays) <= 5 * 60 and max(delays) > min(delays)),
    )
    # The server's openai-poll-after-ms header.
    for backend in ("assistants", "responses"):
        runs = _polled_runs(backend, [1.5], poll_after_ms=400)
        gaps = [b - a for a, b in zip(runs[0][3], runs[0][3][1:], strict=False)]
        smallest = min(gaps) if gaps else float("nan")
        row(
            "Polling",
            f"{backend}: openai-poll-after-ms: 400 honoured",
            f"smallest gap between polls {ms(smallest)}",
            "≥ 400 ms",
            met(smallest >= 0.395),
        )


# -- tool phase -----------------------------------------------------------------------------


def tool_phase() -> None:
    from weatherbot.providers.registry import build_service
    from weatherbot.settings import load_settings
    from weatherbot.tools.execute import ToolCall, run_tool_calls
    from weatherbot.tools.weather import ToolContext, default_registry

    weather = AnyPlaceWeather(latency_s=0.3).start()
    registry = default_registry()
    single = None
    try:
        for n in (0, 1, 2, 4, 8):  # 0: a warm-up call (imports, pool), not reported
            env = api_env(None, weather, "offline")
            settings = load_settings(env=env, cwd=Path(env["WEATHERBOT_HOME"]))
            ctx = ToolContext(build_service(settings))
            calls = [
                ToolCall(
                    f"call_{k}",
                    "get_current_temperature",
                    json.dumps({"location": f"Benchton {n}{k}", "unit": "Celsius"}),
                )
                for k in range(max(n, 1))
            ]
            weather.spans.clear()
            weather.in_flight_max = 0
            start = time.perf_counter()
            generator = run_tool_calls(calls, registry, ctx)
            events = list(_drain(generator))
            wall = time.perf_counter() - start
            errors = [e for e in events if getattr(e, "error", None)]
            if n == 0:
                continue
            single = single or wall
            ratio = wall / single
            row(
                "Tool phase",
                f"N={n} calls, N places, provider latency 300 ms",
                f"{ms(wall)} = {ratio:.2f}x N=1; {len(weather.spans)} requests, "
                f"{weather.in_flight_max} at once" + (f"; {len(errors)} errors" if errors else ""),
                "≈ 1x N=1 (2 x 300 ms); overlap",
                met(ratio <= 1.3 and (n == 1 or weather.in_flight_max >= n) and not errors),
            )
    finally:
        weather.stop()


def _drain(generator: Any) -> Iterable[Any]:
    while True:
        try:
            yield next(generator)
        except StopIteration:
            return


# -- streaming ------------------------------------------------------------------------------


def streaming(render_repeats: int) -> None:
    from rich.console import Console

    from benchmarks.render_stream import TARGET_S, measure
    from weatherbot.render.blocks import FPS
    from weatherbot.render.terminal import TerminalRenderer

    fake = PacedChat(gap_s=0.03).start()
    weather = FakeWeather().start()
    try:
        text = " ".join(f"Sentence {k} about the weather, which stays mild." for k in range(10))
        fake.model.queue.append(Reply(text=text))
        session = _session(api_env(fake, weather, "chat"))
        stamped = StampedFile()
        out = Console(file=stamped, force_terminal=True, width=100, height=40)  # type: ignore[arg-type]
        err = Console(file=io.StringIO(), force_terminal=False)
        renderer = TerminalRenderer(out, err, stream=True, rich_output=True, spinner=False)
        for event in session.ask("Tell me something", stream=True):
            renderer.handle(event)
        renderer.close()
        session.close()
    finally:
        weather.stop()
        fake.stop()
    lags = []
    for sent in fake.sent:
        after = [t for t, _ in stamped.writes if t >= sent]
        if after:
            lags.append(after[0] - sent)
    first = lags[0] if lags else float("nan")
    frame = 1 / FPS
    # The first text is drawn at once; later deltas wait for the next frame (issue 11).
    row(
        "Streaming",
        f"text delta sent → written to terminal ({len(lags)} deltas)",
        f"first {ms(first)}, median {ms(median(lags))}, max {ms(max(lags))}",
        f"first ≤ 20 ms, every one ≤ a frame ({ms(frame)}) + 20 ms",
        met(first <= 0.020 and max(lags) <= frame + 0.020, f"max {ms(max(lags))}"),
    )
    per_token = {n: measure(n, repeats=render_repeats) for n in (100, 1000, 4000)}
    row(
        "Streaming",
        "render CPU per token at 100 tokens/s, 100 / 1,000 / 4,000 tokens",
        " / ".join(f"{per_token[n] * 1e6:.0f} µs" for n in (100, 1000, 4000)),
        f"4,000 tokens ≤ {TARGET_S * 1e3:.1f} ms",
        met(per_token[4000] <= TARGET_S, f"{per_token[4000] * 1e3:.2f} ms"),
    )


# -- end to end -----------------------------------------------------------------------------

LLM_FUNCTIONS = '''\
import json
import urllib.parse
import urllib.request

BASE = {base!r}


def _get(path, **params):
    url = BASE + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _place(location):
    name = location.split(",")[0].strip()
    found = _get("/v1/search", name=name, count=10, language="en", format="json")["results"][0]
    return found


def get_current_temperature(location: str, unit: str) -> str:
    """Get the current temperature for a location; infer the unit from the location."""
    place = _place(location)
    data = _get("/v1/forecast", latitude=place["latitude"], longitude=place["longitude"],
                current="temperature_2m", daily="precipitation_probability_max",
                timezone="auto")
    celsius = data["current"]["temperature_2m"]
    value = celsius * 9 / 5 + 32 if unit == "Fahrenheit" else celsius
    return json.dumps({{"location": place["name"], "temperature": round(value, 1), "unit": unit}})


def get_rain_probability(location: str) -> str:
    """Get today's probability of rain for a location, in percent."""
    place = _place(location)
    data = _get("/v1/forecast", latitude=place["latitude"], longitude=place["longitude"],
                current="temperature_2m", daily="precipitation_probability_max",
                timezone="auto")
    probability = data["daily"]["precipitation_probability_max"][0]
    return json.dumps(
        {{"location": place["name"], "probability_percent": probability,
          "date": data["daily"]["time"][0]}}
    )
'''


def _llm_ready() -> str | None:
    """The path of the `llm` executable, installing it on first use; None if that fails."""
    llm = LLM_VENV / "bin" / "llm"
    if llm.exists():
        return str(llm)
    print("  installing llm into benchmarks/.venv-llm (first run)...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(LLM_VENV)], check=True, timeout=120)
        subprocess.run(
            [str(LLM_VENV / "bin" / "pip"), "install", "-q", "llm"],
            check=True,
            timeout=240,
            capture_output=True,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"  could not install llm: {exc}", file=sys.stderr)
        return None
    return str(llm) if llm.exists() else None


# Targets from issue 11: weatherbot's time / llm's time on the same question and fakes.
E2E_TARGETS = {"chat": 0.75, "offline": 0.30, "responses": 0.90, "assistants": 0.90}


def _llm_argv(chat: Any, weather: Any) -> tuple[list[str], dict[str, str]] | None:
    """`llm` with two --functions tools against the chat fake, or None if it is unavailable."""
    llm = _llm_ready()
    if llm is None:
        return None
    config = Path(tempfile.mkdtemp(prefix="wb-bench-llm-"))
    (config / "extra-openai-models.yaml").write_text(
        "- model_id: weatherbot-fake\n"
        "  model_name: gpt-5.4-mini\n"
        f"  api_base: {chat.base_url}/v1\n"
        "  supports_tools: true\n",
        encoding="utf-8",
    )
    functions = config / "weather_tools.py"
    functions.write_text(LLM_FUNCTIONS.format(base=weather.base_url), encoding="utf-8")
    env = clean_env(LLM_USER_PATH=str(config))
    return [llm, "-m", "weatherbot-fake", "--functions", str(functions), "--no-log", SEED], env


def end_to_end(runs: int, with_llm: bool) -> None:
    """Every backend and `llm` side by side, interleaved, on zero-latency fakes."""
    weather = FakeWeather().start()
    fakes = {name: _api_fake(name) for name in E2E_TARGETS}
    for fake in fakes.values():
        if fake is not None:
            fake.start()
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        name: ([WEATHERBOT, "ask", SEED], api_env(fake, weather, name))
        for name, fake in fakes.items()
    }
    try:
        if with_llm:
            llm = _llm_argv(fakes["chat"], weather)
            if llm is None:
                row("End to end", "llm, same question and fakes", "skipped: install failed")
            else:
                commands["llm"] = llm
        times: dict[str, list[float]] = {name: [] for name in commands}
        answers: dict[str, str] = {}
        for argv, env in commands.values():  # warm the file cache and .pyc files
            run(argv, env)
        for _ in range(runs):  # interleaved, so background load hits every command alike
            for name, (argv, env) in commands.items():
                elapsed, done = run(argv, env)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed: {done.stderr}")
                times[name].append(elapsed)
                answers[name] = done.stdout
        theirs = median(times["llm"]) if "llm" in times else None
        if theirs is not None:
            version = _llm_version(commands["llm"][0][0])
            row(
                "End to end",
                f"llm {version}, two --functions tools (median of {runs})",
                ms(theirs) + ("" if "San Francisco" in answers["llm"] else " (unexpected!)"),
                "baseline",
            )
        for name, target in E2E_TARGETS.items():
            ours = median(times[name])
            ok = "San Francisco" in answers[name]
            figure = ms(ours) + ("" if ok else " (unexpected answer!)")
            if theirs is None:
                row("End to end", f"weatherbot --backend {name}", figure, f"≤ {target}x llm")
                continue
            ratio = ours / theirs
            row(
                "End to end",
                f"weatherbot ask --backend {name} (median of {runs})",
                f"{figure} = {ratio:.2f}x",
                f"≤ {target:.2f}x llm",
                met(ratio <= target, f"by {ratio / target - 1:.0%}"),
            )
    finally:
        weather.stop()
        for fake in fakes.values():
            if fake is not None:
                fake.stop()


def _llm_version(llm: str) -> str:
    _, done = run([llm, "--version"], clean_env())
    return done.stdout.strip().rsplit(" ", 1)[-1]


# -- connection pools -----------------------------------------------------------------------


def connections() -> None:
    chat = FakeChat().start()
    weather = AnyPlaceWeather().start()
    api_conns = count_connections(chat)
    weather_conns = count_connections(weather.server)
    questions = [
        "Weather in San Francisco?",
        "And in London?",
        "What about New York?",
        "Paris today?",
        "Atlantis, maybe?",
    ]
    try:
        session = _session(api_env(chat, weather, "chat"))
        for question in questions:
            for _ in session.ask(question, stream=False):
                pass
        session.close()
    finally:
        weather.stop()
        chat.stop()
    api_n, weather_n = api_conns(), weather_conns()
    row(
        "Connections",
        f"5-question chat session: {len(chat.requests)} API requests, "
        f"{len(weather.server.requests)} weather requests",
        f"{api_n} API connection(s), {weather_n} weather connection(s)",
        "1 pool each (connections ≤ concurrency)",
        met(api_n == 1 and weather_n <= 2),
    )


# -- state size -----------------------------------------------------------------------------


def state_size(runs: int) -> None:
    from benchmarks.state_size import TARGET_EXTRA_S, THREADS, measure

    f = measure(runs)
    extra = f.big_list - f.empty_list
    row("State size", f"thread list, empty state (median of {runs})", ms(f.empty_list), "baseline")
    row(
        "State size",
        f"thread list, {THREADS:,} threads x 20 messages ({f.size / 1e6:.1f} MB state)",
        f"{ms(f.big_list)} = +{ms(extra)}",
        f"≤ +{ms(TARGET_EXTRA_S)}",
        met(extra <= TARGET_EXTRA_S),
    )
    row(
        "State size",
        f"ask --offline -c, empty state / {THREADS:,} threads",
        f"{ms(f.empty_ask)} / {ms(f.big_ask)}",
    )
    row(
        "State size",
        f"a {f.huge / 1e6:.0f} MB answer stored before the caps: first command; "
        "then thread list / ask -c",
        f"{ms(f.first)}; then {ms(f.huge_list)} / {ms(f.huge_ask)} ({f.cut / 1e3:.0f} kB state)",
        "cut once, then as an empty state",
        met(f.cut < 100_000),
    )


# -- table ----------------------------------------------------------------------------------


def table() -> str:
    lines = ["| area | measure | figure | target | verdict |", "|---|---|---|---|---|"]
    for r in ROWS:
        cells = [r.area, r.measure, r.figure, r.target, r.verdict]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--no-llm", action="store_true", help="skip the llm comparison")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated sections: startup,trips,poll,tools,stream,e2e,pool,state",
    )
    args = parser.parse_args()
    quick = args.quick
    sections: dict[str, Callable[[], None]] = {
        "startup": lambda: startup(5 if quick else 15),
        "trips": round_trips,
        "poll": lambda: polling(4 if quick else 12, 4.0 if quick else 10.0),
        "tools": tool_phase,
        "stream": lambda: streaming(1),
        "e2e": lambda: end_to_end(3 if quick else 7, not args.no_llm),
        "pool": connections,
        "state": lambda: state_size(3 if quick else 9),
    }
    chosen = [s for s in args.only.split(",") if s] or list(sections)
    began = time.perf_counter()
    for name in chosen:
        print(f"[{name}]", file=sys.stderr, flush=True)
        sections[name]()
    total = time.perf_counter() - began
    print(
        f"\nweatherbot benchmarks, {date.today().isoformat()}, {platform.machine()} "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, took {total:.0f} s\n"
    )
    print(table())


if __name__ == "__main__":
    main()
