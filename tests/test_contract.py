"""The backend contract: the same scenarios through every backend, checked the same way.

Each case runs the real Typer app against the backend's fake API server over loopback HTTP
(FakeAssistants, FakeResponses, FakeChat; none for offline) plus FakeWeather, once without and
once with `--stream`. What must hold for every backend:

- the seed question: exit 0, the `--json` contract fields, both tools for San Francisco
  (Fahrenheit) with the provider's outputs, and the provider's facts (57.2, 20%) in the answer;
- two places in one question: the tools for both places;
- `-c`: the same thread; `--thread <id>` goes back to it after another conversation; `thread
  show` prints its questions in order and `thread list` both conversations;
- no place at all: no tool call, an answer that asks which place;
- an unknown place: `not_found` tool outputs, an answer that says so, exit 0;
- a failing provider: the error code in every tool output, no invented figures, exit 1, the
  backoff through the CLI's sleep seam;
- the same events: every started tool call finished once (`duration_ms` int, `error` null on
  success, the code otherwise) in `--json`, and one `-> name(location=...` line each on stderr.

Where a backend legitimately differs it is asserted, not skipped: see `DIFFERENCES`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, cast

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.backends import BACKENDS, KEY, VARIANTS, BackendUnderTest, serve_backend
from tests.fakes.responses_server import FakeResponses
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app
from weatherbot.render.plain_text import markdown_to_text
from weatherbot.settings import DEFAULT_MODEL
from weatherbot.tools.weather import default_registry

runner = CliRunner()

SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
TWO_PLACES = "Compare London and San Francisco today: how warm is it, and will it rain?"
FOLLOW_UP = "And in London?"
LATER = "And will it rain there?"
NO_PLACE = "What is the weather like today?"
UNKNOWN = "What's the weather in Narnia today, and will it rain?"

SF = "San Francisco, California, United States"
LONDON = "London, England, United Kingdom"
JSON_FIELDS = {
    "answer",
    "backend",
    "model",
    "assistant_id",
    "thread_id",
    "run_id",
    "status",
    "tool_calls",
    "usage",
}
SEED_TOOLS = ["get_current_temperature", "get_rain_probability"]
TOOL_NAMES = frozenset(default_registry().names())


@dataclass(frozen=True)
class Difference:
    """What a backend documents about itself (DESIGN.md, the concept table)."""

    model: str | None  # the model name in --json; None for the offline planner
    assistant_prefix: str | None  # None: the assistant is a local profile, no id
    thread_prefix: str
    run_prefix: str | None  # None: no server-side run or response
    # Token counts exist only where a model ran, under the API's own names.
    usage_keys: tuple[str, ...] | None
    # How the answer says a place was not found (a model's words vs the planner's template).
    not_found_wording: str
    # The `location` argument for "San Francisco": a model qualifies it; the planner passes the
    # gazetteer's full name.
    sf_argument: str
    # Geocoding requests for the seed question: the planner's gazetteer knows San Francisco.
    seed_searches: int = 1
    # A comparison in one unit (the first place's), as the planner does; a model may mix them.
    one_unit_comparisons: bool = False


MODEL_NOT_FOUND = "no place called 'Narnia' was found"  # the tool's message, passed on
CHAT_USAGE = ("prompt_tokens", "completion_tokens", "total_tokens")
RESPONSES_USAGE = ("input_tokens", "output_tokens", "total_tokens")
DIFFERENCES = {
    "assistants": Difference(
        model=DEFAULT_MODEL,
        assistant_prefix="asst_",
        thread_prefix="thread_",
        run_prefix="run_",
        usage_keys=CHAT_USAGE,
        not_found_wording=MODEL_NOT_FOUND,
        sf_argument="San Francisco, CA",
    ),
    "responses": Difference(
        model=DEFAULT_MODEL,
        assistant_prefix=None,
        thread_prefix="conv_",
        run_prefix="resp_",
        usage_keys=RESPONSES_USAGE,
        not_found_wording=MODEL_NOT_FOUND,
        sf_argument="San Francisco, CA",
    ),
    "chat": Difference(
        model=DEFAULT_MODEL,
        assistant_prefix=None,
        thread_prefix="local_",
        run_prefix="chatcmpl-",  # the id of the turn's last completion
        usage_keys=CHAT_USAGE,
        not_found_wording=MODEL_NOT_FOUND,
        sf_argument="San Francisco, CA",
    ),
    "offline": Difference(
        model=None,
        assistant_prefix=None,
        thread_prefix="local_",
        run_prefix=None,
        usage_keys=None,
        not_found_wording="I could not find 'Narnia'",
        sf_argument=SF,
        seed_searches=0,
        one_unit_comparisons=True,
    ),
}
# Threads kept here (issue 19): no Conversations API, or one that is ignored; all else as responses.
for _variant in ("responses-noconv", "responses-ignoring"):
    DIFFERENCES[_variant] = replace(DIFFERENCES["responses"], thread_prefix="local_")


@dataclass
class Contract:
    """One backend in one mode, with helpers that run the real CLI."""

    backend: BackendUnderTest
    stream: bool
    weather: FakeWeather
    sleeps: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def expected(self) -> Difference:
        return DIFFERENCES[self.name]

    def ask(self, question: str, *extra: str, exit_code: int = 0) -> Result:
        """`weatherbot ask` rendered (plain: CliRunner is not a terminal); the exit code checked."""
        result = runner.invoke(app, ["ask", *self.backend.flags(self.stream), *extra, question])
        assert result.exit_code == exit_code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result

    def ask_json(self, question: str, *extra: str, exit_code: int = 0) -> dict[str, Any]:
        """`weatherbot ask --json`: exactly one JSON object on stdout, checked for the contract."""
        result = self.ask(question, "--json", *extra, exit_code=exit_code)
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, result.stdout
        doc: dict[str, Any] = json.loads(lines[0])
        if exit_code:
            # A failed turn that still has its answer: status "error" and the error's line.
            assert doc.pop("error").startswith("every weather lookup failed"), doc
            assert doc["status"] == "error"
        check_document(self, doc, "error" if exit_code else "completed")
        return doc

    def model_requests(self) -> list[dict[str, Any]]:
        """The bodies of the requests that made the model take a step."""
        fake = self.backend.model
        steps = {
            "assistants": r"/v1/threads/[^/]+/runs(/[^/]+/submit_tool_outputs)?",
            "responses": r"/v1/responses",
            "chat": r"/v1/chat/completions",
        }[self.backend.backend]
        return [
            r.json or {}
            for r in fake.requests
            if r.method == "POST" and re.fullmatch(steps, r.path)
        ]


MODES = [(name, stream) for name in (*BACKENDS, *VARIANTS) for stream in (False, True)]


def _mode_id(mode: tuple[str, bool]) -> str:
    name, stream = mode
    if stream:
        return f"{name}-stream"
    polled = name in ("assistants", "responses") or VARIANTS.get(name) == "responses"
    return f"{name}-{'poll' if polled else 'plain'}"


@pytest.fixture(params=MODES, ids=[_mode_id(m) for m in MODES])
def contract(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> Iterator[Contract]:
    name, stream = request.param
    with serve_backend(name, monkeypatch) as backend:
        under_test = Contract(backend, stream, fake_weather)
        # Every wait of the CLI (poll intervals, provider backoff) is recorded, never slept.
        monkeypatch.setattr("weatherbot.cli._sleep", under_test.sleeps.append)
        yield under_test
        if backend.fake is not None:
            # The mode really was polling or streaming, on every model step.
            bodies = under_test.model_requests()
            assert bodies, "the model was never asked"
            assert all(bool(b.get("stream")) is stream for b in bodies), bodies
            if name == "responses":
                # Background either way: a cut stream is resumed, a poll or Ctrl-C can cancel.
                assert all(b.get("background") is True for b in bodies)
            if name == "responses-ignoring":
                # Found out at the first request, remembered, and never sent again.
                assert bodies[0].get("background") is True
                assert all("background" not in b for b in bodies[1:]), bodies
                # Each answer was final as it came: nothing was polled.
                assert cast(FakeResponses, backend.fake).polls() == 0
            if name in VARIANTS:
                # Threads kept here: every request carries its context, no conversation.
                assert all("conversation" not in b for b in bodies[1:]), bodies


# -- checks shared by every scenario --------------------------------------------------------


def check_document(contract: Contract, doc: dict[str, Any], status: str = "completed") -> None:
    """The --json fields, the documented ids, and the tool-call event pairing."""
    assert set(doc) == JSON_FIELDS, sorted(doc)
    expected = contract.expected
    assert doc["backend"] == contract.backend.backend
    assert doc["status"] == status
    assert doc["model"] == expected.model
    assert isinstance(doc["answer"], str) and doc["answer"].strip()
    for key, prefix in (
        ("assistant_id", expected.assistant_prefix),
        ("thread_id", expected.thread_prefix),
        ("run_id", expected.run_prefix),
    ):
        if prefix is None:
            assert doc[key] is None, (key, doc[key])
        else:
            assert isinstance(doc[key], str) and doc[key].startswith(prefix), (key, doc[key])
    if expected.usage_keys is None:
        assert doc["usage"] is None
    else:
        assert isinstance(doc["usage"], dict), doc["usage"]
        for key in expected.usage_keys:
            assert type(doc["usage"].get(key)) is int and doc["usage"][key] > 0, (key, doc)
    ids = [call["id"] for call in doc["tool_calls"]]
    assert len(ids) == len(set(ids)), "a tool call finished twice"
    for call in doc["tool_calls"]:
        assert set(call) == {"id", "name", "arguments", "output", "error", "duration_ms"}
        assert isinstance(call["id"], str) and call["id"]
        assert call["name"] in TOOL_NAMES
        # The arguments come from the matching ToolCallStarted: a finished call had a start.
        assert isinstance(call["arguments"], dict) and call["arguments"].get("location")
        assert type(call["duration_ms"]) is int and call["duration_ms"] >= 0
        output = json.loads(call["output"])
        assert isinstance(output, dict)
        if "error" in output:
            assert call["error"] == output["error"] and isinstance(output.get("message"), str)
        else:
            assert call["error"] is None
            # The forecast's provider, or its air-quality service.
            assert output["source"] in ("Open-Meteo", "Open-Meteo Air Quality")


def check_tool_lines(result: Result, doc: dict[str, Any]) -> None:
    """One `-> name(location=...` line on stderr per tool call, and no tool line on stdout."""
    lines = Counter(
        f"-> {call['name']}(location={call['arguments']['location']!r}"
        for call in doc["tool_calls"]
    )
    for line, times in lines.items():
        assert result.stderr.count(line) == times, (line, result.stderr)
    assert "-> get_" not in result.stdout


def outputs_by(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(tool name, resolved location) -> parsed output, for successful calls."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for call in doc["tool_calls"]:
        output = json.loads(call["output"])
        if "error" not in output:
            found[(call["name"], output["location"])] = output
    return found


def flat(text: str) -> str:
    """Text with Rich's line wrapping undone."""
    return " ".join(text.split())


