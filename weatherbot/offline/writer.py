"""The offline answer writer: tool results become an answer in the question's language.

One block per place (today's readings, or the forecast days asked about), then what compares
the places, short advice worked out from the figures, and the provenance lines: which provider,
which local time, and whether the numbers are recorded samples. Every sentence goes through
the catalogue (`catalogue.Words`), so the answer is in the question's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from weatherbot.offline.air_answer import air_parts
from weatherbot.offline.catalogue import N_, Words
from weatherbot.offline.intent import CONDITION_TOPICS, Plan
from weatherbot.offline.outputs import Output, falls_kind, parse_date, parse_moment
from weatherbot.offline.sky_answer import sun_facts
from weatherbot.offline.when import HORIZON, WEEK

# The providers' weather descriptions (WMO codes), so answers can say them in any language.
DESCRIPTIONS = (
    N_("clear sky"), N_("mainly clear"), N_("partly cloudy"), N_("overcast"), N_("fog"),
    N_("depositing rime fog"), N_("light drizzle"), N_("moderate drizzle"),
    N_("dense drizzle"), N_("light freezing drizzle"), N_("dense freezing drizzle"),
    N_("slight rain"), N_("moderate rain"), N_("heavy rain"), N_("light freezing rain"),
    N_("heavy freezing rain"), N_("slight snow"), N_("moderate snow"), N_("heavy snow"),
    N_("snow grains"), N_("slight rain showers"), N_("moderate rain showers"),
    N_("violent rain showers"), N_("slight snow showers"), N_("heavy snow showers"),
    N_("thunderstorm"), N_("thunderstorm with slight hail"), N_("thunderstorm with heavy hail"),
)  # fmt: skip
CHANCE: dict[str | None, str] = {
    "rain": N_("{chance} chance of rain"),
    "snow": N_("{chance} chance of snow"),
    "sleet": N_("{chance} chance of sleet or freezing rain"),
    "mixed": N_("{chance} chance of rain or snow"),
    None: N_("{chance} chance of precipitation"),
}


class Writer:
    """Writes the answer lines in one language from the parsed outputs."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.w = Words(plan.language)
        # Each place's name as the question wrote it, for comparisons ("Lisboa", not "Lisbon").
        self.short_names: dict[str, str] = {}

    def short(self, location: str) -> str:
        """A place's short name: as the question wrote it, or the first part of its name."""
        return self.short_names.get(location) or location.split(",")[0]

    def _(self, message: str, /, **values: object) -> str:
        """The message in the answer's language, with `values` filled in."""
        return self.w._(message, **values)

    def heading(self, location: str, parts: Sequence[str]) -> str:
        """ "**Paris, France**: part; part." """
        body = self.w.clause_sep.join(p for p in parts if p)
        return f"**{location}**{self.w.colon}{body}{self.w.full_stop}"

    def description(self, text: Any) -> str:
        """A provider's weather description, translated when the catalogue has it."""
        return self._(str(text)) if text else ""

    # -- failures --------------------------------------------------------------------------

    def failure(self, query: str, outputs: Sequence[Output], several: bool) -> str | None:
        """The line for a place that could not be looked up at all, or None."""
        for out in outputs:
            if out.error == "ambiguous":
                candidates = [str(c) for c in out.data.get("candidates") or []]
                if not candidates:
                    break
                text = self._(
                    N_("Which one do you mean: {candidates}?"),
                    candidates=self.w.clause_sep.join(candidates),
                )
                return f"**{query}**{self.w.colon}{text}" if several else text
            if out.error == "not_found":
                return self._(
                    N_("I could not find '{place}' — check the spelling or add a country."),
                    place=query,
                )
        if outputs and all(out.error for out in outputs):
            message = str(outputs[0].data.get("message") or outputs[0].error)
            return self.heading(query, [self._(N_("no data ({message})"), message=message)])
        return None

    # -- today -----------------------------------------------------------------------------

    def temperature_part(self, out: Output) -> str:
        """ "57.2 °F now", or the time of a recorded sample."""
        data = out.data
        if out.error:
            return str(data.get("message") or out.error)
        degrees = self.w.degrees(float(data.get("temperature") or 0), data.get("unit"))
        if data.get("temperature") is None:
            return self._(N_("no temperature given"))
        moment = parse_moment(data.get("time"))
        if data.get("sample_date") and moment is not None:
            return self._(
                N_("{temperature} at {time}"), temperature=degrees, time=self.w.time(moment)
            )
        return self._(N_("{temperature} now"), temperature=degrees)

    def rain_part(self, out: Output) -> str:
        """ "20% chance of rain today (2026-11-24)", or why there is no probability."""
        data = out.data
        if out.error:
            return str(data.get("message") or out.error)
        day = parse_date(data.get("date"))
        shown = self.w.date(day) if day else str(data.get("date"))
        probability = data.get("probability_percent")
        if probability is None:
            return self._(
                N_("{source} gives no probability of precipitation for {date}"),
                source=data.get("source"),
                date=shown,
            )
        chance = self.w.percent(probability)
        if data.get("sample_date"):
            return self._(N_("{chance} chance of rain on {date}"), chance=chance, date=shown)
        return self._(N_("{chance} chance of rain today ({date})"), chance=chance, date=shown)

    def conditions_parts(self, out: Output) -> list[str]:
        """Now: temperature, feels-like, humidity, wind and sky, as the question asked."""
        data = out.data
        if out.error:
            return [str(data.get("message") or out.error)]
        topics = self.plan.topics
        unit = data.get("unit")
        parts: list[str] = []
        temperature = data.get("temperature")
        if temperature is not None:  # the reading the other conditions go with
            degrees = self.w.degrees(float(temperature), unit)
            parts.append(self._(N_("{temperature} now"), temperature=degrees))
        feels = data.get("feels_like")
        if feels is not None and topics & {"feels_like", "clothing"}:
            degrees = self.w.degrees(float(feels), unit)
            parts.append(self._(N_("feels like {temperature}"), temperature=degrees))
        humidity = data.get("humidity_percent")
        if humidity is not None and "humidity" in topics:
            parts.append(self._(N_("humidity {percent}"), percent=self.w.percent(humidity)))
        wind = data.get("wind_speed")
        if wind is not None and topics & {"wind", "clothing"}:
            speed = f"{self.w.number(float(wind))} {data.get('wind_unit') or ''}".strip()
            parts.append(self._(N_("wind {speed}"), speed=speed))
        if data.get("description") and topics & {"sky", "uv", "wind", "humidity", "clothing"}:
            parts.append(self.description(data.get("description")))
        if not parts and data.get("description"):
            parts.append(self.description(data.get("description")))
        return parts

    def alerts_parts(self, out: Output) -> list[str]:
        """Active alerts, none, or that the provider has no alert data."""
        data = out.data
        if out.error:
            return [str(data.get("message") or out.error)]
        if not data.get("alerts_available"):
            return [
                self._(
                    N_(
                        "weather alerts are not available from {source} "
                        "(that does not mean there are none)"
                    ),
                    source=data.get("source"),
                )
            ]
        alerts = [a for a in data.get("alerts") or [] if isinstance(a, Mapping)]
        if not alerts:
            return [self._(N_("no active weather alerts"))]
        parts: list[str] = []
        for alert in alerts:
            event = str(alert.get("event") or alert.get("headline") or "")
            until = parse_moment(alert.get("expires"))
            if until is not None:
                parts.append(
                    self._(N_("{event} until {time}"), event=event, time=self.w.time(until))
                )
            else:
                parts.append(event)
        return parts

    def today(self, location: str, outputs: Sequence[Output]) -> str:
        """One line for today: the readings of each tool, in the order they were asked."""
        parts: list[str] = []
        for out in outputs:
            if out.name == "get_current_temperature":
                parts.append(self.temperature_part(out))
            elif out.name == "get_rain_probability":
                parts.append(self.rain_part(out))
            elif out.name == "get_current_conditions":
                parts.extend(self.conditions_parts(out))
            elif out.name == "get_weather_alerts":
                parts.extend(self.alerts_parts(out))
            elif out.name == "get_air_quality":
                parts.extend(air_parts(self, out))
        return self.heading(location, parts)

    # -- forecast --------------------------------------------------------------------------

    def day_facts(self, row: Mapping[str, Any], data: Mapping[str, Any]) -> str:
        """High/low and/or precipitation for one row of the forecast output `data`."""
        unit = data.get("unit")
        rain_unit = data.get("precipitation_unit") or "mm"
        facts: list[str] = []
        description = row.get("description")
        # What falls, from the tool's types ("chance of snow" when snow is what falls).
        kind = falls_kind(row.get("precipitation_types"), description)
        # Wind, humidity... are not in the daily forecast: such a question gets the whole day.
        whole_day = self.plan.general or bool(self.plan.topics & CONDITION_TOPICS)
        if description and (whole_day or self.plan.wants_snow or "sky" in self.plan.topics):
            text = self.description(description)
            facts.append(text[:1].upper() + text[1:])  # not capitalize(): German nouns keep theirs
        if self.plan.wants_temperature or whole_day:
            low, high = row.get("low"), row.get("high")
            if low is not None and high is not None:
                facts.append(
                    self._(
                        N_("{low} to {high}"),
                        low=self.w.number(float(low)),
                        high=self.w.degrees(float(high), unit),
                    )
                )
            elif high is not None:
                facts.append(
                    self._(N_("high {temperature}"), temperature=self.w.degrees(high, unit))
                )
            elif low is not None:
                facts.append(self._(N_("low {temperature}"), temperature=self.w.degrees(low, unit)))
            else:
                facts.append(self._(N_("no temperatures given")))
        if self.plan.wants_rain or whole_day:
            probability = row.get("precipitation_probability_percent")
            # The tool already converted the amount to the user's precipitation unit.
            amount = row.get("precipitation", row.get("precipitation_mm"))
            if probability is None:
                facts.append(self._(N_("no probability of precipitation given")))
            else:
                facts.append(self._(CHANCE[kind], chance=self.w.percent(probability)))
            if amount is not None:
                symbol = "in" if rain_unit == "inch" else "mm"
                facts.append(f"{self.w.amount(float(amount))} {symbol}")
            snow = row.get("snowfall")
            if isinstance(snow, int | float) and snow > 0:
                shown = f"{self.w.amount(float(snow))} {data.get('snowfall_unit') or 'cm'}"
                facts.append(self._(N_("{amount} of snow"), amount=shown))
        facts += sun_facts(self, row)
        return self.w.formats.list_sep.join(facts)

    def selected_rows(self, data: Mapping[str, Any]) -> list[tuple[date, Mapping[str, Any]]]:
        """The forecast rows asked about (tomorrow, the weekend, the first of each weekday)."""
        today = parse_date(data.get("today"))
        days = self.plan.days
        rows: list[tuple[date, Mapping[str, Any]]] = []
        seen_weekdays: set[int] = set()
        monday = today + timedelta(days=WEEK - today.weekday()) if today else None
        for row in data.get("days") or []:
            when = parse_date(row.get("date")) if isinstance(row, Mapping) else None
            if when is None or today is None:
                continue
            if (when - today).days < days.first_day:
                continue
            if days.next_week and monday and not monday <= when < monday + timedelta(days=WEEK):
                continue
            if days.weekdays:
                if when.weekday() not in days.weekdays or when.weekday() in seen_weekdays:
                    continue
                seen_weekdays.add(when.weekday())
            rows.append((when, row))
        return rows

    def day_label(self, when: date, data: Mapping[str, Any], relative: bool = True) -> str:
        """ "tomorrow (2026-11-25)" for live data, the date with its weekday otherwise."""
        today = parse_date(data.get("today"))
        live = not data.get("sample_date")
        if relative and live and today is not None:
            offset = (when - today).days
            if offset == 0 and self.plan.days.tonight:
                return self._(N_("tonight ({date})"), date=self.w.date(when))
            if offset == 0:
                return self._(N_("today ({date})"), date=self.w.date(when))
            if offset == 1:
                return self._(N_("tomorrow ({date})"), date=self.w.date(when))
        return self.w.day(when)

    def forecast(self, location: str, out: Output) -> str:
        """One line for a single day, or a short list for several."""
        data = out.data
        if out.error:
            return self.heading(location, [str(data.get("message") or out.error)])
        rows = self.selected_rows(data)
        if not rows and self.plan.days.beyond is not None and data.get("days"):
            # Past the horizon of a shorter forecast (MET's 10 days): its last day, said so.
            last = data["days"][-1]
            when = parse_date(last.get("date")) if isinstance(last, Mapping) else None
            rows = [(when, last)] if when is not None else []
        if not rows:
            return self.heading(location, [self.missing_days(data)])
        if len(rows) == 1:
            when, row = rows[0]
            label = self.day_label(when, data)
            facts = self.day_facts(row, data)
            heading = self._(N_("{place}, {day}"), place=f"**{location}**", day=label)
            return f"{heading}{self.w.colon}{facts}{self.w.full_stop}"
        colon = self.w.colon.rstrip() if self.w.colon.strip() else self.w.colon
        lines = [f"**{location}**{colon}"]
        for when, row in rows:
            label = self.day_label(when, data, relative=False)
            lines.append(f"- {label}{self.w.colon}{self.day_facts(row, data)}")
        # A sentence after a list needs a blank line: in Markdown it would join the last item.
        if self.plan.wants_snow:
            lines += ["", self.snow_days(rows, data)]
        covered = len(data.get("days") or [])
        days = self.plan.days
        if covered < days.days and days.beyond is None and not days.weekdays:
            # "The next 12 days" from a provider with a 7-day forecast: say so, not silently 7.
            lines.append("")
            lines.append(
                self._(
                    N_(
                        "The forecast from {source} covers {covered} of the {asked} days asked for."
                    ),
                    source=data.get("source"),
                    covered=covered,
                    asked=days.days,
                )
            )
        return "\n".join(lines)

    def snow_days(self, rows: Sequence[tuple[date, Mapping[str, Any]]], data: Any) -> str:
        """Which of the days listed have snow, and how much."""
        unit = data.get("snowfall_unit") or "cm"
        snowy: list[str] = []
        for when, row in rows:
            amount = row.get("snowfall")
            if isinstance(amount, int | float) and amount > 0:
                shown = f"{self.w.amount(float(amount))} {unit}"
            elif "snow" in (row.get("precipitation_types") or []):
                # Some providers name the snow but give no amount: it is still a snow day.
                shown = self._(N_("amount not given"))
            else:
                continue
            snowy.append(self.w.bracketed(self.w.day(when), shown))
        if not snowy:
            return self._(N_("No snow forecast on these days."))
        return self._(N_("Snow on {days}."), days=self.w.join(snowy))

    def missing_days(self, data: Mapping[str, Any]) -> str:
        """Say plainly that the provider's forecast does not reach the days asked about."""
        return self._(
            N_("the forecast from {source} ({covered} days) does not reach the days asked about"),
            source=data.get("source"),
            covered=len(data.get("days") or []),
        )

    def beyond(self, outputs: Sequence[Output]) -> str | None:
        """When the question asked past the horizon: where the forecast ends, and that the day
        shown is its last one (not the day asked for)."""
        days = self.plan.days
        if days.beyond is None:
            return None
        ends: list[tuple[date, date]] = []
        for out in outputs:
            if out.name == "get_forecast" and not out.error and out.data.get("days"):
                today, last = parse_date(out.data.get("today")), out.data["days"][-1]
                when = parse_date(last.get("date")) if isinstance(last, Mapping) else None
                if today is not None and when is not None:
                    ends.append((when, today))
        if not ends:
            return None
        when, today = min(ends)
        values = {
            "asked": days.beyond,
            "horizon": HORIZON,
            "date": self.w.date(when),
            "ahead": (when - today).days,
        }
        if days.first_day > 0:
            return self._(
                N_(
                    "{asked} days ahead is past the end of the forecast (forecasts reach "
                    "{horizon} days at most): it ends on {date}, {ahead} days ahead, and this "
                    "is the last day it has."
                ),
                **values,
            )
        return self._(
            N_(
                "Forecasts reach {horizon} days at most, not {asked}: this one ends on {date}, "
                "{ahead} days ahead."
            ),
            **values,
        )
