"""Sun, UV and moon facts for a forecast day, and the sun-protection advice.

The UV categories are the WHO's, as get_forecast gives them, and the advice follows the WHO's
words for each: low needs little, moderate and above need protection (at "moderate" shade at
midday and sunscreen; from "high" on the full kit). The category decides, not a threshold of
our own, so the advice never contradicts the category printed beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from weatherbot.offline.catalogue import N_
from weatherbot.offline.outputs import parse_moment
from weatherbot.tools.sky import uv_category

if TYPE_CHECKING:
    from weatherbot.offline.outputs import Output
    from weatherbot.offline.writer import Writer

# The tools' category words (UV, US AQI, European AQI), so answers can say them in any language.
CATEGORIES = (
    N_("low"), N_("moderate"), N_("high"), N_("very high"), N_("extreme"), N_("good"),
    N_("unhealthy for sensitive groups"), N_("unhealthy"), N_("very unhealthy"),
    N_("hazardous"), N_("fair"), N_("poor"), N_("very poor"), N_("extremely poor"),
)  # fmt: skip
PHASES = (
    N_("new moon"), N_("waxing crescent"), N_("first quarter"), N_("waxing gibbous"),
    N_("full moon"), N_("waning gibbous"), N_("last quarter"), N_("waning crescent"),
)  # fmt: skip


def _time(writer: Writer, value: Any) -> str | None:
    moment = parse_moment(value)
    return writer.w.clock(moment) if moment is not None else None


# (key, its time, none given) for sunrise and sunset.
SUN_TIMES = (
    ("sunrise", N_("sunrise {time}"), N_("no sunrise time given")),
    ("sunset", N_("sunset {time}"), N_("no sunset time given")),
)
# A day of no daylight or of all of it has no sunrise or sunset (the tool sends null): said
# as what it is, not as a time the provider failed to give.
POLAR_NIGHT = N_("the sun does not rise that day (polar night)")
MIDNIGHT_SUN = N_("the sun does not set that day (midnight sun)")
FULL_DAY_H = 23.9


def _polar(writer: Writer, row: Mapping[str, Any]) -> str | None:
    hours = row.get("daylight_hours")
    if not isinstance(hours, int | float) or row.get("sunrise") or row.get("sunset"):
        return None
    if hours == 0:
        return writer._(POLAR_NIGHT)
    return writer._(MIDNIGHT_SUN) if hours >= FULL_DAY_H else None


def sun_facts(writer: Writer, row: Mapping[str, Any]) -> list[str]:
    """What the question asks of the sun, UV and moon for one forecast day."""
    topics = writer.plan.topics
    facts: list[str] = []
    polar = _polar(writer, row)
    if polar and topics & {"sunrise", "sunset", "daylight"}:
        facts.append(polar)
    for key, given, missing in SUN_TIMES:
        if key in topics and not polar:
            shown = _time(writer, row.get(key))
            facts.append(writer._(given, time=shown) if shown else writer._(missing))
    if "daylight" in topics:
        hours = row.get("daylight_hours")
        if isinstance(hours, int | float):
            facts.append(writer._(N_("{hours} h of daylight"), hours=writer.w.number(hours)))
            for key, given, _ in SUN_TIMES:
                shown = _time(writer, row.get(key))
                if shown and key not in topics:
                    facts.append(writer._(given, time=shown))
    if "moon" in topics and row.get("moon_phase"):
        facts.append(
            writer._(
                N_("moon: {phase} ({percent} lit)"),
                phase=writer._(str(row["moon_phase"])),
                percent=writer.w.percent(float(row.get("moon_illumination_percent") or 0)),
            )
        )
    if "uv" in topics:
        index = row.get("uv_index_max")
        if isinstance(index, int | float):
            facts.append(
                writer._(
                    N_("UV index up to {index} ({category})"),
                    index=writer.w.number(index),
                    category=writer._(str(row.get("uv_category") or "")),
                )
            )
        else:
            facts.append(writer._(N_("no UV index given")))
    return facts


def protection(writer: Writer, outputs: list[Output]) -> str | None:
    """ "Sun protection: ..." when a day asked about reaches UV high or above."""
    if "uv" not in writer.plan.topics:
        return None
    worst: tuple[float, str] | None = None
    names = {out.name for out in outputs}
    for out in outputs:
        if out.name == "get_hourly_forecast" and not out.error and "get_forecast" not in names:
            # UV at a clock time: the highest of the hours shown.
            index = (out.data.get("summary") or {}).get("uv_index_max")
            if isinstance(index, int | float):
                worst = (float(index), uv_category(float(index)) or "")
        if out.name != "get_forecast" or out.error:
            continue
        for _, row in writer.selected_rows(out.data):
            index = row.get("uv_index_max")
            if isinstance(index, int | float) and (worst is None or index > worst[0]):
                worst = (float(index), str(row.get("uv_category") or ""))
    if worst is None:
        return None
    index, category = writer.w.number(worst[0]), writer._(worst[1])
    if worst[1] == "low":
        return writer._(
            N_("Sun protection: little needed (UV {index}, {category})."),
            index=index,
            category=category,
        )
    if worst[1] == "moderate":
        return writer._(
            N_(
                "Sun protection: advised (UV {index}, {category}): shade around midday and "
                "sunscreen."
            ),
            index=index,
            category=category,
        )
    return writer._(
        N_(
            "Sun protection: yes (UV {index}, {category}): sunscreen SPF 30 or more, a hat and "
            "sunglasses, and shade around midday."
        ),
        index=index,
        category=category,
    )