# -- scenarios ------------------------------------------------------------------------------


def test_seed_question(contract: Contract) -> None:
    doc = contract.ask_json(SEED)
    assert sorted(c["name"] for c in doc["tool_calls"]) == SEED_TOOLS
    for call in doc["tool_calls"]:
        assert call["error"] is None
        assert call["arguments"]["location"] == contract.expected.sf_argument
    temperature = next(c for c in doc["tool_calls"] if c["name"] == "get_current_temperature")
    assert temperature["arguments"]["unit"] == "Fahrenheit"
    outputs = outputs_by(doc)
    assert outputs[("get_current_temperature", SF)]["temperature"] == 57.2
    assert outputs[("get_current_temperature", SF)]["unit"] == "Fahrenheit"
    assert outputs[("get_rain_probability", SF)]["probability_percent"] == 20
    assert "57.2" in doc["answer"] and "20%" in doc["answer"]
    # Both tools for one place cost one geocode (none for a place the gazetteer knows) and one
    # forecast request.
    assert contract.weather.searches() == contract.expected.seed_searches
    assert contract.weather.forecasts() == 1

    rendered = contract.ask(SEED)
    # stdout holds the answer, exactly once (streamed or not), and nothing else: as plain
    # text, since stdout is not a terminal here.
    assert flat(rendered.stdout) == flat(markdown_to_text(doc["answer"]))
    assert SF in flat(rendered.stdout)
    check_tool_lines(rendered, doc)
    assert KEY not in rendered.stdout + rendered.stderr + json.dumps(doc)


