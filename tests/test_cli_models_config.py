"""`weatherbot models`, `config show | path` and `completion` through the real CLI (issue 18, 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes.backends import KEY, serve_backend
from tests.fakes.models_list import OLLAMA_MODELS, OPENAI_MODELS, VLLM_MODELS, serve_models
from weatherbot.cli import app
from weatherbot.settings import DEFAULT_MODEL

runner = CliRunner()


def test_the_default_model_is_the_current_smallest_tool_model() -> None:
    assert DEFAULT_MODEL == "gpt-5.6-luna"


def test_models_marks_the_one_in_use_and_shows_shutdown_dates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serve_backend("responses", monkeypatch) as under_test:
        serve_models(under_test.model, OPENAI_MODELS)
        result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["gpt-4o-mini", "system"],
        ["gpt-5.4-mini", "system"],
        ["*", "gpt-5.6-luna"],
    ]
    assert lines[0].endswith("shuts down 2027-01-14")
    assert "shuts down" not in lines[1] + lines[2]
    assert KEY not in result.stdout + result.stderr


def test_models_against_ollama_marks_a_name_without_its_tag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serve_backend("chat", monkeypatch) as under_test:
        serve_models(under_test.model, OLLAMA_MODELS)
        result = runner.invoke(app, ["models", "--json", "-m", "qwen2.5"])
        server = under_test.model.base_url + "/v1"
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["model"] == "qwen2.5" and doc["server"] == server
    by_id = {m["id"]: m for m in doc["models"]}
    assert by_id["qwen2.5:latest"]["in_use"] is True
    assert by_id["llama3.1:8b"] == {
        "id": "llama3.1:8b",
        "owned_by": "library",
        "created": "2024-11-01",
        "shutdown_date": None,
        "in_use": False,
    }


def test_models_against_vllm_and_a_model_not_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve_backend("chat", monkeypatch) as under_test:
        serve_models(under_test.model, VLLM_MODELS)
        result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["Qwen/Qwen2.5-7B-Instruct", "vllm"]
    # The model in use is not there: one line saying so and what to do.
    assert f"the model in use, {DEFAULT_MODEL}, is not on the list" in result.stderr


def test_models_on_a_server_without_a_models_list_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serve_backend("chat", monkeypatch):
        result = runner.invoke(app, ["models"])  # the fake answers 404: no route
    assert result.exit_code == 1
    assert result.stderr.startswith("weatherbot: the model server has no GET /v1/models (HTTP 404)")
    assert "check OPENAI_BASE_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["models"], ["models", "--json"]])
def test_models_without_a_model_server(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "no model server is configured" in result.stderr
    assert "set OPENAI_API_KEY" in result.stderr
    if "--json" not in args:
        assert result.stderr.count("(") == 1, result.stderr
    if "--json" in args:
        assert json.loads(result.stdout)["error"].startswith("no model server")


# -- config show / path ------------------------------------------------------------------------


def test_config_show_says_where_each_setting_came_from(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    (clean_env / "config.toml").write_text('units = "imperial"\nprovider = "nws"\n')
    Path(".env").write_text("WEATHERBOT_PROVIDER=met-norway\nOPENAI_API_KEY=sk-dotenv-SECRET\n")
    monkeypatch.setenv("WEATHERBOT_CONTACT", "me@example.com")
    result = runner.invoke(app, ["config", "show", "-m", "qwen2.5"])
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line}
    assert rows["WEATHERBOT_MODEL"][1:] == ["qwen2.5", "(flag)"]
    assert rows["WEATHERBOT_CONTACT"][1:] == ["me@example.com", "(environment)"]
    assert rows["WEATHERBOT_PROVIDER"][1:] == ["met-norway", "(.env)"]  # .env beats the file
    assert rows["WEATHERBOT_UNITS"][1:] == ["imperial", "(config.toml)"]
    assert rows["WEATHERBOT_WIND_UNIT"][1:] == ["auto", "(default)"]
    assert rows["OPENAI_API_KEY"][1:] == ["set", "(.env)"]
    assert "SECRET" not in result.stdout + result.stderr
    doc = json.loads(runner.invoke(app, ["config", "show", "--json"]).stdout)
    assert doc["settings"]["WEATHERBOT_UNITS"] == {"value": "imperial", "source": "config.toml"}
    assert doc["config_file"] == str(clean_env / "config.toml")
    assert "SECRET" not in json.dumps(doc)


def test_config_path_even_when_the_file_is_broken(clean_env: Path) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    (clean_env / "config.toml").write_text("this is not = = toml")
    result = runner.invoke(app, ["config", "path"])
    assert (result.exit_code, result.stdout) == (0, f"{clean_env / 'config.toml'}\n")


# -- shell completion --------------------------------------------------------------------------


def test_completion_prints_a_script_and_the_shell_gets_answers() -> None:
    script = runner.invoke(app, ["completion", "bash"])
    assert script.exit_code == 0
    assert "_WEATHERBOT_COMPLETE=complete_bash" in script.stdout
    assert "complete -o default -F _weatherbot_completion weatherbot" in script.stdout
    env = {
        "_WEATHERBOT_COMPLETE": "complete_bash",
        "COMP_WORDS": "weatherbot mod",
        "COMP_CWORD": "1",
    }
    answered = runner.invoke(app, [], env=env, prog_name="weatherbot")
    assert answered.stdout.split() == ["models"]
    bad = runner.invoke(app, ["completion", "tcsh"])
    assert bad.exit_code == 2 and "unknown shell 'tcsh'" in bad.stderr
