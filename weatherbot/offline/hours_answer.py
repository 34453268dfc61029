"""The answer for a window of hours (get_hourly_forecast): which hours, the highest chance and
its hour, what falls, and when rain starts or stops."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from weatherbot.offline.catalogue import N_
from weatherbot.offline.outputs import Output, falls_kind, parse_date, parse_moment
from weatherbot.tools.sky import uv_category

if TYPE_CHECKING:
    from weatherbot.offline.writer import Writer

TODAY_PARTS = {
    "morning": N_("this morning"),
    "afternoon": N_("this afternoon"),
    "evening": N_("this evening"),
    "tonight": N_("tonight"),
    "whole_day": N_("today"),
}
TOMORROW_PARTS = {
    "morning": N_("tomorrow morning"),
    "afternoon": N_("tomorrow afternoon"),
    "evening": N_("tomorrow evening"),
    "tonight": N_("tomorrow night"),
    "whole_day": N_("tomorrow"),
}
# What falls, as a noun ("rain stops around 16:00").
NOUNS: dict[str | None, str] = {
    "rain": N_("rain"),
    "snow": N_("snow"),
    "sleet": N_("sleet or freezing rain"),
    "mixed": N_("rain or snow"),
    None: N_("rain or snow"),
}
# The tool's precipitation_types, in words.
TYPES = {
    "rain": N_("rain"),
    "drizzle": N_("drizzle"),
    "showers": N_("showers"),
    "snow": N_("snow"),
    "sleet": N_("sleet"),
    "freezing_rain": N_("freezing rain"),
    "hail": N_("hail"),
}

EVENING, MORNING = 18, 6  # tonight: from 18:00 until 06:00 the next morning, as the tool's parts
OUT_OF_RANGE = N_(
    "the hourly forecast does not cover those hours (they may be over there already, or too "
    "far ahead)"
)


def _clock(writer: Writer, value: Any) -> str:
    moment = parse_moment(value)
    return writer.w.clock(moment) if moment is not None else str(value)


def window(writer: Writer, data: Mapping[str, Any]) -> str:
    """ "this afternoon", "tomorrow afternoon", "from 18:00", "the next 24 hours"."""
    part = str(data.get("part") or "now")
    start, end = parse_moment(data.get("start")), parse_moment(data.get("end"))
    now = parse_moment(data.get("local_time"))
    day = parse_date(data.get("date"))
    tomorrow = bool(now and day and day > now.date())
    if part.startswith("from ") and start is not None and end is not None:
        # The window's both ends: "from 18:00" alone hides that it is three hours.
        hours = {"start": writer.w.clock(start), "end": writer.w.clock(end)}
        if tomorrow:
            return writer._(
                N_("{start}-{end} on {date}"), date=writer.w.date(start.date()), **hours
            )
        return writer._(N_("{start}-{end}"), **hours)
    if part == "now" and start is not None and end is not None:
        count = round((end - start) / timedelta(hours=1))
        return writer._(N_("the next {hours} hours"), hours=count)
    labels = TOMORROW_PARTS if tomorrow else TODAY_PARTS
    return writer._(labels.get(part, labels["whole_day"]))


def _moved(writer: Writer, location: str, data: Mapping[str, Any]) -> str | None:
    """Why the hours are tomorrow's, said once beside the window's name: "(this afternoon is
    over in London: 23:30 there)"."""
    if not data.get("window_note"):
        return None
    now = parse_moment(data.get("local_time"))
    part = str(data.get("part") or "")
    start = parse_moment(data.get("start"))
    values = {"place": writer.short(location), "time": writer.w.clock(now) if now else ""}
    if part.startswith("from ") and start is not None:
        return writer._(
            N_("{clock} has passed in {place}: {time} there"), clock=writer.w.clock(start), **values
        )
    today = writer._(TODAY_PARTS.get(part, TODAY_PARTS["whole_day"]))
    return writer._(N_("{today} is over in {place}: {time} there"), today=today, **values)


def _when(writer: Writer, value: Any, data: Mapping[str, Any]) -> str:
    """A time within the window with its day: "00:00 tonight", "13:00 tomorrow", "on <date>"."""
    moment, now = parse_moment(value), parse_moment(data.get("local_time"))
    if moment is None or now is None:
        return _clock(writer, value)
    time, ahead = writer.w.clock(moment), (moment.date() - now.date()).days
    if (ahead == 0 and moment.hour >= EVENING) or (ahead == 1 and moment.hour < MORNING):
        return writer._(N_("{time} tonight"), time=time)
    if ahead == 0:
        return writer._(N_("{time} today"), time=time)
    if ahead == 1:
        return writer._(N_("{time} tomorrow"), time=time)
    return writer._(N_("{time} on {date}"), time=time, date=writer.w.date(moment.date()))


