"""Which hours a question asks about: a part of the day, a clock time, or the next hours.

The words are the language data's `[parts]` (parts of a day and clock-time patterns); the
hours themselves are get_hourly_forecast's, defined once in `weatherbot.tools.hourly`. Only
today and tomorrow have parts here: any other day is answered from the daily forecast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from weatherbot.offline.language import Language
from weatherbot.offline.matching import fold
from weatherbot.offline.when import Days, outermost

# How far "when does the rain stop / start" looks: a day of hours.
STARTS_STOPS_HOURS = 24
# A clock time written with digits, in any language: "18:00", "18h30", "6.30".
_CLOCK = re.compile(r"(?<![\d.:])([01]?\d|2[0-3])[:h]([0-5]\d)(?![\d])")
# Parts in order of precedence when a question names several ("tonight" over "evening").
_PRECEDENCE = ("next_hours", "tonight", "evening", "afternoon", "morning")


@dataclass(frozen=True)
class Hours:
    """get_hourly_forecast's window: `part` of `day` (0 today, 1 tomorrow), or from a time."""

    part: str = "now"
    day: int = 0
    start_time: str | None = None
    hours: int | None = None

    @property
    def day_word(self) -> str:
        """The tool's `day` argument."""
        return "tomorrow" if self.day == 1 else "today"


def _clock_word(text: str, languages: Sequence[Language]) -> str | None:
    """ "12:00" for "noon", "Mittag", "正午"; "00:00" for "midnight", "午夜"; None without one.
    A word inside a longer part of the day or weather word is not one: "before noon" is the
    morning, "Nachmittag" the afternoon, 昼の長さ the length of the day."""
    found: list[tuple[str, int, int]] = []
    for language in languages:
        for time, words in language.clock_words.items():
            found += [(time, a, b) for a, b in words.find(text).spans]
        for kind, words in [*language.parts.items(), *language.topics.items()]:
            found += [(kind, a, b) for a, b in words.find(text).spans]
    named = outermost(found)
    return next((time for time in ("12:00", "00:00") if time in named), None)


def _clock(text: str, languages: Sequence[Language]) -> str | None:
    """ "HH:00" from "at 6 pm", "um 18 Uhr", "à 18h", "18時", "下午6点", "noon"; None without
    one. The words come first: 半夜12点 is midnight, whatever its "12点" says alone."""
    word = _clock_word(text, languages)
    if word is not None:
        return word
    for language in languages:
        for kind in ("pm", "am", "clock"):
            for pattern in language.clocks[kind]:
                hour = pattern.search(text)
                if hour is None or not 0 <= hour <= 24:
                    continue
                if kind == "clock" and not re.search(r"\d", text):
                    # A bare "{n}点"/"{n}時" in words is no time: 冷一点 is "a bit colder",
                    # 一時的 "for a while"; a time with am/pm words is one whatever its digits.
                    continue
                if kind == "pm" and hour < 12:
                    hour += 12
                elif kind == "am" and hour == 12:
                    hour = 0
                return f"{hour % 24:02d}:00"
    match = _CLOCK.search(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _part(text: str, languages: Sequence[Language]) -> str | None:
    found: list[tuple[str, int, int]] = []
    for language in languages:
        for part, words in language.parts.items():
            found += [(part, a, b) for a, b in words.find(text).spans]
        # "Boa noite", "good morning": a part of the day inside a greeting is no window.
        found += [("greeting", a, b) for a, b in language.topics["greeting"].find(text).spans]
    named = outermost(found)
    return next((part for part in _PRECEDENCE if part in named), None)


def _hours_ahead(text: str, languages: Sequence[Language]) -> int | None:
    for language in languages:
        for pattern in language.clocks["hours_ahead"]:
            count = pattern.search(text)
            if count is not None and count > 0:
                return count
    return None


def read_hours(
    question: str, languages: Sequence[Language], days: Days, topics: frozenset[str] | set[str]
) -> tuple[Hours | None, Days]:
    """The hours `question` asks about (None: whole days), and the days, corrected where
    "the next few hours" read as "the next 3 days"."""
    text = fold(question)
    ahead = _hours_ahead(text, languages)
    if ahead is not None or _part(text, languages) == "next_hours":
        return Hours("now", 0, hours=ahead), Days(0, 1, said=True)
    return _window(text, languages, days, topics), days


def _window(
    text: str, languages: Sequence[Language], days: Days, topics: frozenset[str] | set[str]
) -> Hours | None:
    if days.first_day > 1 or days.days - days.first_day > 1 or days.weekdays:
        if days.first_day == 0 and not days.weekdays and topics & {"starts", "stops"}:
            # "Snow this week, and when does it start?": the start is in the coming hours,
            # the days in the daily forecast (both tools are called).
            return Hours("now", 0, hours=STARTS_STOPS_HOURS)
        return None  # hours are today's or tomorrow's; other days have the daily forecast
    day = days.first_day
    start = _clock(text, languages)
    if start is not None:
        if start == "00:00" and day == 0:
            day = 1  # today's 00:00 is always over: "at midnight" is tonight's, tomorrow's first
        return Hours("now", day, start_time=start)
    part = _part(text, languages)
    if part is None and days.tonight:
        part = "tonight"
    if part is not None:
        return Hours(part, day)
    if topics & {"starts", "stops"}:
        # "When will the rain stop?": from now today (the whole of tomorrow), a day of hours.
        if day == 0:
            return Hours("now", 0, hours=STARTS_STOPS_HOURS)
        return Hours("whole_day", day)
    return None
