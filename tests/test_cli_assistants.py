"""`weatherbot ask --backend assistants` end to end: real Typer app, real SDK, loopback fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
KEY = "sk-test.DO-NOT-LEAK.1234567890abcdef"


@pytest.fixture
def assistants(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAssistants]:
    fake = FakeAssistants()
    # The server's poll hint of 0 ms keeps the real CLI from sleeping between polls.
    fake.poll_after_ms = 0
    fake.start()
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    monkeypatch.setenv("WEATHERBOT_BACKEND", "assistants")
    yield fake
    fake.stop()


@pytest.mark.parametrize("stream", [False, True])
def test_seed_question_polling_and_streaming(
    assistants: FakeAssistants, fake_weather: FakeWeather, stream: bool
) -> None:
    args = ["ask", *(["--stream"] if stream else []), SEED]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "57.2°F" in result.stdout and "20%" in result.stdout
    assert "San Francisco, California, United States" in result.stdout
    # Both calls answered in ONE submission.
    assert len(assistants.submissions) == 1
    assert len(assistants.submissions[0]["tool_outputs"]) == 2


def test_json_reuse_and_continue(
    assistants: FakeAssistants, fake_weather: FakeWeather, clean_env: Path
) -> None:
    first = runner.invoke(app, ["ask", "--json", SEED])
    assert first.exit_code == 0, first.stderr
    doc = json.loads(first.stdout)
    assert doc["backend"] == "assistants" and doc["status"] == "completed"
    assert doc["assistant_id"].startswith("asst_") and doc["run_id"].startswith("run_")
    assert sorted(c["name"] for c in doc["tool_calls"]) == [
        "get_current_temperature",
        "get_rain_probability",
    ]
    outputs = {c["name"]: json.loads(c["output"]) for c in doc["tool_calls"]}
    assert outputs["get_current_temperature"]["temperature"] == 57.2
    assert outputs["get_rain_probability"]["probability_percent"] == 20

    second = runner.invoke(app, ["ask", "--json", "-c", "And in London?"])
    assert second.exit_code == 0, second.stderr
    doc2 = json.loads(second.stdout)
    assert doc2["assistant_id"] == doc["assistant_id"]
    assert assistants.count("POST", "/v1/assistants") == 1  # reused, not re-created
    assert doc2["thread_id"] == doc["thread_id"]
    assert len(assistants.user_messages(doc["thread_id"])) == 2

    shown = runner.invoke(app, ["thread", "show", doc["thread_id"]])
    assert shown.exit_code == 0 and "And in London?" in shown.stdout

    # The key never appears in output or in any file weatherbot wrote.
    everything = first.stdout + first.stderr + second.stdout + second.stderr + shown.stdout
    for path in clean_env.rglob("*"):
        if path.is_file():
            everything += path.read_text(encoding="utf-8", errors="replace")
    assert KEY not in everything


def test_failed_run_is_one_line_and_exit_1(
    assistants: FakeAssistants, fake_weather: FakeWeather
) -> None:
    assistants.faults.append("failed")
    result = runner.invoke(app, ["ask", SEED])
    assert result.exit_code == 1
    assert "failed" in result.stderr
    assert "Traceback" not in result.stderr