def test_two_places_in_one_question(contract: Contract) -> None:
    doc = contract.ask_json(TWO_PLACES)
    outputs = outputs_by(doc)
    assert set(outputs) == {(tool, place) for tool in SEED_TOOLS for place in (LONDON, SF)}
    assert all(c["error"] is None for c in doc["tool_calls"])
    assert len(doc["tool_calls"]) == 4
    assert outputs[("get_current_temperature", LONDON)]["unit"] == "Celsius"
    if contract.expected.one_unit_comparisons:
        # Compared in one unit, London's: San Francisco's 57.2 °F is 14.0 °C.
        assert outputs[("get_current_temperature", SF)]["unit"] == "Celsius"
        facts = ("8.3", "57%", "14.0", "20%")
    else:
        # Each place in its own unit: London in Celsius, San Francisco in Fahrenheit.
        assert outputs[("get_current_temperature", SF)]["unit"] == "Fahrenheit"
        facts = ("8.3", "57%", "57.2", "20%")
    for fact in facts:
        assert fact in doc["answer"], (fact, doc["answer"])

    rendered = contract.ask(TWO_PLACES)
    check_tool_lines(rendered, doc)
    assert "London" in rendered.stderr and "San Francisco" in rendered.stderr


def test_follow_up_continues_the_thread(contract: Contract) -> None:
    first = contract.ask_json(SEED)
    second = contract.ask_json(FOLLOW_UP, "-c")
    assert second["thread_id"] == first["thread_id"]
    assert second["assistant_id"] == first["assistant_id"]
    assert {output["location"] for output in outputs_by(second).values()} == {LONDON}
    assert "57%" in second["answer"]  # London's chance of rain today

    # A new conversation, then back to the first one by id.
    other = contract.ask_json(NO_PLACE)
    assert other["thread_id"] != first["thread_id"]
    third = contract.ask_json(LATER, "--thread", first["thread_id"])
    assert third["thread_id"] == first["thread_id"]
    # "there" is London: the model (or planner) saw the conversation so far.
    assert third["tool_calls"] and {o["location"] for o in outputs_by(third).values()} == {LONDON}

    shown = runner.invoke(app, ["thread", "show", first["thread_id"]])
    assert shown.exit_code == 0, shown.stderr
    text = flat(shown.stdout)
    assert text.index(SEED) < text.index(FOLLOW_UP) < text.index(LATER)
    assert shown.stdout.count("user:") == 3 and NO_PLACE not in text

    listed = runner.invoke(app, ["thread", "list", "--json"])
    assert listed.exit_code == 0, listed.stderr
    threads = {t["id"]: t for t in json.loads(listed.stdout)}
    assert set(threads) == {first["thread_id"], other["thread_id"]}
    assert threads[first["thread_id"]]["title"] == SEED
    assert {t["backend"] for t in threads.values()} == {contract.backend.backend}


