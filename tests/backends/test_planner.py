"""The offline planner: places, intent, time and unit for English and Chinese questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weatherbot.offline.intent import MAX_DAYS, Plan
from weatherbot.offline.planner import explicit_unit, plan

T, R, B = "temperature", "rain", "both"
F, C = "Fahrenheit", "Celsius"

# question, places, asked (temperature/rain/both), when, days, unit, language
# fmt: off
CASES: list[tuple[str, list[str], str, str, int, str | None, str]] = [
    # the seed question and English phrasing variety
    ("What's the weather in San Francisco today and the likelihood it'll rain?", ["San Francisco"], B, "today", 1, None, "en"),
    ("Will it rain in London tomorrow?", ["London"], R, "tomorrow", 2, None, "en"),
    ("Do I need an umbrella in Seattle?", ["Seattle"], R, "today", 1, None, "en"),
    ("How hot is it in Phoenix?", ["Phoenix"], T, "today", 1, None, "en"),
    ("Berlin weather", ["Berlin"], B, "today", 1, None, "en"),
    ("temperature in Chicago in fahrenheit", ["Chicago"], T, "today", 1, F, "en"),
    ("Is it cold in Oslo right now?", ["Oslo"], T, "today", 1, None, "en"),
    ("Is it snowing in Reykjavik?", ["Reykjavik"], R, "today", 1, None, "en"),
    ("Precipitation chance in Mexico City today", ["Mexico City"], R, "today", 1, None, "en"),
    ("How's London's weather?", ["London"], B, "today", 1, None, "en"),
    ("WEATHER IN MADRID", ["MADRID"], B, "today", 1, None, "en"),
    # several places
    ("Compare London and Paris", ["London", "Paris"], B, "today", 1, None, "en"),
    ("Tokyo, Osaka and Kyoto", ["Tokyo", "Osaka", "Kyoto"], B, "today", 1, None, "en"),
    ("weather in Berlin, Madrid and Rome", ["Berlin", "Madrid", "Rome"], B, "today", 1, None, "en"),
    ("Should I bring an umbrella to Paris and Lyon tomorrow?", ["Paris", "Lyon"], R, "tomorrow", 2, None, "en"),
    ("london and paris weather", ["london", "paris"], B, "today", 1, None, "en"),
    ("Compare the weather in Tokyo vs Seoul in celsius", ["Tokyo", "Seoul"], B, "today", 1, C, "en"),
    ("weather in Paris and in Lyon", ["Paris", "Lyon"], B, "today", 1, None, "en"),
    ("Rain in London or Paris, or London again?", ["London", "Paris"], R, "today", 1, None, "en"),
    # qualifiers after a comma (or without one) stay with their city
    ("Will it rain in Paris, TX tomorrow?", ["Paris, TX"], R, "tomorrow", 2, None, "en"),
    ("Weather in San Francisco, CA", ["San Francisco, CA"], B, "today", 1, None, "en"),
    ("Portland, Oregon weather this week", ["Portland, Oregon"], B, "days", 7, None, "en"),
    ("Paris, France temperature in °C", ["Paris, France"], T, "today", 1, C, "en"),
    ("San Francisco CA weather", ["San Francisco, CA"], B, "today", 1, None, "en"),
    ("Compare Paris, France and Paris, TX", ["Paris, France", "Paris, TX"], B, "today", 1, None, "en"),
    ("Compare London, New York and Oslo", ["London", "New York", "Oslo"], B, "today", 1, None, "en"),
    ("Is it raining in Rochester, New York?", ["Rochester, New York"], R, "today", 1, None, "en"),
    ("Weather in France, Spain and Italy", ["France", "Spain", "Italy"], B, "today", 1, None, "en"),
    ("Springfield, Illinois, United States weather", ["Springfield, Illinois, United States"], B, "today", 1, None, "en"),
    # multi-word names, lower case, coordinates
    ("What's the weather in New York?", ["New York"], B, "today", 1, None, "en"),
    ("Is it raining in Rio de Janeiro?", ["Rio de Janeiro"], R, "today", 1, None, "en"),
    ("How warm is it in Salt Lake City?", ["Salt Lake City"], T, "today", 1, None, "en"),
    ("Hong Kong weather tomorrow", ["Hong Kong"], B, "tomorrow", 2, None, "en"),
    ("Tell me the temperature in Buenos Aires and São Paulo", ["Buenos Aires", "São Paulo"], T, "today", 1, None, "en"),
    ("What's the weather this weekend in St. Louis?", ["St. Louis"], B, "days", 7, None, "en"),
    ("weather in paris tomorrow", ["paris"], B, "tomorrow", 2, None, "en"),
    ("weather in rio de janeiro", ["rio de janeiro"], B, "today", 1, None, "en"),
    ("weather at 48.85,2.35", ["48.85,2.35"], B, "today", 1, None, "en"),
    ("48.85, 2.35 rain?", ["48.85,2.35"], R, "today", 1, None, "en"),
    # units and days
    ("Temperature in Miami in F", ["Miami"], T, "today", 1, F, "en"),
    ("Weather in Denver in imperial units", ["Denver"], B, "today", 1, F, "en"),
    ("metric temperatures for Boston please", ["Boston"], T, "today", 1, C, "en"),
    ("Is it above 70°F in Austin?", ["Austin"], B, "today", 1, F, "en"),
    ("Forecast for Springfield, IL for the next 3 days", ["Springfield, IL"], B, "days", 3, None, "en"),
    ("What will the weather be in Sydney over the next five days?", ["Sydney"], B, "days", 5, None, "en"),
    ("Rain in London on Saturday?", ["London"], R, "days", 7, None, "en"),
    # no place
    ("Will it rain tomorrow?", [], R, "tomorrow", 2, None, "en"),
    ("What's the weather like?", [], B, "today", 1, None, "en"),
    ("Hi!", [], B, "today", 1, None, "en"),
    # Chinese
    ("旧金山今天天气怎么样,会下雨吗?", ["San Francisco"], B, "today", 1, None, "zh"),
    ("北京明天会下雨吗?", ["Beijing"], R, "tomorrow", 2, None, "zh"),
    ("伦敦和巴黎今天多少度?", ["London", "Paris"], T, "today", 1, None, "zh"),
    ("东京气温", ["Tokyo"], T, "today", 1, None, "zh"),
    ("纽约这周天气", ["New York"], B, "days", 7, None, "zh"),
    ("伦敦现在多少华氏度?", ["London"], T, "today", 1, F, "zh"),
    ("东京、大阪和京都明天的天气", ["Tokyo", "Osaka", "Kyoto"], B, "tomorrow", 2, None, "zh"),
    ("明天会下雨吗?", [], R, "tomorrow", 2, None, "zh"),
    ("今天天气怎么样？", [], B, "today", 1, None, "zh"),
    ("What's the weather in 旧金山?", ["San Francisco"], B, "today", 1, None, "en"),
]
# fmt: on


@pytest.mark.parametrize(
    ("question", "places", "asked", "when", "days", "unit", "language"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_plan_table(
    question: str,
    places: list[str],
    asked: str,
    when: str,
    days: int,
    unit: str | None,
    language: str,
) -> None:
    result = plan(question)
    assert result.places == places
    assert (result.wants_temperature, result.wants_rain) == {
        T: (True, False),
        R: (False, True),
        B: (True, True),
    }[asked]
    assert result.when == when
    assert result.days == days
    assert result.unit == unit
    assert result.language == language


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert sum(1 for case in CASES if case[6] == "zh") >= 8


@pytest.mark.parametrize(
    ("question", "first_day", "days", "weekdays"),
    [
        ("Will it rain in London on Saturday?", 0, 7, {5}),
        ("Paris weather this weekend", 0, 7, {5, 6}),
        ("Rome weather the day after tomorrow", 2, 3, set()),
        ("Rome weather tomorrow and the day after tomorrow", 1, 3, set()),
        ("Rain in Oslo today and tomorrow?", 0, 2, set()),
        ("Lisbon weather tomorrow", 1, 2, set()),
        ("巴黎后天会下雨吗", 2, 3, set()),
        ("上海周末天气", 0, 7, {5, 6}),
        ("伦敦星期六会下雨吗", 0, 7, {5}),
        ("东京未来三天的天气", 0, 3, set()),
        ("Madrid weather for the next 30 days", 0, MAX_DAYS, set()),
    ],
)
def test_days_shown(question: str, first_day: int, days: int, weekdays: set[int]) -> None:
    result = plan(question)
    assert result.when == "days" or (result.when == "tomorrow" and first_day == 1)
    assert (result.first_day, result.days, set(result.weekdays)) == (first_day, days, weekdays)


@pytest.mark.parametrize(
    ("question", "asks_what", "asks_when"),
    [
        ("and in Lyon?", False, False),
        ("and tomorrow?", False, True),
        ("what about the temperature?", True, False),
        ("Will it rain in Paris tomorrow?", True, True),
    ],
)
def test_what_and_when_said(question: str, asks_what: bool, asks_when: bool) -> None:
    result = plan(question)
    assert (result.asks_what, result.asks_when) == (asks_what, asks_when)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("in °F", "Fahrenheit"),
        ("72 F", "Fahrenheit"),
        ("℃", "Celsius"),
        ("degrees C", "Celsius"),
        ("摄氏", "Celsius"),
        ("Celsius, not Fahrenheit", "Celsius"),
        ("Fort Collins", None),
        ("Cape Cod", None),
    ],
)
def test_explicit_unit(text: str, unit: str | None) -> None:
    assert explicit_unit(text) == unit


WORDS = [
    "weather", "in", "Paris", ",", "TX", "and", "tomorrow", "rain", "?", "°F", "旧金山", "今天",
    "会下雨吗", "48.85,2.35", "São", "de", "the", "day", "after", "3", "days", "New", "York",
    "'s", "-", "。", "，", "CA", "for", "Springfield", "weekend", "星期", "十", "天", "of",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_plan_never_raises_on_any_text(text: str) -> None:
    result = plan(text)
    assert isinstance(result, Plan)
    assert all(place.strip() for place in result.places)
    assert 1 <= result.days <= MAX_DAYS
    assert 0 <= result.first_day < result.days


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25), st.sampled_from([" ", ""]))
def test_plan_never_raises_on_weather_like_text(words: list[str], joiner: str) -> None:
    result = plan(joiner.join(words))
    assert all(place.strip() for place in result.places)
    assert len(result.places) == len({" ".join(p.split()).casefold() for p in result.places})
    assert 1 <= result.days <= MAX_DAYS
