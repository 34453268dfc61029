"""The offline answer writer: templates turn tool results into an answer in English or Chinese.

One block per place (today's temperature and rain, or the forecast days asked about), then the
provenance lines: which provider, which local time, and whether the numbers are recorded samples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from weatherbot.offline.intent import Language, Plan
from weatherbot.text_safety import markdown_literal
from weatherbot.tools.execute import ToolResult

NO_PLACE = {
    "en": 'Which place do you mean? Ask again with a city, e.g. "Will it rain in London tomorrow?"',
    "zh": "请告诉我要查询的地点，例如：“伦敦明天会下雨吗？”",
}
TOO_MANY_PLACES = {
    "en": "I looked up the first {n} places only; ask again for the others.",
    "zh": "只查询了前 {n} 个地点，其余的请再问一次。",
}
WEEKDAY_SHORT = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


@dataclass(frozen=True)
class _Output:
    """One tool result, parsed."""

    name: str
    data: Mapping[str, Any]

    @property
    def error(self) -> str | None:
        code = self.data.get("error")
        return code if isinstance(code, str) else None


def _parse(result: ToolResult) -> _Output:
    # The tool's own value, never its JSON text parsed again (ToolResult keeps both).
    data: Mapping[str, Any] = (
        result.value
        if result.value is not None
        else {"error": "bad_output", "message": result.output}
    )
    return _Output(result.name, _literal(data))


def _literal(value: Any, key: str = "") -> Any:
    """Every string in a tool's value as Markdown that shows it as written (names, messages,
    notes come from providers); the error code stays a code."""
    if isinstance(value, str):
        return value if key == "error" else markdown_literal(value)
    if isinstance(value, Mapping):
        return {k: _literal(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_literal(v) for v in value]
    return value


def _degrees(value: Any, unit: Any) -> str:
    symbol = "°F" if unit == "Fahrenheit" else "°C"
    return f"{float(value):.1f} {symbol}"


def _local_time(value: Any) -> str:
    """An ISO timestamp as "2026-11-24 14:30" (the place's local time, as the tool gives it)."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


class _Writer:
    """Writes the answer lines in one language from the parsed outputs."""

    def __init__(self, language: Language, turn: Plan) -> None:
        self.zh = language == "zh"
        self.language: Language = language
        self.plan = turn

    # -- failures --------------------------------------------------------------------------

    def failure(self, query: str, outputs: Sequence[_Output], several: bool) -> str | None:
        """The line for a place that could not be looked up at all, or None."""
        for out in outputs:
            if out.error == "ambiguous":
                candidates = [str(c) for c in out.data.get("candidates") or []]
                if not candidates:
                    break
                listed = "; ".join(candidates)
                text = (
                    f"你指的是哪一个：{listed}？"
                    if self.zh
                    else f"Which one do you mean: {listed}?"
                )
                return f"**{query}**: {text}" if several and not self.zh else text
            if out.error == "not_found":
                if self.zh:
                    return f"找不到“{query}”，请检查拼写或加上国家。"
                return f"I could not find '{query}' — check the spelling or add a country."
        if outputs and all(out.error for out in outputs):
            message = str(outputs[0].data.get("message") or outputs[0].error)
            if self.zh:
                return f"**{query}**：无法获取数据（{message}）。"
            return f"**{query}**: no data ({message})."
        return None

    # -- today -----------------------------------------------------------------------------

    def temperature_part(self, out: _Output) -> str:
        """ "57.2 °F now", or the time of a recorded sample, or the tool's error."""
        data = out.data
        if out.error:
            return str(data.get("message") or out.error)
        degrees = _degrees(data.get("temperature"), data.get("unit"))
        if data.get("sample_date"):
            when = _local_time(data.get("time"))
            return f"{when} 为 {degrees}" if self.zh else f"{degrees} at {when}"
        return f"现在 {degrees}" if self.zh else f"{degrees} now"

    def rain_part(self, out: _Output) -> str:
        """ "20% chance of rain today (2026-11-24)", or why there is no probability."""
        data = out.data
        if out.error:
            return str(data.get("message") or out.error)
        day = str(data.get("date"))
        probability = data.get("probability_percent")
        if probability is None:
            source = data.get("source")
            if self.zh:
                return f"{source} 没有给出这一天（{day}）的降水概率"
            return str(data.get("message") or f"{source} gives no probability") + f" ({day})"
        if data.get("sample_date"):
            if self.zh:
                return f"{day} 降水概率 {probability}%"
            return f"{probability}% chance of rain on {day}"
        return (
            f"今天（{day}）降水概率 {probability}%"
            if self.zh
            else f"{probability}% chance of rain today ({day})"
        )

    def today(self, location: str, outputs: Sequence[_Output]) -> str:
        """One line: current temperature and/or today's rain probability."""
        parts = [
            self.temperature_part(o) if o.name == "get_current_temperature" else self.rain_part(o)
            for o in outputs
        ]
        if self.zh:
            return f"**{location}**：" + "；".join(parts) + "。"
        return f"**{location}**: " + "; ".join(parts) + "."

    # -- forecast --------------------------------------------------------------------------

    def day_facts(self, row: Mapping[str, Any], unit: Any, rain_unit: Any = "mm") -> str:
        """High/low and/or rain for one forecast row."""
        facts: list[str] = []
        description = row.get("description")
        if description and not self.zh and self.plan.wants_temperature and self.plan.wants_rain:
            facts.append(str(description))
        if self.plan.wants_temperature:
            low, high = row.get("low"), row.get("high")
            symbol = "°F" if unit == "Fahrenheit" else "°C"
            if low is not None and high is not None:
                between = " 至 " if self.zh else " to "
                facts.append(f"{float(low):.1f}{between}{float(high):.1f} {symbol}")
            elif high is not None:
                facts.append(("最高 " if self.zh else "high ") + _degrees(high, unit))
            elif low is not None:
                facts.append(("最低 " if self.zh else "low ") + _degrees(low, unit))
            else:
                facts.append("没有温度数据" if self.zh else "no temperatures given")
        if self.plan.wants_rain:
            probability = row.get("precipitation_probability_percent")
            # The tool already converted the amount to the user's precipitation unit.
            amount = row.get("precipitation", row.get("precipitation_mm"))
            if probability is None:
                facts.append("没有降水概率" if self.zh else "no probability of precipitation given")
            else:
                facts.append(
                    f"降水概率 {probability}%" if self.zh else f"{probability}% chance of rain"
                )
            if amount is not None:
                facts.append(f"{float(amount):g} {'in' if rain_unit == 'inch' else 'mm'}")
        return ("，" if self.zh else ", ").join(facts)

    def selected_rows(self, data: Mapping[str, Any]) -> list[tuple[date, Mapping[str, Any]]]:
        """The forecast rows the question asked about (tomorrow, the weekend, the next days)."""
        today = _parse_date(data.get("today"))
        rows: list[tuple[date, Mapping[str, Any]]] = []
        for row in data.get("days") or []:
            when = _parse_date(row.get("date")) if isinstance(row, Mapping) else None
            if when is None or today is None:
                continue
            if (when - today).days < self.plan.first_day:
                continue
            if self.plan.weekdays and when.weekday() not in self.plan.weekdays:
                continue
            rows.append((when, row))
        return rows

    def day_label(self, when: date, data: Mapping[str, Any], relative: bool = True) -> str:
        """ "tomorrow (2026-11-25)" for live data, the plain date with its weekday otherwise."""
        weekday = WEEKDAY_SHORT[self.language][when.weekday()]
        today = _parse_date(data.get("today"))
        live = not data.get("sample_date")
        if relative and live and today is not None and (when - today).days == 1:
            return f"明天（{when.isoformat()}）" if self.zh else f"tomorrow ({when.isoformat()})"
        return f"{when.isoformat()}（{weekday}）" if self.zh else f"{when.isoformat()} ({weekday})"

    def forecast(self, location: str, out: _Output) -> str:
        """One line for a single day, or a short list for several."""
        data = out.data
        rows = self.selected_rows(data)
        if not rows:
            return f"**{location}**{'：' if self.zh else ': '}{self.missing_days(data)}"
        unit = data.get("unit")
        rain_unit = data.get("precipitation_unit") or "mm"
        if len(rows) == 1:
            when, row = rows[0]
            label = self.day_label(when, data)
            if self.zh:
                return f"**{location}** {label}：{self.day_facts(row, unit, rain_unit)}。"
            return f"**{location}**, {label}: {self.day_facts(row, unit, rain_unit)}."
        colon = "：" if self.zh else ": "
        lines = [f"**{location}**{colon.strip()}"]
        for when, row in rows:
            label = self.day_label(when, data, relative=False)
            lines.append(f"- {label}{colon}{self.day_facts(row, unit, rain_unit)}")
        return "\n".join(lines)

    def missing_days(self, data: Mapping[str, Any]) -> str:
        """Say plainly that the provider's forecast does not reach the days asked about."""
        source = data.get("source")
        covered = len(data.get("days") or [])
        if self.zh:
            return f"{source} 的预报（{covered} 天）不包括所问的日子。"
        return f"{source}'s forecast ({covered} days) does not cover the days you asked about."

    # -- provenance ------------------------------------------------------------------------

    def provenance(self, per_place: Sequence[tuple[str, Sequence[_Output]]]) -> list[str]:
        """Which provider and which (local) time the numbers are from; sample data say so."""
        sources: list[str] = []
        stamps: list[tuple[str, str]] = []
        samples: list[str] = []
        notes: list[str] = []
        has_time = False
        cache_age = 0
        for location, outputs in per_place:
            good = [o for o in outputs if not o.error and o.data.get("source")]
            if not good:
                continue
            stamp = ""
            for out in good:
                data = out.data
                if str(data["source"]) not in sources:
                    sources.append(str(data["source"]))
                if data.get("time"):
                    stamp = _local_time(data["time"])
                    has_time = True
                elif not stamp:
                    stamp = str(data.get("date") or data.get("today") or "")
                if data.get("sample_date") and str(data["sample_date"]) not in samples:
                    samples.append(str(data["sample_date"]))
                for note in data.get("notes") or []:
                    if str(note) not in notes:
                        notes.append(str(note))
                age = data.get("cache_age_s")
                if isinstance(age, int | float):
                    cache_age = max(cache_age, int(age))
            if stamp:
                stamps.append((location.split(",")[0], stamp))
        if not sources:
            return []
        distinct = {stamp for _, stamp in stamps}
        if len(distinct) <= 1:
            when = next(iter(distinct), "")
        else:
            when = ", ".join(f"{name} {stamp}" for name, stamp in stamps)
        source = ", ".join(sources)
        if self.zh:
            kind = "当地时间" if has_time else "当地日期"
            line = f"_来源：{source}，数据时间 {when}（{kind}）" if when else f"_来源：{source}"
            if cache_age >= 60:
                line += f"，{cache_age // 60} 分钟前缓存"
            lines = [line + "。_"]
            if samples:
                lines.append(f"_{'、'.join(samples)} 录制的样本数据，不是实时数据。_")
            lines += [f"_注：{note}_" for note in notes]
            return lines
        kind = "local time" if has_time else "local date"
        line = f"_Source: {source}, data for {when} ({kind})" if when else f"_Source: {source}"
        if cache_age >= 60:
            line += f", cached {cache_age // 60} min ago"
        lines = [line + "._"]
        if samples:
            plural = "s" if len(samples) > 1 else ""
            dates = " and ".join(samples)
            lines.append(f"_Recorded sample{plural} from {dates}, not live data._")
        lines += [f"_Note: {note}._" for note in notes]
        return lines


def write_answer(
    turn: Plan, places: Sequence[str], results: Sequence[ToolResult], owners: Mapping[str, int]
) -> str:
    """The answer from the tool results: one block per place, then the provenance lines."""
    writer = _Writer(turn.language, turn)
    grouped: list[list[_Output]] = [[] for _ in places]
    for result in results:
        grouped[owners[result.call_id]].append(_parse(result))
    blocks: list[str] = []
    per_place: list[tuple[str, Sequence[_Output]]] = []
    several = len(places) > 1
    queries = [markdown_literal(place) for place in places]  # the user's words, shown as typed
    for query, outputs in zip(queries, grouped, strict=True):
        failure = writer.failure(query, outputs, several)
        if failure is not None:
            blocks.append(failure)
            continue
        location = next((str(o.data["location"]) for o in outputs if o.data.get("location")), query)
        per_place.append((location, outputs))
        if turn.when == "today":
            blocks.append(writer.today(location, outputs))
        else:
            blocks.extend(writer.forecast(location, o) for o in outputs)
    provenance = writer.provenance(per_place)
    if provenance:
        blocks.append("\n".join(provenance))
    return "\n\n".join(blocks)
