"""Saved places through the real CLI: add, list, default, remove, and every command using them.

The fake Open-Meteo geocodes (San Francisco, Paris, the ambiguous Springfield); a saved place
is resolved once, at `place add`, and never geocoded again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.backends import serve_backend
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def home_in_sf(fake_weather: FakeWeather) -> FakeWeather:
    result = run("place", "add", "home", "San Francisco, CA")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "saved home: San Francisco, California, United States "
        "(37.7749, -122.4194, America/Los_Angeles) · default\n"
    )
    return fake_weather


def test_add_list_default_remove(home_in_sf: FakeWeather, clean_env: Path) -> None:
    assert run("place", "add", "Work", "Paris").exit_code == 0
    listed = run("place", "list")
    assert listed.stdout.splitlines() == [
        "* home  San Francisco, California, United States  (37.7749, -122.4194)",
        "  Work  Paris, Île-de-France, France  (48.8534, 2.3488)",
    ]
    # Names match whatever their case.
    assert run("place", "default", "work").exit_code == 0
    rows = json.loads(run("place", "list", "--json").stdout)
    assert [(r["name"], r["default"]) for r in rows] == [("home", False), ("Work", True)]
    assert rows[0]["latitude"] == 37.77493 and rows[0]["query"] == "San Francisco, CA"
    stored = json.loads((clean_env / "places.json").read_text())
    assert (
        stored["default"] == "Work" and (clean_env / "places.json").stat().st_mode & 0o777 == 0o600
    )
    removed = run("place", "remove", "WORK")
    assert removed.exit_code == 0 and "removed Work" in removed.stderr
    assert json.loads(run("place", "list", "--json").stdout)[0]["default"] is False
    missing = run("place", "remove", "gym")
    assert missing.exit_code == 2 and "no saved place called 'gym'" in missing.stderr


def test_ambiguous_unknown_and_bad_names(fake_weather: FakeWeather) -> None:
    ambiguous = run("place", "add", "mum", "Springfield")
    assert ambiguous.exit_code == 1 and "Springfield, Illinois" in ambiguous.stderr
    unknown = run("place", "add", "gran", "Narnia")
    assert unknown.exit_code == 1 and "Narnia" in unknown.stderr
    for bad in ("", "a,b", "9lives", "x" * 41):
        result = run("place", "add", bad, "Paris")
        assert result.exit_code == 2, (bad, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert run("place", "list").stderr.startswith("no saved places yet")


def test_a_damaged_file_is_moved_aside_not_lost(fake_weather: FakeWeather, clean_env: Path) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    (clean_env / "places.json").write_text('{"places": {"home": ')
    result = run("place", "list")
    assert result.exit_code == 0
    assert "was damaged" in result.stderr and "places.json.corrupt-" in result.stderr
    kept = list(clean_env.glob("places.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"places": {"home": '


def test_a_damaged_file_made_by_hand_is_kept_private(
    fake_weather: FakeWeather, clean_env: Path
) -> None:
    """Where people live stays theirs: the set-aside copy is 0600 even when the file was 0644."""
    clean_env.mkdir(parents=True, exist_ok=True)
    damaged = clean_env / "places.json"
    damaged.write_text('{"places": {"home": ')
    damaged.chmod(0o644)
    assert "was damaged" in run("place", "list").stderr
    (kept,) = clean_env.glob("places.json.corrupt-*")
    assert kept.stat().st_mode & 0o777 == 0o600


def test_weather_without_a_place_uses_the_default(home_in_sf: FakeWeather) -> None:
    searches = home_in_sf.searches()
    result = run("weather", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["location"] == "San Francisco, California, United States"
    named = run("weather", "home", "--days", "1", "--json")
    assert json.loads(named.stdout)["forecast"]["unit"] == "Fahrenheit"
    assert home_in_sf.searches() == searches  # saved: never geocoded again


def test_no_place_and_no_default_says_how(fake_weather: FakeWeather) -> None:
    result = run("weather")
    assert result.exit_code == 2
    assert "no place given and no default place saved" in result.stderr
    assert "weatherbot place add home" in result.stderr


@pytest.mark.parametrize("backend", ["chat", "responses", "assistants"])
def test_a_model_uses_saved_places(
    home_in_sf: FakeWeather, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    with serve_backend(backend, monkeypatch) as served:
        result = run("ask", "--json", "will it rain at home tomorrow?")
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        assert {c["arguments"]["location"] for c in doc["tool_calls"]} == {"home"}
        outputs = [json.loads(c["output"]) for c in doc["tool_calls"]]
        assert {o["location"] for o in outputs} == {"San Francisco, California, United States"}
        assert served.fake is not None
        told = served.fake.model.instructions[0] or ""
        assert "home = San Francisco, California, United States" in told
        # No place at all: the default.
        bare = json.loads(run("ask", "--json", "what's the weather like?").stdout)
        assert {c["arguments"]["location"] for c in bare["tool_calls"]} == {"home"}


def test_the_offline_sample_says_which_saved_place_it_lacks(home_in_sf: FakeWeather) -> None:
    # `--offline` is recorded data for three cities: home (San Francisco) is named, not dropped.
    result = run("ask", "--offline", "will it rain at home tomorrow?")
    assert result.exit_code == 0, result.stderr
    assert "not San Francisco, California, United States" in result.stdout
    line = run("now", "--offline")
    assert line.exit_code == 1 and "not San Francisco" in line.stderr


def test_one_bad_entry_is_set_aside_and_the_rest_kept(
    fake_weather: FakeWeather, clean_env: Path
) -> None:
    assert run("place", "add", "home", "Paris").exit_code == 0
    stored = json.loads((clean_env / "places.json").read_text())
    stored["places"]["work"] = 7
    stored["places"]["boat"] = {"place": {"name": "Sea", "latitude": 999, "longitude": 0,
                                          "timezone": "UTC"}}  # fmt: skip
    (clean_env / "places.json").write_text(json.dumps(stored))
    listed = run("place", "list")
    assert listed.stdout.startswith("* home  Paris")
    assert "could not read 'work', 'boat'; moved them to" in listed.stderr
    (aside,) = clean_env.glob("places.json.damaged-*")
    assert [e["name"] for e in json.loads(aside.read_text())] == ["work", "boat"]
    # Said once: the readable rest was written back.
    assert run("place", "list").stderr == ""


def test_damaged_files_never_overwrite_each_other(
    fake_weather: FakeWeather, clean_env: Path
) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    for text in ("AAA", "[]"):
        (clean_env / "places.json").write_text(text)
        assert "was damaged" in run("place", "list").stderr
    kept = sorted(p.read_text() for p in clean_env.glob("places.json.corrupt-*"))
    assert kept == ["AAA", "[]"]


def test_replacing_a_place_says_so(home_in_sf: FakeWeather) -> None:
    result = run("place", "add", "HOME", "Paris")
    assert result.exit_code == 0
    assert "replaced home (was San Francisco, California, United States)" in result.stderr
    assert result.stdout.startswith("saved HOME: Paris")


def test_an_unwritable_home_is_one_clear_line(home_in_sf: FakeWeather, clean_env: Path) -> None:
    # What a read-only home does (root can write anywhere, so a directory stands in the way).
    lock = clean_env / "places.json.lock"
    lock.unlink(missing_ok=True)  # left by the fixture's own `place add`
    lock.mkdir()
    for args in (("add", "work", "Paris"), ("remove", "home"), ("default", "home")):
        result = run("place", *args)
        assert result.exit_code == 2 and "internal error" not in result.stderr, result.stderr
        assert "cannot save places in" in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_newer_file_is_read_but_not_rewritten(home_in_sf: FakeWeather, clean_env: Path) -> None:
    stored = json.loads((clean_env / "places.json").read_text())
    stored["version"] = 2
    (clean_env / "places.json").write_text(json.dumps(stored))
    assert run("place", "list").stdout.startswith("* home")
    refused = run("place", "add", "work", "Paris")
    assert refused.exit_code == 2 and "written by a newer weatherbot" in refused.stderr
