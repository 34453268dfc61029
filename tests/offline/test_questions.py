"""The question tables (tests/offline/questions/*.toml): planned calls and answer facts.

Each row is a question as a person would type it in one of the planner's languages. The row is
planned (places, tools, days, unit, language, kind) and then answered by the real offline
backend with the real tools, against a synthetic provider (made-up figures for any place,
labelled as such): the answer must be in the question's language, name every place it looked
up, and say the figures the tools returned, in the language's own number format.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from weatherbot.backends import catalogue
from weatherbot.backends.base import Profile, Runtime, TurnRequest
from weatherbot.backends.offline import OfflineBackend, places_per_step
from weatherbot.errors import ProviderError
from weatherbot.events import Done, ToolCallFinished, ToolCallStarted
from weatherbot.offline.advice import CLOTHING
from weatherbot.offline.calls import tool_names
from weatherbot.offline.catalogue import Words
from weatherbot.offline.gazetteer import fold
from weatherbot.offline.language import languages
from weatherbot.offline.planner import plan
from weatherbot.providers.models import Current, Day, Forecast, Hour, Place
from weatherbot.providers.service import WeatherService
from weatherbot.settings import Settings
from weatherbot.tools.weather import ToolContext, default_registry

TABLES = Path(__file__).parent / "questions"
TODAY = date(2026, 12, 8)  # a Tuesday


@dataclass(frozen=True)
class Row:
    """One question and what the planner must make of it."""

    file: str
    ask: str
    expected: dict[str, Any]

    @property
    def language(self) -> str:
        return str(self.expected.get("language", languages_by_file()[self.file]))


def languages_by_file() -> dict[str, str]:
    """Question-table file name -> language code (zh_Hans.toml -> zh-Hans)."""
    return {lang.catalogue: code for code, lang in languages().items()}


def rows() -> list[Row]:
    found: list[Row] = []
    for path in sorted(TABLES.glob("*.toml")):
        for item in tomllib.loads(path.read_text(encoding="utf-8")).get("q", []):
            expected = {k: v for k, v in item.items() if k != "ask"}
            found.append(Row(path.stem, str(item["ask"]), expected))
    return found


ROWS = rows()


def _place_matches(expected: str, actual: Any) -> bool:
    name, _, country = expected.partition(", ")
    if actual.entry is None:
        return fold(actual.text) == fold(expected)
    if fold(actual.entry.name) != fold(name):  # GeoNames writes "Cadiz", people "Cádiz"
        return False
    return not country or actual.entry.country_code == country


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.file}:{r.ask}" for r in ROWS])
def test_plan(row: Row) -> None:
    result = plan(row.ask)
    described = (
        f"places={[(p.text, p.entry.display_name if p.entry else None) for p in result.places]} "
        f"topics={sorted(result.topics)} days={result.days} kind={result.kind} "
        f"language={result.language} tools={tool_names(result) if result.places else []}"
    )
    assert result.language == row.language, described
    expected_kind = row.expected.get("kind", "weather")
    assert result.kind == expected_kind, described
    places = row.expected.get("places", [])
    assert len(result.places) == len(places), described
    for want, got in zip(places, result.places, strict=True):
        assert _place_matches(want, got), described
    if expected_kind == "weather":
        assert sorted(set(tool_names(result))) == sorted(set(row.expected["tools"])), described
    if "day" in row.expected:
        assert result.days.first_day == row.expected["day"], described
    if "days" in row.expected:
        assert result.days.days == row.expected["days"], described
    if "unit" in row.expected:
        assert result.unit == row.expected["unit"], described
    if "start_time" in row.expected:
        hours = result.hours
        assert hours is not None and hours.start_time == row.expected["start_time"], described
        assert hours.day == row.expected.get("hours_day", 0), described


def test_every_language_has_a_big_enough_table() -> None:
    counts: dict[str, int] = {}
    for row in ROWS:
        counts[row.language] = counts.get(row.language, 0) + 1
    assert set(counts) == set(languages()), counts
    assert all(n >= 30 for n in counts.values()), counts
    assert sum(counts.values()) >= 240


# -- answers -------------------------------------------------------------------------------


class AnyPlaceGeocoder:
    """Resolves any name to a made-up place (the gazetteer answers most questions itself)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def resolve(self, query: str) -> Place:
        self.queries.append(query)
        if "atlantis" in query.casefold():
            raise ProviderError("not_found", f"no place called {query!r}")
        return Place(query.split(",")[0], 10.0, 10.0, "UTC", None, "Testland", "TL")


