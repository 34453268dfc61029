"""The answer for the air (get_air_quality): the indices with their categories in words,
PM2.5, and pollen where the provider has it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from weatherbot.offline.catalogue import N_

if TYPE_CHECKING:
    from weatherbot.offline.outputs import Output
    from weatherbot.offline.writer import Writer

POLLEN = {
    "alder": N_("alder"),
    "birch": N_("birch"),
    "grass": N_("grass"),
    "mugwort": N_("mugwort"),
    "olive": N_("olive"),
    "ragweed": N_("ragweed"),
}
UNAVAILABLE = N_("air quality is not available for this place from this source")


def _index(writer: Writer, message: str, value: Any, category: Any) -> str | None:
    if not isinstance(value, int | float):
        return None
    return writer._(message, index=round(value), category=writer._(str(category or "")))


def _pollen(writer: Writer, pollen: Mapping[str, Any] | None) -> str | None:
    if pollen is None:
        if "pollen" in writer.plan.topics:
            return writer._(N_("no pollen data for this place"))
        return None
    counts = [
        (name, float(value))
        for name, value in pollen.items()
        if isinstance(value, int | float) and value > 0
    ]
    if not counts:
        return writer._(N_("no pollen in the air"))
    shown = [
        f"{writer._(POLLEN.get(name, name))} {writer.w.number(value)}"
        for name, value in sorted(counts, key=lambda item: item[1], reverse=True)
    ]
    return writer._(N_("pollen (grains/m³): {counts}"), counts=writer.w.join(shown))


def air_parts(writer: Writer, out: Output) -> list[str]:
    """US AQI (and European AQI in Europe) in words, PM2.5, pollen; or "not available"."""
    data = out.data
    if out.error:
        if out.error == "unavailable":
            return [writer._(UNAVAILABLE)]
        return [str(data.get("message") or out.error)]
    parts = [
        _index(writer, N_("air: US AQI {index} ({category})"), data.get("us_aqi"),
               data.get("us_aqi_category")),
    ]  # fmt: skip
    if str(data.get("timezone") or "").startswith("Europe/"):
        parts.append(
            _index(writer, N_("European AQI {index} ({category})"), data.get("european_aqi"),
                   data.get("european_aqi_category"))
        )  # fmt: skip
    pm = data.get("pm2_5")
    if isinstance(pm, int | float):
        parts.append(writer._(N_("PM2.5 {value} µg/m³"), value=writer.w.number(pm)))
    parts.append(_pollen(writer, data.get("pollen")))
    kept = [p for p in parts if p]
    return kept or [writer._(UNAVAILABLE)]
