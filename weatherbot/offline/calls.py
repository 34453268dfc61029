"""Which tools answer a plan: the calls a model would make for the same question.

Today's temperature and rain are the two seed tools; wind, humidity, sky, feels-like, UV and
clothing need the current conditions; any other day, snow and "tonight" need the daily
forecast (its descriptions tell snow from rain); alerts are their own tool.
"""

from __future__ import annotations

from weatherbot.offline.intent import Plan

GENERAL = frozenset({"general", "compare", "warmer", "colder"})


def tool_names(plan: Plan) -> list[str]:
    """The tools to call for each place, in the order their answers are written."""
    topics = plan.topics
    names: list[str] = []
    if "alerts" in topics:
        names.append("get_weather_alerts")
        if not topics - GENERAL - {"alerts"} and not plan.days.said:
            return names  # "any weather warnings in Miami?" asks for nothing else
    days = plan.days
    if not days.today_only or days.tonight or plan.wants_snow:
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
