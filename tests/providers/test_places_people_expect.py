"""Issue 6's "done when": names resolve as a person would expect, or the tool asks which one."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app
from weatherbot.errors import ProviderError
from weatherbot.providers.registry import build_service
from weatherbot.settings import load_settings


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("New York, NY", "New York, United States"),
        ("San Francisco, CA", "San Francisco, California, United States"),
        ("Paris, TX", "Paris, Texas, United States"),
        ("Paris", "Paris, Île-de-France, France"),  # the capital dwarfs the others
        ("Paris, France", "Paris, Île-de-France, France"),
        ("東京", "Tokyo, Japan"),
    ],
)
def test_resolves_as_a_person_expects(fake_weather: FakeWeather, query: str, expected: str) -> None:
    assert build_service(load_settings()).resolve(query).display_name == expected


def test_springfield_asks_which_one(fake_weather: FakeWeather) -> None:
    with pytest.raises(ProviderError) as info:
        build_service(load_settings()).resolve("Springfield")
    assert info.value.code == "ambiguous"
    assert info.value.candidates == [
        "Springfield, Missouri, United States",
        "Springfield, Massachusetts, United States",
        "Springfield, Illinois, United States",
    ]


def test_ambiguity_reaches_the_tool_output_and_the_answer(fake_weather: FakeWeather) -> None:
    result = CliRunner().invoke(app, ["ask", "--json", "Will it rain in Springfield today?"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    output = json.loads(doc["tool_calls"][0]["output"])
    assert output["error"] == "ambiguous"
    assert "Springfield, Illinois, United States" in output["candidates"]
    assert "Springfield, Illinois, United States" in doc["answer"]
    assert "%" not in doc["answer"]  # it asks; it does not pick one
    assert fake_weather.forecasts() == 0
