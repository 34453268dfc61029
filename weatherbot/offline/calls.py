"""Which tools answer a plan: the calls a model would make for the same question.

Today's temperature and rain are the two seed tools; wind, humidity, sky, feels-like and
clothing need the current conditions; a part of today or tomorrow, a clock time, "tonight" and
when rain starts or stops need the hourly forecast; any other day, snow, and the sun, UV and
moon need the daily forecast (it tells what falls and has the sun's times); alerts and the air
are their own tools. A question asking for both an hourly thing and a daily one ("when does the
rain stop in Paris and what's the UV there") gets both tools, the hourly answer first.
"""

from __future__ import annotations

from weatherbot.offline.intent import (
    AIR_TOPICS,
    CONDITION_TOPICS,
    PRECIPITATION_TOPICS,
    SUN_TOPICS,
    Plan,
)

GENERAL = frozenset({"general", "compare", "warmer", "colder"})
# Asked with a part of the day, these are answered from the conditions or the daily forecast
# ("foggy this morning?"): the hourly answer tells rain, snow and temperatures.
NOT_HOURLY = SUN_TOPICS | (CONDITION_TOPICS - {"clothing"})
# What only the hours answer: when rain starts or stops; with a clock time or a part of the
# day, also what falls and how warm it is then.
STARTS_STOPS = frozenset({"starts", "stops"})
AT_AN_HOUR = STARTS_STOPS | PRECIPITATION_TOPICS | {"temperature", "clothing"}


def _uv_by_the_hour(plan: Plan) -> frozenset[str]:
    """{"uv"} when the UV is asked at a clock time ("uv at 1pm", "UV à midi"): the hourly rows
    have each hour's UV, the daily forecast only the day's highest."""
    hours = plan.hours
    return frozenset({"uv"}) if hours is not None and hours.start_time else frozenset()


def _hourly_and_daily(plan: Plan) -> bool:
    """Whether the question asks for hours (a stop time, rain at noon) and a day's figures
    (UV, sunset, another day, snow over days) together: each tool answers its own part."""
    hours, topics = plan.hours, plan.topics
    if hours is None or not topics & AT_AN_HOUR:
        return False
    daily = topics & SUN_TOPICS - _uv_by_the_hour(plan)
    days = plan.days
    # Days beyond the hours' own day ("snow this week, and when does it start?").
    return bool(daily) or days.first_day > hours.day or days.days - days.first_day > 1


def tool_names(plan: Plan) -> list[str]:
    """The tools to call for each place, in the order their answers are written."""
    topics = plan.topics
    names: list[str] = []
    if "alerts" in topics:
        names.append("get_weather_alerts")
        if not topics - GENERAL - {"alerts"} and not plan.days.said:
            return names  # "any weather warnings in Miami?" asks for nothing else
    if topics & AIR_TOPICS:
        names.append("get_air_quality")
        if not topics - AIR_TOPICS - {"alerts", "compare", "sky"}:
            return names  # "how is the air in Delhi?" (smog is a sky word too)
    days = plan.days
    if _hourly_and_daily(plan):
        return [*names, "get_hourly_forecast", "get_forecast"]
    if plan.hours is not None and not topics & (NOT_HOURLY - _uv_by_the_hour(plan)):
        return [*names, "get_hourly_forecast"]
    if not days.today_only or days.tonight or plan.wants_snow or topics & SUN_TOPICS:
        return [*names, "get_forecast"]
    if plan.wants_conditions:
        names.append("get_current_conditions")
        if topics & {"rain", "umbrella", "clothing"}:
            names.append("get_rain_probability")
        return names
    if plan.wants_temperature:
        names.append("get_current_temperature")
    if plan.general or topics & {"rain", "umbrella"}:
        names.append("get_rain_probability")
    return names or ["get_current_temperature", "get_rain_probability"]
