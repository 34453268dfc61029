"""Open-Meteo's air-quality API (CAMS): AQI, particles, ozone and pollen; no key needed.

It is a service of its own beside the forecast, like the geocoder: whichever weather
provider is chosen, air quality comes from here (the offline sample has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers.assembly import LocalZone, local_zone, number
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, cached, request_key
from weatherbot.providers.checks import clean_place, within
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import AirQuality, AirQualityHour, Place

AIR_QUALITY_PATH = "/v1/air-quality"
TITLE = "Open-Meteo Air Quality"
POLLEN = ("alder", "birch", "grass", "mugwort", "olive", "ragweed")
CURRENT_VARS = ",".join(
    ["us_aqi", "european_aqi", "pm2_5", "pm10", "ozone", "nitrogen_dioxide"]
    + [f"{plant}_pollen" for plant in POLLEN]
)
HOURLY_VARS = "us_aqi,european_aqi,pm2_5,pm10"
# CAMS forecasts 5 days by default (7 at most, the last ones coarse).
FORECAST_DAYS = 5
# Concentrations in µg/m³ and pollen in grains/m³: none is negative, and the worst smog
# measured (Delhi, Lahore) stays below 2,000 µg/m³ of PM2.5; pollen counts reach ~10,000.
CONCENTRATION = (0.0, 5_000.0)
POLLEN_COUNT = (0.0, 50_000.0)
# The US AQI stops at 500; the European index has no top but CAMS values stay far below 1,000.
AQI = (0.0, 1_000.0)


# How a note names each reading.
LABELS = {
    "us_aqi": "the US AQI",
    "european_aqi": "the European AQI",
    "pm2_5": "PM2.5",
    "pm10": "PM10",
    "ozone": "ozone",
    "nitrogen_dioxide": "nitrogen dioxide",
}


def _value(block: Mapping[str, Any], name: str, bounds: tuple[float, float]) -> float | None:
    value = number(block.get(name))
    return value if value is not None and within(value, bounds) else None


def _refused(current: Mapping[str, Any], bounds: Mapping[str, tuple[float, float]]) -> list[str]:
    """The readings sent but impossible (null is no reading, not a wrong one)."""
    return [
        name
        for name, limits in bounds.items()
        if current.get(name) is not None and _value(current, name, limits) is None
    ]


def _hours(block: Any, zone: LocalZone) -> tuple[AirQualityHour, ...]:
    if not isinstance(block, Mapping) or not isinstance(block.get("time"), list):
        return ()
    hours = []
    for i, stamp in enumerate(block["time"]):
        row = {
            name: values[i]
            for name in ("us_aqi", "european_aqi", "pm2_5", "pm10")
            if isinstance(values := block.get(name), list) and i < len(values)
        }
        hours.append(
            AirQualityHour(
                time=zone.wall_clock(stamp),
                us_aqi=_value(row, "us_aqi", AQI),
                european_aqi=_value(row, "european_aqi", AQI),
                pm2_5=_value(row, "pm2_5", CONCENTRATION),
                pm10=_value(row, "pm10", CONCENTRATION),
            )
        )
    return tuple(hours)


def parse_air_quality(data: Mapping[str, Any], place: Place, source: str = TITLE) -> AirQuality:
    """Typed values from an air-quality response; values out of range are left out."""
    zone = local_zone(
        str(data.get("timezone") or place.timezone or "UTC"), data.get("utc_offset_seconds")
    )
    current = data.get("current")
    if not isinstance(current, Mapping) or not isinstance(current.get("time"), str):
        raise ProviderError("bad_data", f"{source} sent no current air quality")
    pollen = {
        plant: count
        for plant in POLLEN
        if (count := _value(current, f"{plant}_pollen", POLLEN_COUNT)) is not None
    }
    # Outside Europe every pollen value is null: no pollen forecast, not "no pollen".
    has_pollen = any(current.get(f"{plant}_pollen") is not None for plant in POLLEN)
    limits = {"us_aqi": AQI, "european_aqi": AQI} | dict.fromkeys(
        ("pm2_5", "pm10", "ozone", "nitrogen_dioxide"), CONCENTRATION
    )
    notes = tuple(
        f"{source} sent an impossible value for {LABELS[name]}; it is left out"
        for name in _refused(current, limits)
    )
    return AirQuality(
        place=clean_place(place),
        source=source,
        timezone=zone.name,
        time=zone.wall_clock(current["time"]),
        fetched_at=datetime.now(UTC),
        us_aqi=_value(current, "us_aqi", AQI),
        european_aqi=_value(current, "european_aqi", AQI),
        pm2_5=_value(current, "pm2_5", CONCENTRATION),
        pm10=_value(current, "pm10", CONCENTRATION),
        ozone=_value(current, "ozone", CONCENTRATION),
        nitrogen_dioxide=_value(current, "nitrogen_dioxide", CONCENTRATION),
        pollen=pollen if has_pollen else None,
        hours=_hours(data.get("hourly"), zone),
        notes=notes,
    )


class OpenMeteoAirQuality:
    """Air quality for a place from Open-Meteo: one request, cached like a forecast."""

    title = TITLE

    def __init__(self, http: HttpClient, cache: DiskCache | None, base_url: str) -> None:
        self.http = http
        self.cache = cache
        self.url = base_url.rstrip("/") + AIR_QUALITY_PATH

    def params(self, place: Place) -> dict[str, str | int]:
        """The query: readings now, the hours ahead, in the place's local time."""
        return {
            "latitude": f"{place.latitude:.4f}",
            "longitude": f"{place.longitude:.4f}",
            "current": CURRENT_VARS,
            "hourly": HOURLY_VARS,
            "timezone": "auto",
            "forecast_days": FORECAST_DAYS,
        }

    def air_quality(self, place: Place) -> AirQuality:
        """The air quality at `place`; ProviderError on an outage or a malformed answer."""
        params = self.params(place)
        data, age = cached(
            self.cache,
            request_key(self.url, params),
            FORECAST_TTL_S,
            lambda: self.http.get_json(self.url, params),
        )
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", f"{TITLE} sent a malformed answer")
        try:
            result = parse_air_quality(data, place)
        except (TypeError, ValueError, KeyError) as exc:
            raise ProviderError("bad_data", f"{TITLE} sent a malformed answer") from exc
        return result if age is None else replace(result, cache_age_s=age)
