"""The planner's languages: one data file each under `languages/`, read once and compiled.

A data file lists the words people use for each weather topic, the day words, units, polite
phrases and the words that are never places (see `languages/en.toml`). Nothing here knows a
particular language: a ninth language is a ninth file.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from weatherbot.offline.formats import Formats
from weatherbot.offline.matching import (
    CJK,
    KANA,
    CountPattern,
    WordList,
    fold,
)

TOPICS = (
    "temperature",
    "rain",
    "snow",
    "sleet",
    "wind",
    "humidity",
    "sky",
    "feels_like",
    "uv",
    "alerts",
    "umbrella",
    "clothing",
    "general",
    "warmer",
    "colder",
    "compare",
    "greeting",
    "thanks",
    "fahrenheit",
    "celsius",
    # Sun, moon and air (get_forecast's sun fields, get_air_quality) and when rain starts or
    # stops (get_hourly_forecast's summary).
    "sunrise",
    "sunset",
    "daylight",
    "moon",
    "air",
    "pollen",
    "starts",
    "stops",
)
TIMES = (
    "now",
    "today",
    "tonight",
    "tomorrow",
    "day_after_tomorrow",
    "weekend",
    "this_week",
    "next_week",
    "next",
)
# Parts of a day ([parts]): get_hourly_forecast's windows; next_hours is its "now".
PARTS = ("morning", "afternoon", "evening", "tonight", "next_hours")
# Clock times ([parts]): "{n} pm" adds 12 hours, "{n} am" and "{n} Uhr" are as written;
# hours_ahead is "the next {n} hours".
CLOCKS = ("pm", "am", "clock", "hours_ahead")
# Clock words ([parts]): the time each one says ("noon", "Mitternacht", "正午").
CLOCK_WORDS = {"noon": "12:00", "midnight": "00:00"}
# Scripts written without spaces: their words are found anywhere in the text.
UNSPACED = frozenset({"han", "kana"})


class Language:
    """One language's data file, compiled for matching when first used.

    Only the markers of every language are needed to tell which one a question is in; the
    other lists are built for the languages a question uses (startup time is the budget).
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._folded = bool(data.get("folded"))  # the bundle's lists are folded already
        self.code: str = str(data["code"])
        self.name: str = str(data.get("name", self.code))
        self.catalogue: str = str(data.get("catalogue", self.code))
        self.script: str = str(data.get("script", "latin"))
        self.unspaced = self.script in UNSPACED
        self._words: Mapping[str, Any] = data.get("words", {})
        self._time: Mapping[str, Any] = data.get("time", {})
        self._places: Mapping[str, Any] = data.get("places", {})
        self._parts: Mapping[str, Any] = data.get("parts", {})

    def _list(self, entries: Iterable[str]) -> WordList:
        return WordList(entries, self.unspaced, self._folded)

    @cached_property
    def countries(self) -> frozenset[str]:
        """Where the language is spoken (ISO codes): they settle a name shared by cities."""
        return frozenset(str(c).upper() for c in self._data.get("countries", []))

    @cached_property
    def markers(self) -> WordList:
        """Words that tell this language apart."""
        return self._list(self._data.get("markers", []))

    @cached_property
    def topics(self) -> dict[str, WordList]:
        """The words for each topic (temperature, rain, wind...)."""
        return {t: self._list(self._words.get(t, [])) for t in TOPICS}

    @cached_property
    def times(self) -> dict[str, WordList]:
        """The day words (today, tomorrow, weekend...)."""
        return {t: self._list(self._time.get(t, [])) for t in TIMES}

    @cached_property
    def weekdays(self) -> tuple[WordList, ...]:
        """The names of the weekdays, Monday first."""
        return tuple(self._list(names) for names in (self._time.get("weekdays") or [[]] * 7))

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Number words."""
        return {fold(k): int(v) for k, v in (self._time.get("numbers") or {}).items()}

    @cached_property
    def offsets(self) -> dict[int, WordList]:
        """Words for one day N days away beyond the day after tomorrow ("大后天")."""
        by_offset: dict[int, list[str]] = {}
        for phrase, offset in (self._time.get("offsets") or {}).items():
            by_offset.setdefault(int(offset), []).append(phrase if self._folded else fold(phrase))
        return {n: WordList(words, self.unspaced, True) for n, words in by_offset.items()}

    @cached_property
    def days_ahead(self) -> list[CountPattern]:
        """ "next {n} days" patterns."""
        return self._patterns(self._time.get("days_ahead", []))

    @cached_property
    def in_days(self) -> list[CountPattern]:
        """ "in {n} days" patterns."""
        return self._patterns(self._time.get("in_days", []))

    @cached_property
    def weeks_ahead(self) -> list[CountPattern]:
        """ "next {n} weeks" patterns."""
        return self._patterns(self._time.get("weeks_ahead", []))

    @cached_property
    def in_weeks(self) -> list[CountPattern]:
        """ "in {n} weeks" patterns."""
        return self._patterns(self._time.get("in_weeks", []))

    @cached_property
    def parts(self) -> dict[str, WordList]:
        """The words for each part of a day (this afternoon, heute Abend, 今晚...)."""
        return {p: self._list(self._parts.get(p, [])) for p in PARTS}

    @cached_property
    def clocks(self) -> dict[str, list[CountPattern]]:
        """Clock-time patterns by kind: pm ("{n} pm"), am, clock (24-hour: "um {n} Uhr")."""
        return {c: self._patterns(self._parts.get(c, [])) for c in CLOCKS}

    @cached_property
    def clock_words(self) -> dict[str, WordList]:
        """The words that are a clock time, by the "HH:MM" they say ("midi": "12:00")."""
        return {time: self._list(self._parts.get(key, [])) for key, time in CLOCK_WORDS.items()}

    @cached_property
    def prepositions(self) -> WordList:
        """Words after which a place name follows."""
        return self._list(self._places.get("prepositions", []))

    @cached_property
    def joiners(self) -> WordList:
        """Words that join places in a list."""
        return self._list(self._places.get("joiners", []))

    @cached_property
    def only_as_names(self) -> WordList:
        """Ordinary words that are places only written as names or after a preposition."""
        return self._list(self._places.get("only_as_names", []))

    def place_words(self, key: str) -> WordList:
        """One list of the [places] table by name, for readers in other modules (saved.py)."""
        return self._list(self._places.get(key, []))

    @cached_property
    def never(self) -> WordList:
        """Words that are never (part of) a place name."""
        return self._list(self._places.get("never", []))

    @cached_property
    def formats(self) -> Formats:
        """How answers write numbers, dates and lists."""
        fmt = self._data.get("format", {})
        return Formats(
            decimal=str(fmt.get("decimal", ".")),
            percent=str(fmt.get("percent", "{n}%")),
            degrees=str(fmt.get("degrees", "{n} {symbol}")),
            date=str(fmt.get("date", "{iso}")),
            date_short=str(fmt.get("date_short", "")),
            weekdays=tuple(fmt.get("weekdays", ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))),
            months=tuple(fmt.get("months", [str(m) for m in range(1, 13)])),
            list_and=str(fmt.get("list_and", "{a}, {b}")),
            list_sep=str(fmt.get("list_sep", ", ")),
            colon=str(fmt.get("colon", "：" if self.unspaced else ": ")),
            clause_sep=str(fmt.get("clause_sep", "；" if self.unspaced else "; ")),
            full_stop=str(fmt.get("full_stop", "。" if self.unspaced else ".")),
            clock=str(fmt.get("clock", "{hh}:{mm}")),
            bracket=str(fmt.get("bracket", "{a}（{b}）" if self.unspaced else "{a} ({b})")),
        )

    def _patterns(self, entries: Sequence[str]) -> list[CountPattern]:
        patterns = [CountPattern(e, self.unspaced, self.numbers) for e in entries if "{n}" in e]
        return sorted(patterns, key=lambda p: len(p.before) + len(p.after), reverse=True)

    def vocabulary(self) -> list[WordList]:
        """Every list whose words are never part of a place name."""
        return [
            *self.topics.values(),
            *self.times.values(),
            *self.parts.values(),
            *self.clock_words.values(),
            *self.weekdays,
            self.never,
        ]


LANGUAGES_DIR = Path(__file__).parent / "languages"
# The data files as JSON, written by scripts/catalogues.py beside the compiled catalogues:
# parsing eight TOML files costs ~40 ms, a fifth of an offline answer; json.loads ~2 ms.
BUNDLE = Path(__file__).parent / "data" / "languages.json"


def data_files() -> dict[str, bytes]:
    """Every language data file's bytes, by file name, English first (the fallback)."""
    # A path, not importlib.resources: importing that costs ~20 ms of a 30 ms budget.
    names = sorted(
        (p.name for p in LANGUAGES_DIR.iterdir() if p.name.endswith(".toml")),
        key=lambda name: (name != "en.toml", name),
    )
    return {name: (LANGUAGES_DIR / name).read_bytes() for name in names}