def test_question_without_a_place(contract: Contract) -> None:
    doc = contract.ask_json(NO_PLACE)
    assert doc["tool_calls"] == []
    # The model's words and the planner's differ; both ask which place is meant.
    assert "Which place" in doc["answer"]
    assert contract.weather.searches() == 0 and contract.weather.forecasts() == 0


def test_unknown_place(contract: Contract) -> None:
    doc = contract.ask_json(UNKNOWN)
    assert sorted(c["name"] for c in doc["tool_calls"]) == SEED_TOOLS
    for call in doc["tool_calls"]:
        assert call["arguments"]["location"] == "Narnia"
        assert call["error"] == "not_found"
    assert contract.expected.not_found_wording in doc["answer"]
    assert "°" not in doc["answer"] and "%" not in doc["answer"]  # nothing invented
    assert contract.weather.forecasts() == 0

    rendered = contract.ask(UNKNOWN)
    check_tool_lines(rendered, doc)
    assert "error: not_found" in rendered.stderr
    assert contract.expected.not_found_wording in flat(rendered.stdout)


def test_failing_provider(contract: Contract) -> None:
    # Every attempt at the forecast fails: three per question (a request and two retries),
    # for the --json run and for the rendered one.
    contract.weather.fail("/v1/forecast", 503, times=6, reason="down for maintenance")
    # Every lookup failed (an outage): the answer says so, and the exit code is 1, as `weather`.
    doc = contract.ask_json(SEED, exit_code=1)
    assert sorted(c["name"] for c in doc["tool_calls"]) == SEED_TOOLS
    assert [c["error"] for c in doc["tool_calls"]] == ["upstream_error", "upstream_error"]
    for call in doc["tool_calls"]:
        assert "503" in json.loads(call["output"])["message"]
    # No invented figures: no temperature, no percentage, not the provider's usual values.
    assert not re.search(r"\d\s*(°|%)", doc["answer"]), doc["answer"]
    assert "57.2" not in doc["answer"] and "14.0" not in doc["answer"]
    # One forecast request and its two retries, shared by both tools; backoff 0.5 s then 1 s,
    # through the CLI's sleep seam (so nothing really waited).
    assert contract.weather.forecasts() == 3
    assert [s for s in contract.sleeps if s > 0] == [0.5, 1.0]

    rendered = contract.ask(SEED, exit_code=1)
    check_tool_lines(rendered, doc)
    assert rendered.stderr.count("error: upstream_error") == 2
    assert not re.search(r"\d\s*(°|%)", rendered.stdout), rendered.stdout
    assert contract.weather.forecasts() == 6


def test_every_backend_is_covered() -> None:
    """The suite is the contract for all four backends: a new one must be added here."""
    assert set(BACKENDS) == {"assistants", "responses", "chat", "offline"}
    assert set(DIFFERENCES) == set(BACKENDS) | set(VARIANTS)
    assert {mode[0] for mode in MODES} == set(BACKENDS) | set(VARIANTS)
    assert {mode[1] for mode in MODES} == {False, True}
