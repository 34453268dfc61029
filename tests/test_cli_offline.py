"""End to end through the real Typer app with no API key: offline planner, real providers."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import OFFLINE_NOTICE, app

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"


def test_seed_question_without_key_answers_from_open_meteo(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["ask", SEED])
    assert result.exit_code == 0, result.stderr
    assert OFFLINE_NOTICE in result.stderr
    assert "57.2 °F" in result.stdout  # 14.0 °C from the provider, in the US unit
    assert "20%" in result.stdout
    assert "San Francisco, California, United States" in result.stdout
    # The source is said once, on the provenance line under the answer (stderr), not in it.
    assert "Open-Meteo" not in result.stdout
    assert result.stderr.splitlines()[-1].startswith(
        "Open-Meteo · San Francisco, California, United States · data "
    )
    assert "-> get_current_temperature(location='San Francisco, California, United States'" in (
        " ".join(result.stderr.split())
    )
    # The gazetteer knew San Francisco: no geocoding request, one forecast request.
    assert fake_weather.searches() == 0 and fake_weather.forecasts() == 1


def test_seed_question_json(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["ask", "--json", SEED])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= {
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
    assert doc["backend"] == "offline" and doc["status"] == "completed"
    names = sorted(c["name"] for c in doc["tool_calls"])
    assert names == ["get_current_temperature", "get_rain_probability"]
    temp = next(c for c in doc["tool_calls"] if c["name"] == "get_current_temperature")
    assert temp["arguments"] == {
        "location": "San Francisco, California, United States",
        "unit": "Fahrenheit",
    }
    assert json.loads(temp["output"])["temperature"] == 57.2
    assert doc["thread_id"].startswith("local_")


def test_chinese_seed_question(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["ask", "旧金山今天天气怎么样,会下雨吗?"])
    assert result.exit_code == 0, result.stderr
    assert "57.2" in result.stdout and "20%" in result.stdout


def test_unknown_place_answers_honestly(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["ask", "Will it rain in Narnia today?"])
    assert result.exit_code == 0
    assert "Narnia" in result.stdout
    assert "°" not in result.stdout  # nothing invented


def test_continue_uses_the_same_thread(fake_weather: FakeWeather) -> None:
    first = runner.invoke(app, ["ask", "--json", "Will it rain in London today?"])
    second = runner.invoke(app, ["ask", "--json", "-c", "and how warm is it?"])
    assert first.exit_code == 0 and second.exit_code == 0, second.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["thread_id"] == b["thread_id"]
    assert "London" in b["answer"]
    shown = runner.invoke(app, ["thread", "show", a["thread_id"]])
    assert shown.stdout.count("user:") == 2
    listed = runner.invoke(app, ["thread", "list"])
    assert "Will it rain in London today?" in listed.stdout


def test_offline_flag_makes_no_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("--offline opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = runner.invoke(
        app, ["ask", "--offline", "What's the weather in London today and will it rain?"]
    )
    assert result.exit_code == 0, result.stderr
    assert "8.3 °C" in result.stdout and "57%" in result.stdout
    assert result.stderr.splitlines()[-1].startswith(
        "Open-Meteo (recorded sample, 2026-05-11) · London, England, United Kingdom · data "
    )
    assert OFFLINE_NOTICE not in result.stderr  # the user asked for it


def test_plain_output_has_no_escape_codes(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["ask", "--no-color", SEED])
    assert "\x1b[" not in result.stdout and "\x1b[" not in result.stderr


def test_weather_command(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["weather", "--json", "London"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["location"] == "London, England, United Kingdom"
    assert doc["unit"] == "Celsius"
    assert doc["forecast"]["days"][0]["precipitation_probability_percent"] == 57
    table = runner.invoke(app, ["weather", "San Francisco, CA", "--days", "2"])
    assert table.exit_code == 0 and "57.2°F" in table.stdout


def test_provider_outage_is_reported_not_invented(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.server import Response

    sleeps: list[float] = []
    monkeypatch.setattr("weatherbot.cli._sleep", sleeps.append)

    fake_weather.server.inject(
        "GET", "/v1/forecast", Response(503, {"error": True, "reason": "down"}), times=3
    )
    result = runner.invoke(app, ["ask", "--json", "Will it rain in London today?"])
    assert result.exit_code == 1  # every lookup failed with an outage (issue 18, item 8)
    doc = json.loads(result.stdout)
    assert doc["status"] == "error" and doc["error"].startswith("every weather lookup failed")
    assert all(c["error"] == "upstream_error" for c in doc["tool_calls"])
    assert "%" not in doc["answer"]
    assert sleeps == [0.5, 1.0]  # retried with backoff, through the injected sleep


def test_unit_flags_per_quantity() -> None:
    result = runner.invoke(
        app,
        ["weather", "--offline", "--json", "--wind-unit", "mph", "--units", "imperial", "London"],
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["unit"] == "Fahrenheit"
    assert doc["current"]["wind_unit"] == "mph"
    assert doc["current"]["wind_speed"] == 4.5  # the recording's 4.5 mp/h, round-tripped
    bad = runner.invoke(app, ["ask", "--offline", "--wind-unit", "knots", "Rain in London?"])
    assert bad.exit_code == 2 and "unknown wind unit" in bad.stderr


def test_offline_answer_uses_the_precipitation_unit() -> None:
    question = ["ask", "--offline", "Will it rain in New York tomorrow?"]
    auto = runner.invoke(app, question)
    assert "0.01 in" in auto.stdout  # the US: inches by default, like Fahrenheit
    metric = runner.invoke(app, [*question, "--precipitation-unit", "mm"])
    assert "0.1 mm" in metric.stdout
