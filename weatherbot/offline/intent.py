"""What a question asks for: the plan the offline planner makes and the writer answers from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

When = Literal["today", "tomorrow", "days"]
Unit = Literal["Celsius", "Fahrenheit"]
Language = Literal["en", "zh"]

MAX_DAYS = 16  # what get_forecast accepts
WEEK = 7


@dataclass(frozen=True)
class Plan:
    """What a question asks for: which places, temperature and/or rain, when, unit, language.

    `days` is the forecast horizon counted from today (get_forecast's `days`); the answer shows
    days `first_day .. days - 1`, only those on `weekdays` (Monday = 0) when that is set.
    """

    places: list[str] = field(default_factory=list)
    wants_temperature: bool = True
    wants_rain: bool = True
    when: When = "today"
    days: int = 1
    first_day: int = 0
    weekdays: frozenset[int] = frozenset()
    unit: Unit | None = None
    language: Language = "en"
    # Whether the question itself said what (temperature/rain/weather) and when; a follow-up
    # such as "and in Lyon?" says neither and inherits them from the previous question.
    asks_what: bool = False
    asks_when: bool = False
