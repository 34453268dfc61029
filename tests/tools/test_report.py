"""The `weather` command's report, built below the CLI from the recorded sample provider."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from weatherbot.errors import UsageError, WeatherbotError
from weatherbot.settings import Settings
from weatherbot.tools.report import weather_report


def _settings(home: Path, units: str = "auto") -> Settings:
    return Settings(provider="sample", home=home, units=units)


def test_auto_units_follow_the_place(tmp_path: Path) -> None:
    london = weather_report(_settings(tmp_path), "London", 3)
    new_york = weather_report(_settings(tmp_path), "New York, NY", 3)
    assert london["unit"] == "Celsius" and london["current"]["unit"] == "Celsius"
    assert new_york["unit"] == "Fahrenheit" and new_york["forecast"]["unit"] == "Fahrenheit"


def test_a_unit_system_overrides_the_place(tmp_path: Path) -> None:
    report = weather_report(_settings(tmp_path, "imperial"), "London", 2)
    assert report["unit"] == "Fahrenheit"
    assert report["forecast"]["precipitation_unit"] == "inch"


def test_report_keys_order_and_provenance(tmp_path: Path) -> None:
    report = weather_report(_settings(tmp_path), "  London ", 2)
    assert list(report) == [
        "location",
        "latitude",
        "longitude",
        "timezone",
        "source",
        "unit",
        "current",
        "forecast",
        "note",
        "hourly",
        "hourly_message",
    ]
    assert report["location"] == report["current"]["location"]
    assert report["source"].startswith("Open-Meteo (recorded sample")
    assert report["note"] == report["current"].get("note")
    assert len(report["forecast"]["days"]) == 2
    json.dumps(report)  # the --json output is the report itself


def test_empty_place_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no place given"):
        weather_report(_settings(tmp_path), "   ", 3)


def test_unknown_place_raises(tmp_path: Path) -> None:
    with pytest.raises(WeatherbotError):
        weather_report(_settings(tmp_path), "Xyzzyville", 3)