class SyntheticProvider:
    """Made-up but plausible figures for any place, sixteen days; labelled synthetic."""

    name = "synthetic"
    title = "Synthetic"

    def forecast(self, place: Place) -> Forecast:
        seed = abs(round(place.latitude * 7 + place.longitude * 3))
        base = (seed % 30) - 5 + 0.4
        now = datetime(TODAY.year, TODAY.month, TODAY.day, 14, 30, tzinfo=UTC)
        days = tuple(
            Day(
                TODAY + timedelta(days=i),
                temperature_max_c=base + 3 + (i % 4),
                temperature_min_c=base - 4,
                precipitation_probability_pct=(seed * 7 + i * 13) % 100,
                precipitation_mm=round((i % 3) * 1.3, 1),
                description=("slight snow" if base < 2 else "moderate rain")
                if i % 2
                else "overcast",
            )
            for i in range(16)
        )
        current = Current(
            now, base, apparent_temperature_c=base - 2.5, humidity_pct=71, wind_speed_ms=4.2,
            description="partly cloudy",
        )  # fmt: skip
        # Two days of hours: wet in the afternoons, what falls as the days' descriptions say.
        midnight = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
        hours = tuple(
            Hour(
                midnight + timedelta(hours=h),
                temperature_c=base - 4 + (h % 24) / 3,
                precipitation_probability_pct=(seed + h * 11) % 100,
                precipitation_mm=0.6 if 12 <= h % 24 < 17 else 0.0,
                snowfall_cm=0.4 if base < 2 and 12 <= h % 24 < 17 else 0.0,
                precipitation_kinds=("snow",) if base < 2 else ("rain",),
            )
            for h in range(48)
        )
        return Forecast(
            place, "Synthetic", "UTC", TODAY, now, current=current, daily=days, hourly=hours
        )


def answer(question: str, tmp_path: Path) -> tuple[str, list[dict[str, Any]]]:
    runtime = Runtime(
        settings=Settings(home=tmp_path),
        profile=Profile(model="none", instructions="", tools=()),
        registry=default_registry(),
    )
    backend = catalogue.get("offline").build(runtime)
    assert isinstance(backend, OfflineBackend)
    request = TurnRequest(
        question=question,
        thread_id="local_test",
        assistant_id=None,
        tool_context=ToolContext(WeatherService(AnyPlaceGeocoder(), [SyntheticProvider()])),
        history=[],
    )
    events = list(backend.run_turn(request))
    done = [e for e in events if isinstance(e, Done)]
    assert len(done) == 1
    started = {e.call_id: e for e in events if isinstance(e, ToolCallStarted)}
    outputs = [
        {"name": e.name, "arguments": dict(started[e.call_id].arguments), **json.loads(e.output)}
        for e in events
        if isinstance(e, ToolCallFinished)
    ]
    return done[0].answer, outputs


ENGLISH_ONLY = ("chance of rain", " now", "Source:", "Which place", "You're welcome")


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.file}:{r.ask}" for r in ROWS])
def test_answer(row: Row, tmp_path: Path) -> None:
    text, outputs = answer(row.ask, tmp_path)
    words = Words(row.language)
    assert text.strip()
    if row.language != "en":
        leaked = [w for w in ENGLISH_ONLY if w in text]
        assert not leaked, f"English in a {row.language} answer: {leaked}\n{text}"
    kind = row.expected.get("kind", "weather")
    if kind != "weather":
        assert outputs == [], text
        return
    assert outputs, text
    for output in outputs:
        if output.get("error"):
            continue
        location = str(output["location"])
        assert location in text, text
        if output["name"] == "get_current_temperature" and output.get("temperature") is not None:
            assert words.degrees(output["temperature"], output["unit"]) in text, text
        if (
            output["name"] == "get_rain_probability"
            and output.get("probability_percent") is not None
        ):
            assert words.percent(output["probability_percent"]) in text, text
        if output["name"] == "get_current_conditions" and output.get("temperature") is not None:
            shown = [words.degrees(output["temperature"], output["unit"])]
            shown.append(words.degrees(output["feels_like"], output["unit"]))
            shown.append(words.percent(output["humidity_percent"]))
            shown.append(words.number(output["wind_speed"]))
            assert any(s in text for s in shown), text
    assert len({o["location"] for o in outputs if not o.get("error")}) <= places_per_step(
        plan(row.ask)
    )


def test_tonight_is_dressed_for_the_low(tmp_path: Path) -> None:
    text, outputs = answer("what should I wear in Oslo tonight?", tmp_path)
    (hourly,) = outputs
    assert hourly["name"] == "get_hourly_forecast" and hourly["part"] == "tonight"
    summary = hourly["summary"]
    to_c = (lambda f: (f - 32) * 5 / 9) if hourly["unit"] == "Fahrenheit" else (lambda c: c)
    low, high = to_c(summary["temperature_min"]), to_c(summary["temperature_max"])
    advice = [text for limit, text in CLOTHING if low <= limit]
    assert advice and Words("en")._(advice[0]) in text, text
    # ... which is not what the day's high would have said.
    assert [t for limit, t in CLOTHING if high <= limit][:1] != advice[:1]


def test_the_umbrella_says_what_falls(tmp_path: Path) -> None:
    # Made-up Oslo is below freezing: tomorrow's forecast says snow, and so does the advice.
    text, outputs = answer("Do I need an umbrella in Oslo tomorrow?", tmp_path)
    (forecast,) = outputs
    assert "slight snow" in str(forecast["days"][1]["description"])
    assert "chance of snow" in text.split("Umbrella:")[1]
    assert "chance of rain" not in text


@pytest.mark.parametrize("question", ["windy in Chicago tomorrow?", "humid in Miami tomorrow"])
def test_a_forecast_question_about_conditions_gets_the_whole_day(
    question: str, tmp_path: Path
) -> None:
    # The daily forecast has no wind or humidity: the answer was "…, tomorrow (2026-12-09): ."
    text, _ = answer(question, tmp_path)
    first = text.split("\n")[0]
    assert ": ." not in first and "°" in first and "chance of" in first, text
