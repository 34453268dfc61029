"""A bad provider name says where it came from and the nearest good one; a typo'd key in the
same config.toml is still warned about before the error (issue 18, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from weatherbot.cli import app

runner = CliRunner()
QUESTION = "Will it rain in London?"
NEAREST = "did you mean 'open-meteo'?"


def _error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


def _config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("command", [["ask", QUESTION], ["weather", "London"], ["now", "London"]])
def test_a_bad_provider_in_config_toml_names_the_file_and_the_nearest_name(
    clean_env: Path, command: list[str]
) -> None:
    config = _config(clean_env, 'provider = "open-meteoo"\n')
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.stderr
    line = _error(result.stderr)
    assert f"unknown weather provider 'open-meteoo' in {config}" in line
    assert NEAREST in line and "nws" in line  # the nearest, then every choice


def test_a_bad_provider_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEATHERBOT_PROVIDER", "open-meteoo")
    result = runner.invoke(app, ["ask", QUESTION])
    assert result.exit_code == 2
    line = _error(result.stderr)
    assert "unknown weather provider 'open-meteoo' from WEATHERBOT_PROVIDER" in line
    assert NEAREST in line


def test_a_bad_provider_flag_says_the_flag(clean_env: Path) -> None:
    _config(clean_env, 'provider = "nws"\n')  # the flag wins: the file is not to blame
    result = runner.invoke(app, ["weather", "--provider", "met-norwey", "London"])
    assert result.exit_code == 2
    line = _error(result.stderr)
    assert "unknown weather provider 'met-norwey' given to --provider" in line
    assert "did you mean 'met-norway'?" in line and "config.toml" not in line


def test_a_bad_fallback_provider_names_its_own_setting(clean_env: Path) -> None:
    config = _config(clean_env, 'fallback_providers = ["met-norway", "nvs"]\n')
    result = runner.invoke(app, ["ask", QUESTION])
    assert result.exit_code == 2
    line = _error(result.stderr)
    assert f"unknown weather provider 'nvs' in {config}" in line
    assert "did you mean 'nws'?" in line


def test_a_name_far_from_every_provider_only_lists_them(clean_env: Path) -> None:
    _config(clean_env, 'provider = "zzz"\n')
    line = _error(runner.invoke(app, ["ask", QUESTION]).stderr)
    assert "did you mean" not in line and "choose one of: met-norway" in line


def test_chat_provider_command_does_not_blame_the_config_file(clean_env: Path) -> None:
    _config(clean_env, 'provider = "sample"\n')
    result = runner.invoke(app, ["chat", "--backend", "offline"], input="/provider nwss\n")
    assert result.exit_code == 0, result.stderr
    line = _error(result.stderr)
    assert "unknown weather provider 'nwss'" in line and "config.toml" not in line
    assert "did you mean 'nws'?" in line


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ('units = "metrc"', "unknown units 'metrc' in"),
        ('provider = "open-meteoo"', "unknown weather provider 'open-meteoo' in"),
        ('backend = "chatt"', "unknown backend 'chatt' in"),
        ("api_timeout = 0", "WEATHERBOT_API_TIMEOUT in"),
    ],
)
def test_a_typo_and_a_bad_value_are_both_reported_then_exit_2(
    clean_env: Path, value: str, error: str
) -> None:
    config = _config(clean_env, f'modle = "qwen2.5"\n{value}\n')
    result = runner.invoke(app, ["ask", QUESTION])
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    warning = f"config file {config}: unknown key 'modle' ignored (did you mean 'model'?)"
    assert warning in lines
    line = _error(result.stderr)
    assert error in line and str(config) in line
    assert lines.index(warning) < lines.index(line)  # the typo first: it may be the cause
    assert lines.count(warning) == 1


def test_config_show_marks_an_unknown_provider_and_backend(clean_env: Path) -> None:
    _config(clean_env, 'provider = "open-meteoo"\nbackend = "chatt"\n')
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.stderr  # it shows what is set, to fix it
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "open-meteoo (unknown: did you mean open-meteo?)" in rows["WEATHERBOT_PROVIDER"]
    assert "chatt (unknown: did you mean chat?)" in rows["WEATHERBOT_BACKEND"]
    _config(clean_env, 'provider = "nws"\n')
    shown = runner.invoke(app, ["config", "show"]).stdout
    assert "unknown" not in shown
