"""What a question asks for: the plan the offline planner makes and the writer answers from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from weatherbot.offline.hours import Hours
from weatherbot.offline.place_ref import PlaceRef
from weatherbot.offline.when import Days

Unit = Literal["Celsius", "Fahrenheit"]
# weather: look something up; no_place: a weather question without a place; social: greetings,
# thanks and questions that are not about the weather (answered without tools).
Kind = Literal["weather", "no_place", "social"]
Social = Literal["greeting", "thanks", "other"]

# What a question can ask about, beyond the plain temperature and rain of the seed question.
CONDITION_TOPICS = frozenset({"wind", "humidity", "sky", "feels_like", "clothing"})
# What the daily forecast's sun, UV and moon fields answer.
SUN_TOPICS = frozenset({"uv", "sunrise", "sunset", "daylight", "moon"})
# What get_air_quality answers.
AIR_TOPICS = frozenset({"air", "pollen"})
PRECIPITATION_TOPICS = frozenset({"rain", "umbrella", "snow", "sleet"})


@dataclass(frozen=True)
class Plan:
    """What a question asks for: places, topics, days, unit, language.

    `topics` are the language data's topic names the question used ("temperature", "rain",
    "wind", "umbrella", "clothing"...); an empty set asks for the weather in general.
    """

    places: list[PlaceRef] = field(default_factory=list)
    topics: frozenset[str] = frozenset()
    days: Days = field(default_factory=Days)
    unit: Unit | None = None
    language: str = "en"
    kind: Kind = "weather"
    social: Social | None = None
    compare: bool = False
    # Whether the question itself said what it asks about and when; a follow-up such as
    # "and in Lyon?" says neither and inherits them from the previous question.
    asks_what: bool = False
    # The hours asked about (a part of today or tomorrow, a clock time, the next hours), or
    # None for whole days.
    hours: Hours | None = None

    @property
    def general(self) -> bool:
        """Whether the weather in general is asked for (no particular topic)."""
        specific = self.topics - {"general", "compare", "greeting", "thanks"}
        return "general" in self.topics or not specific

    @property
    def wants_temperature(self) -> bool:
        """Whether temperatures belong in the answer."""
        return self.general or bool(
            self.topics & {"temperature", "warmer", "colder", "feels_like", "clothing"}
        )

    @property
    def wants_rain(self) -> bool:
        """Whether the chance of rain (or snow) belongs in the answer."""
        return self.general or bool(self.topics & (PRECIPITATION_TOPICS | {"clothing"}))

    @property
    def wants_conditions(self) -> bool:
        """Whether today's answer needs the current conditions (wind, sky, feels-like...)."""
        return bool(self.topics & CONDITION_TOPICS)

    @property
    def wants_snow(self) -> bool:
        """Whether snow or sleet is asked about (the forecast's descriptions tell them)."""
        return bool(self.topics & {"snow", "sleet"})
