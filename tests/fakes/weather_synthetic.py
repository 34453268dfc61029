"""TEST VALUES in Open-Meteo's recorded shapes, for what no recording covers.

The recordings (tests/data/weather) have no 16-day forecast, no snow week, no UV or sunset
question's city and no air quality at all, so these responses are built here: the shape,
field names and unit strings are those of the recorded responses and of Open-Meteo's
documentation; every number is made up, chosen so each answer is recognisable in a test.
Each city's story:

- Paris: raining now (13:15 local, 2026-12-07) until 16:00; day 12 (2026-12-19) is 9.0/4.0 °C
  with a 65% chance of rain; 16 days in all.
- Oslo: snow on days 1 to 3 (0.5 cm an hour on day 2), -3 °C, short December days.
- Sydney: summer; UV index max 11.0 today and 12.4 (extreme) tomorrow.
- Tokyo: sunset 16:28 and sunrise 06:38 every day.
- Delhi: very unhealthy air (US AQI 212, PM2.5 148.3 µg/m³), no pollen data (Europe only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

TODAY = date(2026, 12, 7)
NOW = "13:15"
DAYS = 16


@dataclass(frozen=True)
class City:
    """How one made-up forecast goes."""

    latitude: float
    longitude: float
    timezone: str
    offset_s: int
    base_c: float
    sunrise: str = "07:30"
    sunset: str = "17:00"
    uv_max: tuple[float, ...] = (2.0,)
    # (day index, hour) -> mm of rain in that hour.
    rain: dict[tuple[int, int], float] = field(default_factory=dict)
    # (day index, hour) -> cm of snow in that hour.
    snow: dict[tuple[int, int], float] = field(default_factory=dict)
    # day index -> (high, low, chance) to pin exactly.
    pinned: dict[int, tuple[float, float, int]] = field(default_factory=dict)


PARIS_RAIN = {(0, h): 1.2 for h in range(9, 16)} | {(12, h): 0.8 for h in range(10, 14)}
CITIES: dict[str, City] = {
    "paris": City(48.8534, 2.3488, "Europe/Paris", 3600, 8.0, "08:31", "16:53", (1.2,),
                  rain=PARIS_RAIN, pinned={12: (9.0, 4.0, 65)}),
    "oslo": City(59.9127, 10.7461, "Europe/Oslo", 3600, -3.0, "09:10", "15:15", (0.3,),
                 snow={(d, h): (0.5 if d == 2 else 0.2) for d in (1, 2, 3) for h in range(24)}),
    "sydney": City(-33.8678, 151.2073, "Australia/Sydney", 39600, 24.0, "05:38", "19:54",
                   (11.0, 12.4, 10.1)),
    "tokyo": City(35.6895, 139.6917, "Asia/Tokyo", 32400, 10.0, "06:38", "16:28", (2.8,)),
    "delhi": City(28.6519, 77.2315, "Asia/Kolkata", 19800, 18.0, "06:58", "17:24", (4.5,)),
}  # fmt: skip


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _code(rain: float, snow: float) -> int:
    if snow:
        return 73 if snow >= 0.5 else 71
    if rain:
        return 63 if rain >= 1 else 61
    return 2


def forecast(city: City) -> dict[str, Any]:
    """A /v1/forecast answer (metric, wind in m/s) with current, 384 hours and 16 days."""
    hourly: dict[str, list[Any]] = {k: [] for k in (
        "time", "temperature_2m", "apparent_temperature", "precipitation_probability",
        "precipitation", "rain", "showers", "snowfall", "weather_code", "wind_speed_10m",
        "uv_index", "is_day")}  # fmt: skip
    daily: dict[str, list[Any]] = {k: [] for k in (
        "time", "temperature_2m_max", "temperature_2m_min", "precipitation_probability_max",
        "precipitation_sum", "rain_sum", "showers_sum", "snowfall_sum", "weather_code",
        "sunrise", "sunset", "daylight_duration", "uv_index_max")}  # fmt: skip
    rise, set_ = _minutes(city.sunrise), _minutes(city.sunset)
    for d in range(DAYS):
        day = TODAY + timedelta(days=d)
        uv_max = city.uv_max[min(d, len(city.uv_max) - 1)]
        temps, chances, rains, snows, codes = [], [], [], [], []
        for h in range(24):
            rain = city.rain.get((d, h), 0.0)
            snow = city.snow.get((d, h), 0.0)
            temp = round(city.base_c + 3 * math.sin(math.pi * (h - 9) / 12), 1)
            chance = 85 if rain or snow else 10
            light = rise <= h * 60 + 30 < set_
            uv = round(uv_max * math.sin(math.pi * (h * 60 + 30 - rise) / (set_ - rise)), 2)
            hourly["time"].append(f"{day.isoformat()}T{h:02d}:00")
            hourly["temperature_2m"].append(temp)
            hourly["apparent_temperature"].append(round(temp - 1.5, 1))
            hourly["precipitation_probability"].append(chance)
            hourly["precipitation"].append(round(rain + snow / 0.7, 2))
            hourly["rain"].append(rain)
            hourly["showers"].append(0.0)
            hourly["snowfall"].append(snow)
            hourly["weather_code"].append(_code(rain, snow))
            hourly["wind_speed_10m"].append(3.5)
            hourly["uv_index"].append(uv if light else 0.0)
            hourly["is_day"].append(1 if light else 0)
            temps.append(temp)
            chances.append(chance)
            rains.append(rain)
            snows.append(snow)
            codes.append(_code(rain, snow))
        high, low, chance = city.pinned.get(d, (max(temps), min(temps), max(chances)))
        daily["time"].append(day.isoformat())
        daily["temperature_2m_max"].append(high)
        daily["temperature_2m_min"].append(low)
        daily["precipitation_probability_max"].append(chance)
        daily["precipitation_sum"].append(round(sum(rains) + sum(snows) / 0.7, 1))
        daily["rain_sum"].append(round(sum(rains), 1))
        daily["showers_sum"].append(0.0)
        daily["snowfall_sum"].append(round(sum(snows), 2))
        daily["weather_code"].append(max(codes, key=lambda c: (c >= 70, c)))
        daily["sunrise"].append(f"{day.isoformat()}T{city.sunrise}")
        daily["sunset"].append(f"{day.isoformat()}T{city.sunset}")
        daily["daylight_duration"].append(float((set_ - rise) * 60))
        daily["uv_index_max"].append(uv_max)
    now_hour = int(NOW[:2])
    return {
        "latitude": city.latitude, "longitude": city.longitude, "generationtime_ms": 1.0,
        "utc_offset_seconds": city.offset_s, "timezone": city.timezone,
        "timezone_abbreviation": f"GMT{city.offset_s // 3600:+d}", "elevation": 30.0,
        "current_units": {"time": "iso8601", "interval": "seconds", "temperature_2m": "°C",
                          "apparent_temperature": "°C", "relative_humidity_2m": "%",
                          "weather_code": "wmo code", "wind_speed_10m": "m/s"},
        "current": {"time": f"{TODAY.isoformat()}T{NOW}", "interval": 900,
                    "temperature_2m": hourly["temperature_2m"][now_hour],
                    "apparent_temperature": hourly["apparent_temperature"][now_hour],
                    "relative_humidity_2m": 70, "weather_code": hourly["weather_code"][now_hour],
                    "wind_speed_10m": 3.5},
        "hourly_units": {"time": "iso8601", "temperature_2m": "°C", "apparent_temperature": "°C",
                         "precipitation_probability": "%", "precipitation": "mm", "rain": "mm",
                         "showers": "mm", "snowfall": "cm", "weather_code": "wmo code",
                         "wind_speed_10m": "m/s", "uv_index": "", "is_day": ""},
        "hourly": hourly,
        "daily_units": {"time": "iso8601", "temperature_2m_max": "°C", "temperature_2m_min": "°C",
                        "precipitation_probability_max": "%", "precipitation_sum": "mm",
                        "rain_sum": "mm", "showers_sum": "mm", "snowfall_sum": "cm",
                        "weather_code": "wmo code", "sunrise": "iso8601", "sunset": "iso8601",
                        "daylight_duration": "s", "uv_index_max": ""},
        "daily": daily,
    }  # fmt: skip


# Air quality: (us_aqi, european_aqi, pm2_5, pm10, ozone, nitrogen_dioxide, pollen or None).
AIR: dict[str, tuple[float, float, float, float, float, float, dict[str, float] | None]] = {
    "delhi": (212, 118, 148.3, 231.0, 35.0, 61.2, None),
    "paris": (41, 27, 9.8, 15.1, 48.0, 22.4, {"alder": 0.0, "birch": 0.0, "grass": 0.4,
                                              "mugwort": 0.0, "olive": 0.0, "ragweed": 0.0}),
    "london": (38, 22, 7.2, 12.5, 51.0, 18.9, {"alder": 0.0, "birch": 0.0, "grass": 0.2,
                                               "mugwort": 0.0, "olive": 0.0, "ragweed": 0.0}),
}  # fmt: skip
LONDON = (51.5085, -0.1257, "Europe/London", 0)


def air_quality(name: str) -> dict[str, Any]:
    """A /v1/air-quality answer: current readings and 5 days of hourly AQI and particles."""
    us, eu, pm25, pm10, ozone, no2, pollen = AIR[name]
    if name == "london":
        lat, lon, zone, offset = LONDON
    else:
        city = CITIES[name]
        lat, lon, zone, offset = city.latitude, city.longitude, city.timezone, city.offset_s
    plants = ("alder", "birch", "grass", "mugwort", "olive", "ragweed")
    current: dict[str, Any] = {
        "time": f"{TODAY.isoformat()}T13:00", "interval": 3600, "us_aqi": us,
        "european_aqi": eu, "pm2_5": pm25, "pm10": pm10, "ozone": ozone,
        "nitrogen_dioxide": no2,
    }  # fmt: skip
    for plant in plants:
        current[f"{plant}_pollen"] = None if pollen is None else pollen[plant]
    hourly: dict[str, list[Any]] = {"time": [], "us_aqi": [], "european_aqi": [], "pm2_5": [],
                                    "pm10": []}  # fmt: skip
    for d in range(5):
        day = TODAY + timedelta(days=d)
        for h in range(24):
            # Worst in the evening; each day a little better than the one before.
            swing = 1 + 0.2 * math.sin(math.pi * (h - 12) / 12) - 0.05 * d
            hourly["time"].append(f"{day.isoformat()}T{h:02d}:00")
            hourly["us_aqi"].append(round(us * swing))
            hourly["european_aqi"].append(round(eu * swing))
            hourly["pm2_5"].append(round(pm25 * swing, 1))
            hourly["pm10"].append(round(pm10 * swing, 1))
    units = {"time": "iso8601", "us_aqi": "USAQI", "european_aqi": "EAQI", "pm2_5": "μg/m³",
             "pm10": "μg/m³", "ozone": "μg/m³", "nitrogen_dioxide": "μg/m³"}  # fmt: skip
    return {
        "latitude": lat, "longitude": lon, "generationtime_ms": 1.0,
        "utc_offset_seconds": offset, "timezone": zone, "timezone_abbreviation": "GMT",
        "elevation": 20.0,
        "current_units": {**units, "interval": "seconds",
                          **{f"{p}_pollen": "grains/m³" for p in plants}},
        "current": current, "hourly_units": units, "hourly": hourly,
    }  # fmt: skip


def key(latitude: float, longitude: float) -> str:
    """The fake's coordinate key (4 decimals, as the providers send them)."""
    return f"{latitude:.4f},{longitude:.4f}"


FORECASTS = {key(c.latitude, c.longitude): name for name, c in CITIES.items()}
AIR_QUALITY = {key(*LONDON[:2]) if n == "london" else key(CITIES[n].latitude,
               CITIES[n].longitude): n for n in AIR}  # fmt: skip
