"""Saved places in the offline planner through the real CLI, against the fake Open-Meteo:
a saved place is never geocoded again, and the answer names where it is."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner, Result

from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()
SF = "San Francisco, California, United States"


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ask(question: str, *flags: str) -> dict[str, Any]:
    result = run("ask", "--backend", "offline", "--json", *flags, question)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_rain_at_home_tomorrow_end_to_end(fake_weather: FakeWeather) -> None:
    added = run("place", "add", "home", "San Francisco, CA")
    assert added.exit_code == 0, added.stderr
    searches = fake_weather.searches()
    doc = ask("will it rain at home tomorrow?")
    [call] = doc["tool_calls"]
    assert call["name"] == "get_forecast"
    assert call["arguments"] == {"location": "home", "days": 2, "unit": "Fahrenheit"}
    output = json.loads(call["output"])
    assert output["location"] == SF
    tomorrow = output["days"][1]
    assert tomorrow["precipitation_probability_percent"] == 35  # the fake's TEST VALUE
    assert fake_weather.searches() == searches  # saved: no geocoding request at all
    assert doc["answer"].startswith(f"**{SF}**, tomorrow (2026-02-07): 35% chance of snow")
    # No place at all: the default, named in the answer as usual.
    bare = ask("what's the temperature?")
    assert {c["arguments"]["location"] for c in bare["tool_calls"]} == {"home"}
    assert bare["answer"].startswith(f"**{SF}**: 57.2 °F")
    # Another language's word for home.
    german = ask("Regnet es morgen zu Hause?")
    assert german["tool_calls"][0]["arguments"]["location"] == "home"
    assert german["answer"].startswith(f"**{SF}**, morgen")
    assert fake_weather.searches() == searches


def test_paris_saved_as_work_does_not_change_paris(fake_weather: FakeWeather) -> None:
    assert run("place", "add", "work", "Paris").exit_code == 0
    searches = fake_weather.searches()
    at_work = ask("is it windy at work?")
    assert {c["arguments"]["location"] for c in at_work["tool_calls"]} == {"work"}
    in_paris = ask("is it windy in Paris?")
    assert {c["arguments"]["location"] for c in in_paris["tool_calls"]} == {
        "Paris, Ile-de-France, France"
    }
    # Follow-ups continue the place asked about, not the default.
    then = ask("and tomorrow?", "-c")
    assert {c["arguments"]["location"] for c in then["tool_calls"]} == {
        "Paris, Ile-de-France, France"
    }
    assert fake_weather.searches() == searches


def test_without_saved_places_home_is_asked_about(fake_weather: FakeWeather) -> None:
    doc = ask("will it rain at home tomorrow?")
    assert doc["tool_calls"] == []
    assert "place" in doc["answer"].casefold()
    assert fake_weather.searches() == 0
