"""Sun, UV and moon in words: UV categories, daylight, and the moon's phase by astronomy.

The moon's phase is the same everywhere on Earth at one instant, so it is computed here for
every provider (from the mean synodic month: within about half a day of the true phase)
rather than taken from the few providers that send it.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time

# A new moon (2000-01-06 18:14 UTC) and the mean length of a lunation in days.
_NEW_MOON = datetime(2000, 1, 6, 18, 14, tzinfo=UTC)
SYNODIC_DAYS = 29.530588853
_PHASES = (
    "new moon",
    "waxing crescent",
    "first quarter",
    "waxing gibbous",
    "full moon",
    "waning gibbous",
    "last quarter",
    "waning crescent",
)


def moon_age(moment: datetime) -> float:
    """Days since the last new moon at `moment` (0 to 29.53)."""
    days = (moment - _NEW_MOON).total_seconds() / 86_400
    return days % SYNODIC_DAYS


def moon_phase(day: date) -> tuple[str, int]:
    """The phase's name and the lit share of the disc (%) at noon UTC of `day`."""
    age = moon_age(datetime.combine(day, time(12), tzinfo=UTC))
    # Eight named phases, each centred on its moment (new moon covers ±1.85 days).
    index = int((age / SYNODIC_DAYS) * 8 + 0.5) % 8
    illumination = (1 - math.cos(2 * math.pi * age / SYNODIC_DAYS)) / 2
    return _PHASES[index], round(illumination * 100)


# The WHO's UV index categories (Global Solar UV Index, 2002).
_UV = ((3.0, "low"), (6.0, "moderate"), (8.0, "high"), (11.0, "very high"))


def uv_category(index: float | None) -> str | None:
    """low (0-2), moderate (3-5), high (6-7), very high (8-10), extreme (11+)."""
    if index is None:
        return None
    rounded = round(index)
    return next((name for top, name in _UV if rounded < top), "extreme")


def daylight_hours(seconds: float | None) -> float | None:
    """A daylight duration in hours, one decimal."""
    return None if seconds is None else round(seconds / 3600, 1)


# The US EPA's AQI categories (0-500) and the European Environment Agency's index bands
# as Open-Meteo documents its european_aqi (0-20 good ... above 100 extremely poor).
_US_AQI = (
    (50, "good"),
    (100, "moderate"),
    (150, "unhealthy for sensitive groups"),
    (200, "unhealthy"),
    (300, "very unhealthy"),
)
_EU_AQI = ((20, "good"), (40, "fair"), (60, "moderate"), (80, "poor"), (100, "very poor"))


def us_aqi_category(index: float | None) -> str | None:
    """The EPA's words for a US AQI value; "hazardous" above 300."""
    if index is None:
        return None
    return next((name for top, name in _US_AQI if round(index) <= top), "hazardous")


def european_aqi_category(index: float | None) -> str | None:
    """The EEA's words for a European AQI value; "extremely poor" above 100."""
    if index is None:
        return None
    return next((name for top, name in _EU_AQI if round(index) <= top), "extremely poor")