def _starts_stops(writer: Writer, summary: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """Whether it is raining now and when that stops, or when it starts (and stops)."""
    what = writer._(NOUNS[falls_kind(summary.get("precipitation_types"))])
    end = _when(writer, data.get("end"), data)
    stops = summary.get("stops_at")
    if summary.get("wet_at_start"):
        if stops:
            time = _clock(writer, stops)
            return writer._(N_("{what} now, stopping around {time}"), what=what, time=time)
        return writer._(N_("{what} now, not forecast to stop before {time}"), what=what, time=end)
    if summary.get("starts_at"):
        start = _when(writer, summary["starts_at"], data)
        if stops:
            return writer._(
                N_("dry now; {what} from around {start} until around {stop}"),
                what=what,
                start=start,
                stop=_when(writer, stops, data),
            )
        return writer._(
            N_("dry now; {what} from around {start}, going on past {end}"),
            what=what,
            start=start,
            end=end,
        )
    return writer._(N_("dry now, and no rain or snow forecast before {time}"), time=end)


def _falls(writer: Writer, summary: Mapping[str, Any], data: Mapping[str, Any]) -> list[str]:
    """The highest chance and its hour, what falls and how much."""
    from weatherbot.offline.writer import CHANCE

    parts: list[str] = []
    chance = summary.get("precipitation_probability_max_percent")
    kind = falls_kind(summary.get("precipitation_types"))
    if chance is not None:
        odds = writer._(CHANCE[kind], chance=writer.w.percent(chance))
        at = summary.get("most_likely_at")
        if at and chance > 0:
            odds = writer._(N_("{odds} at most, around {time}"), odds=odds, time=_clock(writer, at))
        parts.append(odds)
    types = [writer._(TYPES[t]) for t in summary.get("precipitation_types") or [] if t in TYPES]
    if types:
        parts.append(writer._(N_("expected: {what}"), what=writer.w.join(types)))
    elif summary.get("wet_hours") == 0:
        parts.append(writer._(N_("no rain or snow expected")))
    total = summary.get("precipitation_total")
    if isinstance(total, int | float) and total > 0:
        symbol = "in" if data.get("precipitation_unit") == "inch" else "mm"
        parts.append(writer._(N_("{amount} in all"), amount=f"{writer.w.amount(total)} {symbol}"))
    snow = summary.get("snowfall_total")
    if isinstance(snow, int | float) and snow > 0:
        unit = data.get("snowfall_unit") or "cm"
        parts.append(writer._(N_("{amount} of snow"), amount=f"{writer.w.amount(snow)} {unit}"))
    return parts


def uv_part(writer: Writer, index: Any) -> str:
    """ "UV index up to 8.1 (very high)" for the hours shown, or that none is given."""
    if not isinstance(index, int | float):
        return writer._(N_("no UV index given"))
    return writer._(
        N_("UV index up to {index} ({category})"),
        index=writer.w.number(index),
        category=writer._(str(uv_category(float(index)))),
    )


def hours_block(writer: Writer, location: str, out: Output) -> str:
    """ "**Paris, France**, the next 24 hours: rain now, stopping around 16:00; ..." """
    data = out.data
    if out.error == "out_of_range":
        # A clock time today that is already over there (the hours start at "now").
        return writer.heading(location, [writer._(OUT_OF_RANGE)])
    if out.error:
        return writer.heading(location, [str(data.get("message") or out.error)])
    summary: Mapping[str, Any] = data.get("summary") or {}
    plan = writer.plan
    label = window(writer, data)
    moved = _moved(writer, location, data)
    if moved:
        label = writer.w.bracketed(label, moved)
    parts: list[str] = []
    if plan.topics & {"starts", "stops"}:
        parts.append(_starts_stops(writer, summary, data))
    uv = "uv" in plan.topics
    if plan.wants_rain or plan.topics & {"starts", "stops"} or not (plan.wants_temperature or uv):
        parts.append(writer.w.formats.list_sep.join(_falls(writer, summary, data)))
    if uv:
        parts.append(uv_part(writer, summary.get("uv_index_max")))
    low, high = summary.get("temperature_min"), summary.get("temperature_max")
    if (plan.wants_temperature or plan.general) and low is not None and high is not None:
        parts.append(
            writer._(
                N_("{low} to {high}"),
                low=writer.w.number(float(low)),
                high=writer.w.degrees(float(high), data.get("unit")),
            )
        )
    heading = writer._(N_("{place}, {day}"), place=f"**{location}**", day=label)
    body = writer.w.clause_sep.join(p for p in parts if p)
    return f"{heading}{writer.w.colon}{body}{writer.w.full_stop}"
