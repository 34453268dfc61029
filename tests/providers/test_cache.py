"""DiskCache: hit, miss, TTL, refresh and corrupt entries with an injected clock."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.fakes.weather_server import FakeWeather
from weatherbot.providers.cache import DiskCache, request_key
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Place
from weatherbot.providers.open_meteo import OpenMeteoProvider

LONDON = Place("London", 51.50853, -0.12574, "Europe/London", "England", "United Kingdom", "GB")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_hit_miss_and_ttl(tmp_path: Path) -> None:
    clock = Clock()
    cache = DiskCache(tmp_path / "cache", clock)
    assert cache.get("k", 600) is None
    cache.put("k", {"a": 1})
    clock.now += 240
    assert cache.get("k", 600) == ({"a": 1}, 240)
    clock.now += 361
    assert cache.get("k", 600) is None


def test_key_sorts_parameters() -> None:
    assert request_key("u", {"b": 2, "a": 1}) == request_key("u", {"a": 1, "b": 2}) == "u?a=1&b=2"


def test_files_are_private_and_writes_leave_no_temp_files(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "cache")
    cache.put("k", [1, 2])
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1 and not files[0].name.startswith(".tmp")
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600


def test_corrupt_entries_are_misses(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put("k", 1)
    next(tmp_path.glob("*.json")).write_text("{corrupt", encoding="utf-8")
    assert cache.get("k", 600) is None
    next(tmp_path.glob("*.json")).write_text('{"key": "k"}', encoding="utf-8")
    assert cache.get("k", 600) is None


def test_refresh_skips_reads_but_writes(tmp_path: Path) -> None:
    clock = Clock()
    DiskCache(tmp_path, clock).put("k", "old")
    refreshing = DiskCache(tmp_path, clock, refresh=True)
    assert refreshing.get("k", 600) is None
    assert refreshing.fetch("k", 600, lambda: "new") == ("new", None)
    assert DiskCache(tmp_path, clock).get("k", 600) == ("new", 0)


def test_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    DiskCache(blocker / "cache").put("k", 1)


def test_forecast_reports_cache_age(
    fake_weather: FakeWeather, http: HttpClient, tmp_path: Path
) -> None:
    clock = Clock()
    provider = OpenMeteoProvider(http, DiskCache(tmp_path, clock), fake_weather.base_url)
    assert provider.forecast(LONDON).cache_age_s is None
    clock.now += 240
    assert provider.forecast(LONDON).cache_age_s == pytest.approx(240)  # "cached 4 min ago"
    assert fake_weather.forecasts() == 1
    clock.now += 600
    assert provider.forecast(LONDON).cache_age_s is None  # older than 10 minutes: refetched
    assert fake_weather.forecasts() == 2
    refreshing = DiskCache(tmp_path, clock, refresh=True)
    OpenMeteoProvider(http, refreshing, fake_weather.base_url).forecast(LONDON)
    assert fake_weather.forecasts() == 3


def test_a_cache_directory_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    # It was followed: entries went into (and were served from) the link's target.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").symlink_to(elsewhere)
    clock = Clock()
    cache = DiskCache(tmp_path / "cache", clock)
    cache.put("k", {"a": 1})
    assert list(elsewhere.iterdir()) == []
    DiskCache(elsewhere, clock).put("k", {"planted": True})
    assert cache.get("k", 600) is None
