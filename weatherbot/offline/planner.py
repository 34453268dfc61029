"""The offline planner: a question in English or Chinese becomes places, intent, days and unit.

Pure functions, no I/O. The rules are deliberately small and readable: the word tables live in
`words`, English is read by `english` and Chinese (and a little Japanese) by `chinese`; this
module decides the language, what is asked, when, and in which unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from weatherbot.offline.chinese import CJK, chinese_places, zh_when
from weatherbot.offline.english import english_places, english_when, tokenize
from weatherbot.offline.intent import Language, Plan, Unit
from weatherbot.offline.words import (
    GENERAL_WORDS,
    RAIN_WORDS,
    TEMPERATURE_WORDS,
    ZH_GENERAL,
    ZH_RAIN,
    ZH_TEMPERATURE,
)

# Explicit units; the first one mentioned wins.
_FAHRENHEIT = re.compile(
    r"°\s*F\b|℉|\bfahrenheit\b|\bimperial\b|\bdeg(?:rees?)?\s*F\b|\d\s*F\b|\bin\s+F\b|华氏|華氏",
    re.IGNORECASE,
)
_CELSIUS = re.compile(
    r"°\s*C\b|℃|\bcelsius\b|\bcentigrade\b|\bmetric\b|\bdeg(?:rees?)?\s*C\b|\d\s*C\b"
    r"|\bin\s+C\b|摄氏|攝氏",
    re.IGNORECASE,
)


def _dedupe(places: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for place in places:
        key = " ".join(place.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(place.strip())
    return out


def explicit_unit(text: str) -> Unit | None:
    """The unit the question names (°F, Fahrenheit, imperial, 华氏 / °C, Celsius, metric...)."""
    fahrenheit = _FAHRENHEIT.search(text)
    celsius = _CELSIUS.search(text)
    if fahrenheit and (celsius is None or fahrenheit.start() <= celsius.start()):
        return "Fahrenheit"
    if celsius:
        return "Celsius"
    return None


def _normalise(question: str) -> str:
    text = question.replace("’", "'").replace("‘", "'").replace("，", ", ")
    return " ".join(text.split())


def plan(question: str) -> Plan:
    """Read a weather question and plan what to look up; never raises."""
    text = _normalise(question)
    tokens = tokenize(text)
    words = [t.lower for t in tokens if t.kind in ("word", "num")]
    chinese = CJK.search(text) is not None
    latin_words = sum(1 for t in tokens if t.kind == "word" and not CJK.search(t.text))
    cjk_chars = len(CJK.findall(text))
    language: Language = "zh" if chinese and cjk_chars >= latin_words else "en"

    wants_temperature = any(w in TEMPERATURE_WORDS for w in words)
    wants_rain = any(w in RAIN_WORDS for w in words)
    general = any(w in GENERAL_WORDS for w in words)
    if chinese:
        wants_temperature = wants_temperature or any(w in text for w in ZH_TEMPERATURE)
        wants_rain = wants_rain or any(w in text for w in ZH_RAIN)
        general = general or any(w in text for w in ZH_GENERAL)
    asks_what = wants_temperature or wants_rain or general
    if general or not asks_what:
        wants_temperature = wants_rain = True

    timing = zh_when(text) if chinese else None
    when, days, first_day, weekdays, asks_when = timing or english_when(words)

    places = chinese_places(text) if chinese else english_places(tokens)
    return Plan(
        places=_dedupe(places),
        wants_temperature=wants_temperature,
        wants_rain=wants_rain,
        when=when,
        days=days,
        first_day=first_day,
        weekdays=weekdays,
        unit=explicit_unit(text),
        language=language,
        asks_what=asks_what,
        asks_when=asks_when,
    )
