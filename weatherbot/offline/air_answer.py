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
GASES = (
    ("pm2_5", N_("PM2.5 {value} µg/m³")),
    ("pm10", N_("PM10 {value} µg/m³")),
    ("ozone", N_("ozone {value} µg/m³")),
    ("nitrogen_dioxide", N_("NO2 {value} µg/m³")),
)
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
        message = str(data.get("message") or out.error)
        if out.error == "not_available":
            return [writer._(UNAVAILABLE)]  # the source has no air data (the recorded sample)
        # The service could not be reached or answered badly: its message names it.
        return [writer._(N_("air quality could not be looked up ({message})"), message=message)]
    parts = [
        _index(writer, N_("air: US AQI {index} ({category})"), data.get("us_aqi"),
               data.get("us_aqi_category")),
    ]  # fmt: skip
    if str(data.get("timezone") or "").startswith("Europe/"):
        parts.append(
            _index(writer, N_("European AQI {index} ({category})"), data.get("european_aqi"),
                   data.get("european_aqi_category"))
        )  # fmt: skip
    if parts[0] is None:
        parts[0] = writer._(N_("air: no AQI given"))
    for key, message in GASES:
        # PM2.5 always; the rest where no index sums them up (an index alone can be missing).
        value = data.get(key)
        if isinstance(value, int | float) and (key == "pm2_5" or data.get("us_aqi") is None):
            parts.append(writer._(message, value=writer.w.number(value)))
    parts.append(_pollen(writer, data.get("pollen")))
    kept = [p for p in parts if p]
    return kept if len(kept) > 1 or data.get("us_aqi") is not None else [writer._(UNAVAILABLE)]
