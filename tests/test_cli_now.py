"""`weatherbot now`: one line for status bars, through the real CLI and as a real process.

Paris is the fake Open-Meteo's TEST VALUES (13:15 local, 10.6 °C, moderate rain, 85% today);
time is never slept: the provider's backoff goes through `cli_options.pause`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app
from weatherbot.render.status_line import FIELDS

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("weatherbot.cli_options.pause", waits.append)
    return waits


def now(*args: str, monkeypatch: pytest.MonkeyPatch | None = None) -> Result:
    if monkeypatch is not None:
        # The snapshot is keyed by the command line, as the real program sees it.
        monkeypatch.setattr(sys, "argv", ["weatherbot", "now", *args])
    return runner.invoke(app, ["now", *args])


def test_the_default_line(fake_weather: FakeWeather) -> None:
    result = now("Paris, France")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Paris: 🌧 11°C 85%\n" and result.stderr == ""


def test_every_field(fake_weather: FakeWeather) -> None:
    fmt = " | ".join(f"%{k}" for k in FIELDS)
    result = now("Tokyo", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    values = result.stdout.rstrip("\n").split(" | ")
    assert dict(zip(FIELDS, values, strict=True)) == {
        "c": "⛅", "C": "partly cloudy", "t": "13°C", "f": "11°C", "o": "10%", "p": "0.0mm",
        "w": "13km/h", "h": "70%", "u": "3", "S": "06:38", "s": "16:28",
        "m": "waning crescent", "l": "Tokyo", "L": "Tokyo, Japan", "a": "0s", "%": "%",
    }  # fmt: skip


def test_presets_units_and_json(fake_weather: FakeWeather) -> None:
    assert now("Paris, France", "-f", "short").stdout == "🌧 11°C\n"
    full = now("Paris, France", "-f", "full").stdout
    assert (
        full.startswith("Paris: 🌧 moderate rain 11°C (feels 9°C) · 85% 8.4mm")
        and "\n" not in full[:-1]
    )
    assert now("Paris, France", "--units", "imperial", "-f", "%t %p").stdout == "51°F 0.33in\n"
    doc = json.loads(now("Paris, France", "--json").stdout)
    assert doc["temperature"] == 10.6 and doc["precipitation_probability_percent"] == 85
    assert doc["precipitation_types"] == ["rain"] and doc["stale"] is False
    assert doc["sunrise"] == "08:31" and doc["location"] == "Paris, Île-de-France, France"


def test_bad_format_and_no_place(fake_weather: FakeWeather) -> None:
    bad = now("Paris", "-f", "%t %x")
    assert bad.exit_code == 2 and "unknown field '%x'" in bad.stderr and bad.stdout == ""
    lone = now("Paris", "-f", "100%")
    assert lone.exit_code == 2 and "'%' at the end (%% for %)" in lone.stderr
    # "% t" names an invisible field: it is shown quoted.
    assert "unknown field '% '" in now("Paris", "-f", "% t").stderr
    assert now("Paris", "-f", "100%% sure").stdout.startswith("100% sure")
    # Preset names in any case; a word that is neither a preset nor a format is a typo.
    assert now("Paris", "-f", "SHORT").stdout == "🌧 11°C\n"
    typo = now("Paris", "-f", "ful")
    assert typo.exit_code == 2 and "'ful' is neither a preset" in typo.stderr
    missing = now()
    assert missing.exit_code == 2 and "no default place" in missing.stderr


def test_the_default_place(fake_weather: FakeWeather) -> None:
    assert runner.invoke(app, ["place", "add", "home", "Sydney"]).exit_code == 0
    assert now("-f", "%l %u").stdout == "Sydney 11\n"
    assert now("home", "-f", "%l").stdout == "Sydney\n"


def test_provider_down_and_nothing_kept_is_na(
    fake_weather: FakeWeather, no_waiting: list[float]
) -> None:
    fake_weather.fail("/v1/search", 503, times=2)
    result = now("Paris, France")
    assert result.exit_code == 1 and result.stdout == "n/a\n"
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    # One short try: a status bar asking every few seconds must not hammer a failing server.
    assert fake_weather.searches() == 1 and no_waiting == []
    # Within the minute it is not asked again, and the line says why at once.
    held = json.loads(now("Paris, France", "--json").stdout)
    assert held == {
        "error": "unavailable",
        "message": "the weather service failed less than a minute ago; not asked again yet",
    }
    assert fake_weather.searches() == 1
    # --refresh asks anyway (and meets the second injected failure).
    doc = json.loads(now("--refresh", "Paris, France", "--json").stdout)
    assert doc == {
        "error": "upstream_error",
        "message": "Open-Meteo geocoding failed (HTTP 503): fault injected by the test",
    }
    assert fake_weather.searches() == 2
    # Not an outage (an unknown place; --refresh past the hold): one line for the bar, and why.
    unknown = now("--refresh", "Narnia")
    assert unknown.exit_code == 1 and unknown.stdout == "n/a\n" and "Narnia" in unknown.stderr


def test_after_a_failure_the_provider_is_left_alone_for_a_minute(
    fake_weather: FakeWeather, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert now("Paris, France", monkeypatch=monkeypatch).exit_code == 0
    fake_weather.fail("/v1/forecast", 429, times=10, reason="Too many requests")
    forecasts = fake_weather.forecasts()
    # --refresh: asked once, refused; the kept data stands in, marked stale.
    refreshed = now("--refresh", "Paris, France", "--json", monkeypatch=monkeypatch)
    assert fake_weather.forecasts() == forecasts + 1
    assert json.loads(refreshed.stdout)["stale"] is True
    # The next runs within the minute do not ask at all.
    for _ in range(3):
        again = now("Paris, France", "-f", "%t %o", monkeypatch=monkeypatch)
        assert again.exit_code == 0 and again.stdout.startswith("11°C 85%")
    assert fake_weather.forecasts() == forecasts + 1


def test_provider_down_shows_the_last_data_marked_stale(
    fake_weather: FakeWeather, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert now("Paris, France", monkeypatch=monkeypatch).exit_code == 0
    # Two hours pass: the kept forecast is past its lifetime, and the provider is down.
    for entry in (clean_env / "cache").glob("*.json"):
        data = json.loads(entry.read_text())
        data["stored_at"] -= 2 * 3600
        entry.write_text(json.dumps(data))
    fake_weather.fail("/v1/forecast", 503, times=10)
    result = now("Paris, France", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Paris: 🌧 11°C 85% (stale 2h)\n"
    doc = json.loads(now("Paris, France", "--json", monkeypatch=monkeypatch).stdout)
    assert doc["stale"] is True and 7190 < doc["age_s"] < 7300


def test_a_silent_provider_costs_one_short_wait_then_none(
    fake_weather: FakeWeather, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.server import Response

    assert now("Paris, France", monkeypatch=monkeypatch).exit_code == 0
    for entry in (clean_env / "cache").glob("*.json"):
        data = json.loads(entry.read_text())
        data["stored_at"] -= 2 * 3600
        entry.write_text(json.dumps(data))
    # A server that accepts the request and never answers (the 47 s a prompt used to hang).
    monkeypatch.setattr("weatherbot.providers.registry.QUICK_S", 0.3)
    fake_weather.server.inject("GET", "/v1/forecast", Response(hang=True), times=5)
    forecasts = fake_weather.forecasts()
    first = now("Paris, France", monkeypatch=monkeypatch)
    assert first.exit_code == 0 and first.stdout == "Paris: 🌧 11°C 85% (stale 2h)\n"
    assert fake_weather.forecasts() == forecasts + 1  # one try, no retries
    again = now("Paris, France", "-f", "%t", monkeypatch=monkeypatch)
    assert again.stdout == "11°C (stale 2h)\n" and fake_weather.forecasts() == forecasts + 1


def _program(home: Path, fake: FakeWeather, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "WEATHERBOT_HOME": str(home),
        "WEATHERBOT_OPEN_METEO_URL": fake.base_url,
        "WEATHERBOT_OPEN_METEO_GEOCODING_URL": fake.base_url,
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    # Which modules the program loaded, printed however it ends (the CLI ends in os._exit).
    code = (
        "import os, sys; from weatherbot.launch import main; end = os._exit\n"
        "def report(): print('openai' in sys.modules, 'weatherbot.cli' in sys.modules,"
        " file=sys.stderr, flush=True)\n"
        "os._exit = lambda status: (report(), end(status))\n"
        "sys.argv = ['weatherbot', *sys.argv[1:]]; main(); report()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_status_bar_is_answered_from_the_snapshot(
    fake_weather: FakeWeather, clean_env: Path
) -> None:
    first = _program(clean_env, fake_weather, "now", "Paris, France", "-f", "%c %t %a")
    assert first.returncode == 0, first.stderr
    assert first.stdout == "🌧 11°C 0s\n"
    # The full command ran, without the model's SDK.
    assert first.stderr.split() == ["False", "True"]
    requests = len(fake_weather.server.requests)
    again = _program(clean_env, fake_weather, "now", "Paris, France", "-f", "%c %t %a")
    assert again.returncode == 0 and again.stdout.startswith("🌧 11°C ")
    assert again.stderr.split() == ["False", "False"]  # not even the Typer app was loaded
    assert len(fake_weather.server.requests) == requests
    # Other arguments are another question: the full command again.
    other = _program(clean_env, fake_weather, "now", "Paris, France", "-f", "short")
    assert other.stdout == "🌧 11°C\n" and other.stderr.split() == ["False", "True"]
