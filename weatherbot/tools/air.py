"""get_air_quality: the air now and each day's worst hour, with the indices' categories."""

from __future__ import annotations

from typing import Annotated

from weatherbot.providers.models import AirQuality
from weatherbot.tools.context import ToolContext
from weatherbot.tools.outputs import AirQualityDay, AirQualityOutput
from weatherbot.tools.sky import european_aqi_category, us_aqi_category


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _tenth(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _days(air: AirQuality) -> list[AirQualityDay]:
    days: list[AirQualityDay] = []
    dates = list(dict.fromkeys(h.time.date() for h in air.hours))
    for when in dates:
        hours = [h for h in air.hours if h.time.date() == when]
        us = [h.us_aqi for h in hours if h.us_aqi is not None]
        eu = [h.european_aqi for h in hours if h.european_aqi is not None]
        us_max = max(us) if us else None
        eu_max = max(eu) if eu else None
        days.append(
            {
                "date": when.isoformat(),
                "us_aqi_max": _whole(us_max),
                "us_aqi_category": us_aqi_category(us_max),
                "european_aqi_max": _whole(eu_max),
                "european_aqi_category": european_aqi_category(eu_max),
            }
        )
    return days


def get_air_quality(
    ctx: ToolContext,
    location: Annotated[str, "City and optional region or country, or 'lat,lon'"],
) -> AirQualityOutput:
    """Get air quality now and each local day's worst hour for the next days.

    US AQI (0-500, EPA categories) and European AQI (EEA bands), each with its category in
    words; PM2.5, PM10, ozone and nitrogen dioxide in µg/m³; pollen in grains/m³ (forecast
    for Europe only: pollen null means no pollen data there, not no pollen).
    """
    place = ctx.weather.resolve(location)
    air = ctx.weather.air_quality(place)
    out: AirQualityOutput = {
        "location": place.display_name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": air.timezone,
        "source": air.source,
        "time": air.time.isoformat(timespec="minutes"),
        "us_aqi": _whole(air.us_aqi),
        "us_aqi_category": us_aqi_category(air.us_aqi),
        "european_aqi": _whole(air.european_aqi),
        "european_aqi_category": european_aqi_category(air.european_aqi),
        "pm2_5": _tenth(air.pm2_5),
        "pm10": _tenth(air.pm10),
        "ozone": _tenth(air.ozone),
        "nitrogen_dioxide": _tenth(air.nitrogen_dioxide),
        "concentration_unit": "µg/m³",
        "pollen": None if air.pollen is None else {k: round(v, 1) for k, v in air.pollen.items()},
        "pollen_unit": "grains/m³",
        "days": _days(air),
    }
    if air.cache_age_s is not None:
        out["cache_age_s"] = round(air.cache_age_s)
    if air.notes:
        out["notes"] = list(air.notes)
    if air.pollen is None:
        out["message"] = f"{air.source} has no pollen forecast for this place (Europe only)"
    return out
