"""Advice worked out from the figures: umbrella, clothing, and which place is warmer or wetter.

The thresholds are ours, not a forecaster's, and the answer says so. Everything is decided in
Celsius and percent, whatever unit the answer shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weatherbot.offline.catalogue import N_
from weatherbot.offline.outputs import falls_kind
from weatherbot.offline.sky_answer import protection
from weatherbot.offline.writer import CHANCE

if TYPE_CHECKING:
    from weatherbot.offline.outputs import Output
    from weatherbot.offline.writer import Writer

UMBRELLA_YES = 50  # percent: take one
UMBRELLA_MAYBE = 25  # percent: a small one in the bag
SAME_TEMPERATURE_C = 1.0  # closer than this is "about as warm"
SAME_CHANCE = 10  # percentage points
WINDY_MS = 8.0  # a fresh breeze: something windproof
# Feels-like (or temperature) in °C at or below which each layer is advised, warmest first.
CLOTHING = (
    (0.0, N_("a warm coat, a hat and gloves")),
    (8.0, N_("a warm jacket")),
    (14.0, N_("a light jacket or a sweater")),
    (20.0, N_("a long-sleeved top or a light layer")),
    (26.0, N_("light clothes")),
)
HOT = N_("light, breathable clothes, and shade at midday")


def _celsius(value: Any, unit: Any) -> float | None:
    if not isinstance(value, int | float):
        return None
    return (float(value) - 32) * 5 / 9 if unit == "Fahrenheit" else float(value)


def _chance(writer: Writer, outputs: Sequence[Output]) -> float | None:
    """The chance of precipitation on the day(s) shown: today's, or the highest of the
    forecast days the answer lists."""
    for out in outputs:
        if out.error:
            continue
        if out.name == "get_rain_probability" and out.data.get("probability_percent") is not None:
            return float(out.data["probability_percent"])
        summary = out.data.get("summary") or {}
        if out.name == "get_hourly_forecast":
            chance = summary.get("precipitation_probability_max_percent")
            return float(chance) if isinstance(chance, int | float) else None
        if out.name == "get_forecast":
            chances = [
                float(row["precipitation_probability_percent"])
                for _, row in writer.selected_rows(out.data)
                if isinstance(row.get("precipitation_probability_percent"), int | float)
            ]
            if chances:
                return max(chances)
    return None


def _feel(writer: Writer, outputs: Sequence[Output]) -> tuple[float | None, float | None, Any]:
    """(feels-like or temperature in °C, wind in m/s, the unit shown) for clothing advice."""
    for out in outputs:
        if out.error:
            continue
        data = out.data
        unit = data.get("unit")
        if out.name == "get_current_conditions":
            feels = data.get("feels_like")
            value = _celsius(feels if feels is not None else data.get("temperature"), unit)
            wind = data.get("wind_speed_ms")
            return value, float(wind) if isinstance(wind, int | float) else None, unit
        if out.name == "get_current_temperature":
            return _celsius(data.get("temperature"), unit), None, unit
        if out.name == "get_hourly_forecast":
            # The night is dressed for its low, the hours of a day for their high.
            summary = data.get("summary") or {}
            key = "temperature_min" if data.get("part") == "tonight" else "temperature_max"
            return _celsius(summary.get(key), unit), None, unit
        if out.name == "get_forecast":
            rows = [r for r in data.get("days") or [] if isinstance(r, Mapping)]
            # Tonight is dressed for the low, a day for its high.
            key = "low" if writer.plan.days.tonight else "high"
            values = [r.get(key) for r in rows if r.get(key) is not None]
            if values:
                return _celsius(values[0], unit), None, unit
    return None, None, None


def _kind(writer: Writer, outputs: Sequence[Output]) -> str | None:
    """What falls on the days shown: rain, snow or sleet (None: the provider does not say);
    today's rain tool is about rain."""
    for out in outputs:
        if out.name == "get_hourly_forecast" and not out.error:
            return falls_kind((out.data.get("summary") or {}).get("precipitation_types"))
        if out.name == "get_forecast" and not out.error:
            kinds = {
                falls_kind(row.get("precipitation_types"), row.get("description"))
                for _, row in writer.selected_rows(out.data)
            }
            kinds.discard(None)
            return kinds.pop() if len(kinds) == 1 else None
    return "rain"


