"""What falls: precipitation kinds from a provider's amounts and weather codes.

"80% chance of rain" under a snow forecast is the bug this module exists for: the probability
is of any precipitation, so the tools say what kind it is forecast to be, and only the kinds
the provider's own fields show (amounts, a WMO weather code) are named.
"""

from __future__ import annotations

from collections.abc import Iterable

# WMO 4677 codes (what Open-Meteo sends) to the kind of precipitation they report.
_CODE_KINDS: dict[int, tuple[str, ...]] = {
    **dict.fromkeys((51, 53, 55), ("drizzle",)),
    **dict.fromkeys((56, 57, 66, 67), ("freezing_rain",)),
    **dict.fromkeys((61, 63, 65), ("rain",)),
    **dict.fromkeys((71, 73, 75, 77, 85, 86), ("snow",)),
    **dict.fromkeys((80, 81, 82), ("showers",)),
    95: ("rain",),
    **dict.fromkeys((96, 99), ("rain", "hail")),
}
# Open-Meteo derives snowfall from water as 0.7 cm of snow per mm: this compares them.
SNOW_CM_PER_MM = 0.7
# Below this an amount is a model's trace, not precipitation anyone sees (Open-Meteo's own
# probability counts an hour as wet from 0.1 mm).
TRACE_MM = 0.1


def code_kinds(code: int | None) -> tuple[str, ...]:
    """The kinds a WMO weather code reports (none for clear, cloud or fog)."""
    return () if code is None else _CODE_KINDS.get(int(code), ())


def kinds(
    *,
    rain_mm: float | None = None,
    showers_mm: float | None = None,
    snowfall_cm: float | None = None,
    code: int | None = None,
    given: Iterable[str] = (),
) -> tuple[str, ...]:
    """The kinds forecast to fall, the main one first.

    The weather code names the most significant weather of the period, so its kind leads;
    the amounts add the rest, largest first (snow compared as water). `given`: kinds the
    provider names itself (MET's "sleet" symbols), first.
    """
    amounts = {
        "rain": rain_mm or 0.0,
        "showers": showers_mm or 0.0,
        "snow": (snowfall_cm or 0.0) / SNOW_CM_PER_MM,
    }
    measured = [k for k, v in sorted(amounts.items(), key=lambda kv: -kv[1]) if v >= TRACE_MM]
    found = [*given, *code_kinds(code), *measured]
    return tuple(dict.fromkeys(found))


def hourly_kinds(
    *,
    rain_mm: float | None = None,
    showers_mm: float | None = None,
    snowfall_cm: float | None = None,
    code: int | None = None,
    given: Iterable[str] = (),
) -> tuple[str, ...]:
    """`kinds` for one hour: rain (or showers) and snow falling in the same hour is sleet."""
    found = kinds(
        rain_mm=rain_mm, showers_mm=showers_mm, snowfall_cm=snowfall_cm, code=code, given=given
    )
    if "snow" in found and ({"rain", "showers"} & set(found)) and "sleet" not in found:
        return ("sleet", *(k for k in found if k not in ("snow", "rain", "showers")))
    return found
