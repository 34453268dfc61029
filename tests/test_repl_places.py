"""`/place` in a real chat session (pseudo-terminal), with the fake Open-Meteo behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from tests.fakes.weather_server import FakeWeather
from tests.test_repl import _env, _spawn


def test_place_add_default_and_a_question_at_home(
    fake_weather: FakeWeather, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = _env(
        home,
        WEATHERBOT_BACKEND="offline",
        WEATHERBOT_OPEN_METEO_URL=fake_weather.base_url,
        WEATHERBOT_OPEN_METEO_GEOCODING_URL=fake_weather.base_url,
        WEATHERBOT_OPEN_METEO_AIR_QUALITY_URL=fake_weather.base_url,
    )
    child = _spawn([], env, tmp_path)
    child.sendline("/place")
    child.expect("no saved places yet")
    child.sendline("/place add home Tokyo")
    child.expect("saved home: Tokyo, Japan")
    child.sendline("/place add work Sydney")
    child.expect("saved work: Sydney, New South Wales, Australia")
    child.sendline("/place work")
    child.expect("default place: work")
    child.sendline("/place")
    child.expect(r"\* work  Sydney")
    child.sendline("/place remove gym")
    child.expect("no saved place called 'gym'")
    child.sendline("/place bogus")
    child.expect("no saved place called 'bogus'")
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    stored = json.loads((home / "places.json").read_text())
    assert stored["default"] == "work" and set(stored["places"]) == {"home", "work"}