def parsed(files: Mapping[str, bytes]) -> dict[str, Any]:
    """The parsed data files, from the bundle where it was made from these very bytes."""
    try:
        bundle = json.loads(BUNDLE.read_bytes())
    except (OSError, ValueError):
        bundle = {}
    out: dict[str, Any] = {}
    for name, content in files.items():
        entry = bundle.get(name) if isinstance(bundle, dict) else None
        if isinstance(entry, dict) and entry.get("crc32") == zlib.crc32(content):
            out[name] = entry["data"]
        else:
            import tomllib  # only when the bundle is stale: a data file was just edited

            out[name] = tomllib.loads(content.decode("utf-8"))
    return out


def _folded_lists(value: Any) -> Any:
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, list):
        return [_folded_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _folded_lists(v) for k, v in value.items()}
    return value


def _prepared(data: dict[str, Any]) -> dict[str, Any]:
    """A data file as the bundle keeps it: every matched word folded in advance."""
    out = dict(data)
    for key in ("markers", "words", "time", "places", "parts"):
        if key in out:
            out[key] = _folded_lists(out[key])
    out["folded"] = True
    return out


def bundle(files: Mapping[str, bytes]) -> str:
    """The bundle's text for these data files (what scripts/catalogues.py writes)."""
    import tomllib

    data = {
        name: {
            "crc32": zlib.crc32(content),
            "data": _prepared(tomllib.loads(content.decode("utf-8"))),
        }
        for name, content in files.items()
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


@cache
def languages() -> dict[str, Language]:
    """Every language with a data file, by code; English first (the fallback)."""
    found: dict[str, Language] = {}
    for data in parsed(data_files()).values():
        language = Language(data)
        found[language.code] = language
    return found


def english() -> Language:
    """The fallback language."""
    return languages()["en"]


def _distinct(entries: Any) -> Any:
    """An English list without the entries that are other languages' words too: stems and
    words under four letters ("mon" is Monday in English and "my" in French; "pour*" is rain
    in English and "for" in French)."""
    if isinstance(entries, dict):
        return {k: _distinct(v) for k, v in entries.items()}
    if isinstance(entries, list):
        kept = [_distinct(e) for e in entries]
        return [
            e
            for e in kept
            if not isinstance(e, str) or ("*" not in e and (len(e) >= 4 or " " in e))
        ]
    return entries


@cache
def english_words_in_other_languages() -> Language:
    """English as a second language of a question in another one: people mix in English
    words ("weather", "forecast", "sunscreen"), but its short words mean other things."""
    data = dict(english()._data)
    for key in ("words", "time", "parts"):
        data[key] = _distinct(data.get(key, {}))
    data["places"] = {"never": data.get("places", {}).get("never", [])}
    return Language(data)


def detect(text: str) -> Language:
    """The language a question is written in: kana is Japanese, Han is Chinese (the script
    decided by its markers), Latin text the language whose markers it uses most (English on
    a tie)."""
    folded = fold(text)
    every = languages()
    han = len(CJK.findall(folded))
    latin_words = len(re.findall(r"[^\W\d_]{2,}", CJK.sub(" ", folded)))
    if han and han >= latin_words:
        # Kana is Japanese; Han alone is Chinese unless Japanese-only words (天気) say otherwise.
        kana = KANA.search(folded) is not None
        pool = [lang for lang in every.values() if lang.unspaced]
        preferred = "kana" if kana else "han"
    else:
        pool = [lang for lang in every.values() if not lang.unspaced]
        preferred = "latin"
    if not pool:
        return english()
    # Most markers wins; on a tie the script's own languages, then the first (English, the
    # simplified before the traditional script).
    scored = [
        (len(lang.markers.find(folded).spans), lang.script == preferred, -index, lang)
        for index, lang in enumerate(pool)
    ]
    best = max(scored, key=lambda item: item[:3])
    if best[0] == 0 and preferred == "latin":
        # No marker at all ("clima en Cancún"): the language whose words it uses most.
        return max(
            ((_known_words(lang, folded), -index, lang) for index, lang in enumerate(pool)),
            key=lambda item: item[:2],
        )[2]
    return best[3]


def _known_words(language: Language, folded: str) -> int:
    """How many of the text's words are weather, day or place words of `language`."""
    lists = [*language.topics.values(), *language.times.values(), language.prepositions]
    return sum(len(words.find(folded).spans) for words in lists)