def _umbrella(writer: Writer, chance: float, kind: str | None) -> str:
    # The odds as the forecast above says them: "51% chance of snow", not "of rain".
    odds = writer._(CHANCE[kind], chance=writer.w.percent(chance))
    if chance >= UMBRELLA_YES:
        return writer._(N_("Umbrella: yes, take one ({odds})."), odds=odds)
    if chance >= UMBRELLA_MAYBE:
        return writer._(N_("Umbrella: a small one, just in case ({odds})."), odds=odds)
    return writer._(N_("Umbrella: probably not needed ({odds})."), odds=odds)


def _clothing(writer: Writer, feel: float, wind: float | None, chance: float | None) -> str:
    layer = next((text for limit, text in CLOTHING if feel <= limit), HOT)
    parts = [writer._(layer)]
    if chance is not None and chance >= UMBRELLA_YES:
        parts.append(writer._(N_("a raincoat or an umbrella")))
    if wind is not None and wind >= WINDY_MS:
        parts.append(writer._(N_("something windproof")))
    return writer._(N_("What to wear: {advice}."), advice=writer.w.clause_sep.join(parts))


def _compare(writer: Writer, per_place: Sequence[tuple[str, Sequence[Output]]]) -> list[str]:
    lines: list[str] = []
    temps = []
    for location, outputs in per_place:
        value, _, unit = _feel(
            writer, [o for o in outputs if o.name != "get_current_conditions"] or outputs
        )
        if value is None:
            value, _, unit = _feel(writer, outputs)
        temps.append((writer.short(location), value, unit))
    known = [(name, value, unit) for name, value, unit in temps if value is not None]
    plan = writer.plan
    if len(known) >= 2 and (plan.wants_temperature or plan.topics & {"warmer", "colder"}):
        ordered = sorted(known, key=lambda item: item[1], reverse=True)
        (warm, high, unit), (cold, low, _) = ordered[0], ordered[-1]
        difference = high - low
        if difference < SAME_TEMPERATURE_C:
            lines.append(
                writer._(N_("{a} and {b} are about as warm as each other."), a=warm, b=cold)
            )
        else:
            shown = difference * 9 / 5 if unit == "Fahrenheit" else difference
            by = writer.w.degrees(shown, unit)
            verdict = (
                N_("{colder} is colder than {warmer}, by {difference}.")
                if "colder" in plan.topics and "warmer" not in plan.topics
                else N_("{warmer} is warmer than {colder}, by {difference}.")
            )
            lines.append(writer._(verdict, colder=cold, warmer=warm, difference=by))
    chances = [(writer.short(loc), _chance(writer, outs)) for loc, outs in per_place]
    rainy = [(name, c) for name, c in chances if c is not None]
    if len(rainy) >= 2 and plan.topics & {"rain", "umbrella", "snow", "sleet"}:
        ordered_rain = sorted(rainy, key=lambda item: item[1], reverse=True)
        (wet, most), (dry, least) = ordered_rain[0], ordered_rain[-1]
        if most - least < SAME_CHANCE:
            lines.append(
                writer._(N_("The chance of rain is about the same in {a} and {b}."), a=wet, b=dry)
            )
        else:
            lines.append(
                writer._(
                    N_("Rain is likelier in {wetter} ({high}) than in {drier} ({low})."),
                    wetter=wet,
                    drier=dry,
                    high=writer.w.percent(most),
                    low=writer.w.percent(least),
                )
            )
    return lines


def lines(writer: Writer, per_place: Sequence[tuple[str, Sequence[Output]]]) -> list[str]:
    """The comparison and advice paragraphs the question asked for (none if it did not)."""
    plan = writer.plan
    out: list[str] = []
    if plan.compare or (len(per_place) > 1 and plan.topics & {"warmer", "colder"}):
        out += _compare(writer, per_place)
    advised: list[str] = []
    for location, outputs in per_place:
        # Named as the blocks above name it (the tool's resolved name), not as typed ("sydney").
        named = location.split(",")[0]
        prefix = f"**{named}**{writer.w.colon}" if len(per_place) > 1 else ""
        chance = _chance(writer, outputs)
        if "umbrella" in plan.topics and chance is not None:
            advised.append(prefix + _umbrella(writer, chance, _kind(writer, outputs)))
        if "clothing" in plan.topics:
            feel, wind, _ = _feel(writer, outputs)
            if feel is not None:
                advised.append(prefix + _clothing(writer, feel, wind, chance))
        sun = protection(writer, list(outputs))
        if sun:
            advised.append(prefix + sun)
    if advised:
        advised.append("_" + writer._(N_("(Advice worked out from the figures above.)")) + "_")
        out.append("\n\n".join(advised))  # one paragraph each: Markdown joins single lines
    return out
