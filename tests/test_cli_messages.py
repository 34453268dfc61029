"""Messages that mislead no one (issue 18, item 8): every failure through the real CLI.

--json failures, exit codes of an outage, config typos, flag conflicts, the sunset hint only
where it applies, a wrong model name pointing to `weatherbot models`, warnings without colour.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes.backends import serve_backend
from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


# -- --json: every failure prints the object ------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["ask", "--json", ""], "the question is empty"),
        (["ask", "--json", "--units", "kelvin", "rain?"], "unknown units 'kelvin'"),
        (["ask", "--json", "--offline", "-b", "chat", "rain?"], "--offline cannot be combined"),
    ],
)
def test_every_json_failure_prints_the_error_object(args: list[str], error: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["status"] == "error" and doc["error"].startswith(error)
    assert doc["answer"] is None and doc["tool_calls"] == []
    assert error in _one_line(result.stderr)


# -- an outage of every lookup is exit 1, the answer still printed ---------------------------


# A 400 fails the lookup as surely as a 503: a script must not read "no data" as an answer.
FAILURES = {
    "outage": (
        503,
        "down for maintenance",
        "Will it rain in London?",
        "--provider",
        "upstream_error",
    ),
    "refused": (
        400,
        "Parameter 'hourly' is invalid",
        "Wetter in London morgen?",
        "another weather provider may answer it: --provider met-norway",
        "bad_request",
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("backend", ["chat", "offline"])
def test_every_tool_failing_exits_1_with_the_answer(
    backend: str, failure: str, fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, reason, question, hint, code = FAILURES[failure]
    with serve_backend(backend, monkeypatch):
        fake_weather.fail("/v1/forecast", status, times=3, reason=reason)
        result = runner.invoke(app, ["ask", question])
        assert result.exit_code == 1, result.stderr
        assert result.stdout.strip()  # the answer (saying the lookups failed) is shown
        line = _one_line(result.stderr)
        assert line.startswith("weatherbot: every weather lookup failed")
        assert reason in line and hint in line

        fake_weather.fail("/v1/forecast", status, times=3, reason=reason)
        result = runner.invoke(app, ["ask", "--json", question])
        assert result.exit_code == 1
        doc = json.loads(result.stdout)
        assert doc["status"] == "error" and doc["answer"]
        assert doc["error"].startswith("every weather lookup failed")
        assert {c["error"] for c in doc["tool_calls"]} == {code}


def test_a_place_not_found_is_still_exit_0(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_backend("chat", monkeypatch):
        result = runner.invoke(app, ["ask", "--json", "Weather in Narnia?"])
    assert result.exit_code == 0, result.stderr
    assert {c["error"] for c in json.loads(result.stdout)["tool_calls"]} == {"not_found"}


# -- config.toml: typos warned once, bad values name the file --------------------------------


def test_a_misspelled_config_key_is_one_warning_naming_file_key_and_nearest(
    clean_env: Path,
) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    config = clean_env / "config.toml"
    config.write_text('modle = "qwen2.5"\nunits = "metric"\n')
    result = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "modle" in line]
    assert warnings == [
        f"config file {config}: unknown key 'modle' ignored (did you mean 'model'?)"
    ]


def test_a_bad_config_value_names_the_file(clean_env: Path) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    config = clean_env / "config.toml"
    for text, wanted in (
        ('units = "metrc"\n', f"unknown units 'metrc' in {config}"),
        ('backend = "chatt"\n', f"unknown backend 'chatt' in {config}"),
        ("api_timeout = -1\n", f"WEATHERBOT_API_TIMEOUT in {config} must be"),
        ("[model]\nname = 'x'\n", f"config file {config}: model must be a value"),
    ):
        config.write_text(text)
        result = runner.invoke(app, ["ask", "Will it rain in London?"])
        assert result.exit_code == 2, text
        assert wanted in _one_line(result.stderr), text


def test_a_bad_value_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEATHERBOT_UNITS", "metrc")
    result = runner.invoke(app, ["ask", "Will it rain in London?"])
    assert "unknown units 'metrc' from WEATHERBOT_UNITS" in _one_line(result.stderr)


# -- --offline beside another backend or provider --------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "--offline", "-b", "chat", "rain?"],
        ["ask", "--offline", "--provider", "open-meteo", "rain?"],
        ["chat", "--offline", "--backend", "responses"],
        ["weather", "--offline", "--provider", "nws", "London"],
        ["now", "--offline", "-p", "met-norway", "London"],
    ],
)
def test_offline_beside_another_backend_or_provider_is_a_usage_error(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--offline cannot be combined with --" in _one_line(result.stderr)


def test_offline_with_its_own_backend_or_provider_is_fine() -> None:
    for extra in (["-b", "offline"], ["--provider", "sample"]):
        result = runner.invoke(app, ["ask", "--offline", *extra, "Will it rain in London?"])
        assert result.exit_code == 0, result.stderr


# -- warnings respect --no-color and NO_COLOR --------------------------------------------------


@pytest.mark.parametrize("how", ["flag", "env"])
def test_warnings_have_no_colour_under_no_color(
    how: str, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    (clean_env / "config.toml").write_text('modle = "x"\n')
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal
    coloured = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
    assert "\x1b[33m" in coloured.stderr  # the yellow warning, without --no-color
    if how == "env":
        monkeypatch.setenv("NO_COLOR", "1")
    flag = ["--no-color"] if how == "flag" else []
    plain = runner.invoke(app, ["ask", "--offline", *flag, "Will it rain in London?"])
    assert "unknown key 'modle'" in plain.stderr
    assert "\x1b[3" not in plain.stderr  # no foreground colour anywhere


# -- 404s: the sunset hint only where it applies; a wrong model points to `models` -----------

MODEL_404 = {
    "assistants": (
        "POST",
        "/v1/assistants",
        404,
        {
            "error": {
                "message": "The model 'gpt-nope' does not exist or you do not have access to it.",
                "type": "invalid_request_error",
                "code": "model_not_found",
            }
        },
    ),
    "responses": (
        "POST",
        "/v1/responses",
        400,
        {
            "error": {
                "message": "The requested model 'gpt-nope' does not exist.",
                "type": "invalid_request_error",
                "param": "model",
                "code": "model_not_found",
            }
        },
    ),
    "chat": (
        "POST",
        "/v1/chat/completions",
        404,
        {"error": {"message": 'model "gpt-nope" not found, try pulling it first'}},
    ),
}


@pytest.mark.parametrize("backend", sorted(MODEL_404))
def test_a_model_not_found_points_to_weatherbot_models(
    backend: str, fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    method, path, status, body = MODEL_404[backend]
    with serve_backend(backend, monkeypatch) as under_test:
        under_test.model.inject(method, path, Response(status, body), times=3)
        result = runner.invoke(app, ["ask", "-m", "gpt-nope", SEED])
    assert result.exit_code == 2, result.stderr
    line = _one_line(result.stderr)
    assert "has no such model" in line and "gpt-nope" in line
    assert "weatherbot models" in line
    assert "2026-08-26" not in line  # not the Assistants sunset


def test_vllm_style_model_404_is_recognised(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"object": "error", "message": "The model `gpt-nope` does not exist.", "code": 404}
    with serve_backend("chat", monkeypatch) as under_test:
        under_test.model.inject("POST", "/v1/chat/completions", Response(404, body))
        result = runner.invoke(app, ["ask", "-m", "gpt-nope", SEED])
    assert result.exit_code == 2
    assert "weatherbot models" in _one_line(result.stderr)


def test_the_sunset_hint_is_for_a_server_without_the_assistants_api(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
    with serve_backend("assistants", monkeypatch) as under_test:
        under_test.model.inject(
            "POST",
            "/v1/assistants",
            Response(404, raw=page, headers={"Content-Type": "text/html"}),
        )
        result = runner.invoke(app, ["ask", SEED])
    assert result.exit_code == 1
    line = _one_line(result.stderr)
    assert "404" in line and "2026-08-26" in line and "weatherbot models" not in line


def test_the_no_key_notice_says_what_to_set_not_where_to_read() -> None:
    result = runner.invoke(app, ["ask", "--provider", "sample", "Will it rain in London?"])
    assert result.exit_code == 0, result.stderr
    notice = next(line for line in result.stderr.splitlines() if "no OPENAI_API_KEY" in line)
    assert notice.endswith("set OPENAI_API_KEY to use a model") and "README" not in notice
