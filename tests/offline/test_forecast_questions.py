"""The issue-15 questions through the real CLI with no API key, against the fake Open-Meteo.

Each question is planned offline, its tool called with the arguments a model would use, and
the answer must carry the fake's labelled TEST VALUES (tests/fakes/weather_synthetic.py):
Paris's rain stopping at 16:00, Oslo's snow, Sydney's UV 12.4 tomorrow, Tokyo's sunset at
16:28, Delhi's US AQI 212, Paris's day 12, and London's afternoon that is over there.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.fakes import weather_synthetic as synthetic
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()


def ask(question: str, exit_code: int = 0) -> tuple[str, list[dict[str, Any]]]:
    """The answer and the tool calls (arguments parsed, output parsed) of one question."""
    result = runner.invoke(app, ["ask", "--json", "--backend", "offline", question])
    assert result.exit_code == exit_code, result.stderr
    doc = json.loads(result.stdout)
    calls = [
        {"name": c["name"], "arguments": c["arguments"], "output": json.loads(c["output"])}
        for c in doc["tool_calls"]
    ]
    return str(doc["answer"]), calls


def test_rain_this_afternoon_in_london_moves_to_tomorrow(fake_weather: FakeWeather) -> None:
    # The recording is London at 23:30: its afternoon is over, so these are tomorrow's hours.
    text, calls = ask("Will it rain this afternoon in London?")
    (call,) = calls
    assert call["name"] == "get_hourly_forecast"
    assert call["arguments"]["part"] == "afternoon"
    assert call["output"]["window_note"]
    assert "tomorrow afternoon" in text and "23:30" in text, text
    assert "7%" in text and "17:00" in text, text
    # Said once, beside the window's name.
    assert "tomorrow afternoon (this afternoon is over in London: 23:30 there):" in text, text
    assert "these hours" not in text, text


def test_a_clock_window_names_its_end_and_a_start_its_day(fake_weather: FakeWeather) -> None:
    text, _ = ask("rain in London at 6 pm?")
    assert "18:00-21:00 on 2026-05-12 (18:00 has passed in London: 23:30 there)" in text, text
    text, _ = ask("when does the snow start in oslo")
    assert "dry now; snow from around 00:00 tonight, going on past 13:00 tomorrow" in text, text


@pytest.mark.parametrize(
    ("question", "arguments"),
    [
        ("rain in London at 6 pm?", {"part": "now", "start_time": "18:00"}),
        ("Regnet es um 18 Uhr in London?", {"start_time": "18:00"}),
        ("Va-t-il pleuvoir à 18h à Londres ?", {"start_time": "18:00"}),
        ("ロンドンは18時に雨が降りますか", {"start_time": "18:00"}),
        ("london weather in the next few hours", {"part": "now"}),
        ("will it rain tonight in london", {"part": "tonight"}),
        ("Wird es heute Abend in London regnen?", {"part": "evening"}),
    ],
)
def test_hours_of_a_day(
    question: str, arguments: dict[str, Any], fake_weather: FakeWeather
) -> None:
    text, calls = ask(question)
    (call,) = calls
    assert call["name"] == "get_hourly_forecast", calls
    assert arguments.items() <= call["arguments"].items(), call["arguments"]
    assert "London" in text or "ロンドン" in text, text


def test_when_the_rain_stops_in_paris(fake_weather: FakeWeather) -> None:
    text, calls = ask("What time does it stop raining in Paris?")
    (call,) = calls
    assert call["name"] == "get_hourly_forecast"
    assert call["arguments"]["part"] == "now" and call["arguments"]["hours"] == 24
    assert call["output"]["summary"]["stops_at"].startswith("2026-12-07T16:00")
    assert "rain now, stopping around 16:00" in text, text


def test_snow_in_oslo_this_week(fake_weather: FakeWeather) -> None:
    text, calls = ask("Is it going to snow in Oslo this week?")
    (call,) = calls
    assert call["name"] == "get_forecast" and call["arguments"]["days"] == 7
    snowy = [d for d in call["output"]["days"] if (d["snowfall"] or 0) > 0]
    assert len(snowy) == 3
    for day in snowy:
        assert f"{day['snowfall']:g} cm" in text, text
    assert "chance of snow" in text and "chance of rain" not in text, text


def test_uv_in_sydney_tomorrow(fake_weather: FakeWeather) -> None:
    text, calls = ask("UV index in Sydney tomorrow?")
    (call,) = calls
    assert call["name"] == "get_forecast" and call["arguments"]["days"] == 2
    assert "12.4" in text and "extreme" in text, text
    assert "Sun protection: yes" in text, text
    assert "no UV index" not in text


def test_sunset_in_tokyo(fake_weather: FakeWeather) -> None:
    text, calls = ask("When is sunset in Tokyo?")
    (call,) = calls
    assert call["name"] == "get_forecast" and call["arguments"]["days"] == 1
    assert "sunset 16:28" in text, text
    text, _ = ask("東京の日の出は何時？")
    assert "6時38分" in text, text


@pytest.mark.parametrize(
    ("daylight", "expected"),
    [
        (0.0, "does not rise that day (polar night)"),
        (86_400.0, "does not set that day (midnight sun)"),
    ],
)
def test_polar_night_and_midnight_sun_are_said_as_such(
    fake_weather: FakeWeather, daylight: float, expected: str
) -> None:
    from tests.fakes.server import Response

    # Oslo's shape with the sun left out, as a day beyond the polar circle has it.
    body = synthetic.forecast(synthetic.CITIES["oslo"])
    days = len(body["daily"]["time"])
    body["daily"].update(
        sunrise=[None] * days, sunset=[None] * days, daylight_duration=[daylight] * days
    )
    fake_weather.server.inject("GET", "/v1/forecast", Response(body=body), 1)
    text, _ = ask("when is sunrise in oslo")
    assert expected in text and "no sunrise time given" not in text, text


def test_air_in_delhi(fake_weather: FakeWeather) -> None:
    text, calls = ask("How is the air in Delhi?")
    (call,) = calls
    assert call["name"] == "get_air_quality" and call["arguments"] == {
        "location": "Delhi, NCT, India"
    }
    assert "212" in text and "very unhealthy" in text and "148.3" in text, text


def test_air_with_recorded_samples_is_not_available(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["ask", "--offline", "air quality in Paris?"])
    assert result.exit_code == 0, result.stderr
    assert "the recorded sample has no air-quality data" in result.stdout, result.stdout


def test_paris_in_12_days_and_beyond_the_horizon(fake_weather: FakeWeather) -> None:
    text, calls = ask("weather in Paris in 12 days")
    (call,) = calls
    assert call["name"] == "get_forecast" and call["arguments"]["days"] == 13
    assert "2026-12-19" in text and "9.0 °C" in text and "65%" in text, text
    text, _ = ask("weather in Paris in 30 days")
    assert "past the end of the forecast" in text, text


def test_the_last_day_of_the_forecast_is_said_to_be_it(fake_weather: FakeWeather) -> None:
    text, _ = ask("weather in paris in 16 days")
    assert "it ends on 2026-12-22, 15 days ahead, and this is the last day it has" in text, text
    assert "covers 16" not in text, text


def test_snow_without_a_day_looks_at_the_week(fake_weather: FakeWeather) -> None:
    text, calls = ask("Is it going to snow in Oslo?")
    (call,) = calls
    assert call["name"] == "get_forecast" and call["arguments"]["days"] == 7
    assert "Snow on 2026-12-08 (Tue) (4.8 cm)" in text, text


@pytest.mark.parametrize(
    ("question", "snowy"),
    [
        ("Is it going to snow in New York this weekend?", "Snow on 2026-02-07 (Sat)"),
        ("Is it going to snow in Oslo this week?", "Snow on 2026-02-06 (Fri)"),
    ],
)
def test_snow_named_without_an_amount_is_snow(question: str, snowy: str) -> None:
    # The recordings give precipitation_types ["snow"] and snowfall null.
    result = runner.invoke(app, ["ask", "--offline", question])
    assert result.exit_code == 0, result.stderr
    assert "No snow" not in result.stdout, result.stdout
    assert f"\n\n{snowy} (amount not given)" in result.stdout, result.stdout


def test_air_without_an_index_gives_what_there_is(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = synthetic.air_quality

    def no_index(name: str) -> dict[str, Any]:
        body = original(name)
        body["current"]["us_aqi"] = body["current"]["pm2_5"] = None
        return body

    monkeypatch.setattr(synthetic, "air_quality", no_index)
    text, _ = ask("How is the air in Delhi?")
    assert "no AQI given" in text and "PM10 231.0" in text and "NO2 61.2" in text, text
    assert "not available" not in text, text


def test_air_service_failure_names_the_service(fake_weather: FakeWeather) -> None:
    fake_weather.fail("/v1/air-quality", 503, times=10)
    # Every lookup failed with an outage: the answer says so, and the exit code is 1.
    text, _ = ask("How is the air in Delhi?", exit_code=1)
    assert "could not be looked up" in text and "Open-Meteo Air Quality" in text, text
    assert "not available for this place" not in text, text


@pytest.mark.parametrize(
    ("question", "hourly", "daily"),
    [
        (
            "when does the rain stop in Paris and what's the UV there",
            "rain now, stopping around 16:00",
            "UV index up to 1.2 (low)",
        ),
        (
            "UV index in Sydney tomorrow and when does rain start?",
            "no rain or snow forecast before",
            "UV index up to 12.4 (extreme)",
        ),
        (
            "snow in oslo this week, when does the snow start",
            "snow from around 00:00 tonight",
            "Snow on 2026-12-08 (Tue) (4.8 cm), 2026-12-09 (Wed) (12 cm)",
        ),
    ],
)
def test_an_hourly_and_a_daily_question_together_get_both_tools(
    question: str, hourly: str, daily: str, fake_weather: FakeWeather
) -> None:
    # The tester's combined questions answered only the daily part (UV), never the stop time.
    text, calls = ask(question)
    assert [c["name"] for c in calls] == ["get_hourly_forecast", "get_forecast"], calls
    assert hourly in text and daily in text, text
    assert text.index(hourly) < text.index(daily), text


@pytest.mark.parametrize(
    ("question", "start", "day"),
    [
        ("rain in Paris at noon", "12:00", "today"),
        ("rain in Paris at midday", "12:00", "today"),
        ("Va-t-il pleuvoir à midi à Paris ?", "12:00", "today"),
        ("巴黎中午会下雨吗", "12:00", "today"),
        ("will it snow in Oslo at midnight", "00:00", "tomorrow"),
        ("Regnet es um Mitternacht in Oslo?", "00:00", "tomorrow"),
    ],
)
def test_noon_and_midnight_are_clock_times(
    question: str, start: str, day: str, fake_weather: FakeWeather
) -> None:
    # "rain in Paris at noon" was answered with today's chance of rain, the hour ignored.
    _, calls = ask(question)
    (call,) = calls
    assert call["name"] == "get_hourly_forecast", calls
    assert call["arguments"]["start_time"] == start and call["arguments"]["day"] == day


def test_uv_at_an_hour_is_that_window_s_uv(fake_weather: FakeWeather) -> None:
    # "uv at 1pm in sydney" gave the day's highest (11.0) from the daily forecast.
    text, calls = ask("uv at 1pm in sydney")
    (call,) = calls
    assert call["name"] == "get_hourly_forecast" and call["arguments"]["start_time"] == "13:00"
    rows = call["output"]["hours"]
    highest = max(row["uv_index"] for row in rows)
    assert f"13:00-16:00: UV index up to {highest:.1f}" in text, text
    assert f"Sun protection: yes (UV {highest:.1f}" in text, text


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("quand arrête-t-il de pleuvoir à Paris", "pluie en ce moment, arrêt vers 16 h 00"),
        ("quand est-ce que la pluie s'arrête a paris", "pluie en ce moment, arrêt vers 16 h 00"),
        ("a quelle heure commence la pluie a oslo", "neige à partir de 0 h 00 cette nuit"),
        ("quand commence la neige à oslo", "neige à partir de 0 h 00 cette nuit"),
    ],
)
def test_french_starts_and_stops(question: str, said: str, fake_weather: FakeWeather) -> None:
    # The inverted and unaccented forms were read as today's rain, a 7-day forecast, or a
    # place called "arrête" (after the pronoun of "s'arrête").
    text, calls = ask(question)
    (call,) = calls
    assert call["name"] == "get_hourly_forecast" and call["arguments"]["hours"] == 24, calls
    assert "arrête" not in call["arguments"]["location"]
    assert said in text, text


def test_advice_names_the_places_as_resolved(fake_weather: FakeWeather) -> None:
    # The advice headings printed the places as typed: "**sydney**: Sun protection...".
    text, _ = ask("uv index sydney and tokyo tomorrow")
    assert "**Sydney**: Sun protection: yes" in text, text
    assert "**Tokyo**: Sun protection:" in text, text
    assert "**sydney**" not in text and "**tokyo**" not in text, text
    text, _ = ask("is oslo warmer than paris")
    assert "Paris is warmer than Oslo" in text, text
