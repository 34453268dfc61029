"""The one line `weatherbot now` prints: `%` fields (wttr.in's letters where it has one).

Only the standard library here: a status bar runs `weatherbot now` every few seconds, and a
warm one formats a stored glance without loading the rest of weatherbot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Letter -> what it shows. The same letters as wttr.in's format where it has the field, so a
# tmux or shell line written for wttr.in reads the same here.
FIELDS: dict[str, str] = {
    "c": "condition symbol",
    "C": "condition in words",
    "t": "temperature",
    "f": "feels-like temperature",
    "o": "today's chance of precipitation",
    "p": "today's precipitation amount",
    "w": "wind speed",
    "h": "humidity",
    "u": "today's highest UV index",
    "S": "sunrise",
    "s": "sunset",
    "m": "moon phase",
    "l": "place name",
    "L": "place, region and country",
    "a": "age of the data",
    "%": "a literal %",
}
PRESETS: dict[str, str] = {
    "short": "%c %t",
    "line": "%l: %c %t %o",
    "full": "%l: %c %C %t (feels %f) · %o %p · wind %w · UV %u · sun %S-%s",
}
DEFAULT_FORMAT = PRESETS["line"]
NOT_AVAILABLE = "n/a"

_SYMBOLS = (
    ((95, 96, 99), "⛈"),
    ((71, 73, 75, 77, 85, 86), "🌨"),
    ((61, 63, 65, 66, 67, 80, 81, 82), "🌧"),
    ((51, 53, 55, 56, 57), "🌦"),
    ((45, 48), "🌫"),
    ((3,), "☁"),
    ((2,), "⛅"),
    ((1,), "🌤"),
)
# Providers without WMO codes (MET, NWS...) describe the sky in words.
_WORDS = (
    ("thunder", "⛈"),
    ("snow", "🌨"),
    ("sleet", "🌨"),
    ("shower", "🌦"),
    ("drizzle", "🌦"),
    ("rain", "🌧"),
    ("fog", "🌫"),
    ("overcast", "☁"),
    ("cloud", "⛅"),
    ("clear", "☀"),
    ("sun", "☀"),
    ("fair", "🌤"),
)


class FormatError(ValueError):
    """A `%` field that does not exist; the message names it and the valid letters."""


def check_format(text: str) -> str:
    """`text` if every `%` field in it exists; a preset's name (any case) stands for its format."""
    preset = PRESETS.get(text.strip().casefold())
    if preset is not None:
        return preset
    if "%" not in text:
        raise FormatError(
            f"{text!r} is neither a preset ({', '.join(PRESETS)}) nor a format with % fields"
        )
    i = 0
    while i < len(text):
        if text[i] == "%":
            letter = text[i + 1 : i + 2]
            if letter not in FIELDS:
                shown = f"field {('%' + letter)!r}" if letter else "'%' at the end (%% for %)"
                raise FormatError(
                    f"unknown {shown} in --format; fields: "
                    + " ".join(f"%{k}" for k in FIELDS if k != "%")
                    + " (and %% for %)"
                )
            i += 2
        else:
            i += 1
    return text


def _daytime(is_day: Any, time: Any) -> bool:
    """Day or night for the symbol: the provider's flag, else the local hour (7 to 19)."""
    if isinstance(is_day, bool):
        return is_day
    clock = str(time or "")[11:13]
    return not clock.isdecimal() or 7 <= int(clock) < 19


def symbol(code: Any, description: Any, is_day: Any, time: Any = None) -> str:
    """A weather symbol for a WMO code, else for the words of a description."""
    is_day = _daytime(is_day, time)
    if isinstance(code, int) and not isinstance(code, bool):
        if code == 0:
            return "☀" if is_day is not False else "🌙"
        for codes, sign in _SYMBOLS:
            if code in codes:
                return sign
    words = str(description or "").casefold()
    for word, sign in _WORDS:
        if word in words:
            return "🌙" if sign == "☀" and is_day is False else sign
    return NOT_AVAILABLE


def age_text(seconds: float) -> str:
    """A data age as people say it: 40s, 12m, 3h, 2d."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m"
    if seconds < 86_400:
        return f"{seconds // 3600:.0f}h"
    return f"{seconds // 86_400:.0f}d"


def _number(value: Any, digits: int = 0) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    text = f"{value:.{digits}f}"
    # -0.4 °C rounds to "-0": nobody writes that.
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def field_values(glance: Mapping[str, Any], age_s: float) -> dict[str, str]:
    """Each field's text for a glance (tools.glance.Glance) whose data is `age_s` old."""
    degree = "°F" if glance.get("unit") == "Fahrenheit" else "°C"
    temperature = _number(glance.get("temperature"))
    feels = _number(glance.get("feels_like"))
    chance = _number(glance.get("precipitation_probability_percent"))
    amount = _number(
        glance.get("precipitation"), 2 if glance.get("precipitation_unit") == "inch" else 1
    )
    wind = _number(glance.get("wind_speed"))
    humidity = _number(glance.get("humidity_percent"))
    uv = _number(glance.get("uv_index_max"))
    rain_unit = "in" if glance.get("precipitation_unit") == "inch" else "mm"
    values = {
        "c": symbol(
            glance.get("weather_code"),
            glance.get("description"),
            glance.get("is_day"),
            glance.get("time"),
        ),
        "C": str(glance.get("description") or NOT_AVAILABLE),
        "t": f"{temperature}{degree}" if temperature is not None else None,
        "f": f"{feels}{degree}" if feels is not None else None,
        "o": f"{chance}%" if chance is not None else None,
        "p": f"{amount}{rain_unit}" if amount is not None else None,
        "w": f"{wind}{glance.get('wind_unit', '')}" if wind is not None else None,
        "h": f"{humidity}%" if humidity is not None else None,
        "u": uv,
        "S": glance.get("sunrise"),
        "s": glance.get("sunset"),
        "m": glance.get("moon_phase"),
        "l": glance.get("name"),
        "L": glance.get("location"),
        "a": age_text(age_s),
        "%": "%",
    }
    return {k: str(v) if v is not None else NOT_AVAILABLE for k, v in values.items()}


def render(fmt: str, glance: Mapping[str, Any], age_s: float, *, stale: bool = False) -> str:
    """The status line: `fmt` with its fields filled; `stale` (the provider could not be
    reached, this is the last line shown) adds a marker with the data's age."""
    values = field_values(glance, age_s)
    out: list[str] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            out.append(values.get(fmt[i + 1], fmt[i : i + 2]))
            i += 2
        else:
            out.append(fmt[i])
            i += 1
    line = "".join(out)
    # One line, whatever a provider put in a description.
    line = " ".join(line.splitlines())
    if stale:
        line += " (stale)" if "%a" in fmt else f" (stale {age_text(age_s)})"
    return line
