"""The offline planner: a question in any language with a data file becomes a Plan.

Pure functions, no I/O beyond reading the packaged data once. The language is detected from
its markers, then that language's words (and English's, which people mix in) say what is
asked about and when; the gazetteer finds the places (`places`), the day words the days
(`when`). Nothing here knows a particular language.
"""

from __future__ import annotations

import re
from dataclasses import replace

from weatherbot.offline.gazetteer import load
from weatherbot.offline.hours import read_hours
from weatherbot.offline.intent import Kind, Plan, Social, Unit
from weatherbot.offline.language import (
    Language,
    detect,
    english,
    english_words_in_other_languages,
    languages,
)
from weatherbot.offline.matching import fold
from weatherbot.offline.place_ref import PlaceRef
from weatherbot.offline.places import find_places
from weatherbot.offline.saved import NO_SAVED, SavedNames, with_saved
from weatherbot.offline.typos import nearest
from weatherbot.offline.when import WEEK, outermost, read_days, time_spans

# Units written with symbols, in any language: "70°F", "20 ℃", "5C".
_FAHRENHEIT = re.compile(r"°\s*f\b|℉|\d\s*f\b", re.IGNORECASE)
_CELSIUS = re.compile(r"°\s*c\b|℃|\d\s*c\b", re.IGNORECASE)
_SOCIAL_TOPICS = frozenset({"greeting", "thanks"})
_UNIT_TOPICS = frozenset({"fahrenheit", "celsius"})


def _normalise(question: str) -> str:
    text = question.replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def _topics(folded: str, active: list[Language]) -> set[str]:
    """The topics asked about: a word inside a longer word of another topic does not count
    (湿度 is humidity, not 度, degrees), nor, in text without spaces, the general weather word
    straddling a day word (今天气温 is 今天 and 气温, not 天气: it asks for the temperature)."""
    found: list[tuple[str, int, int]] = []
    for language in active:
        for topic, words in language.topics.items():
            found += [(topic, a, b) for a, b in words.find(folded).spans]
    days = [span for spans in time_spans(folded, active).values() for span in spans]
    unspaced = any(language.unspaced for language in active)
    topics: set[str] = set()
    for topic, spans in outermost(found).items():
        for a, _b in spans:
            if unspaced and topic == "general" and any(c < a < d for c, d in days):
                continue
            topics.add(topic)
    return topics


def _typo_topics(folded: str, language: Language) -> set[str]:
    """Topics from misspelled weather words ("temprature", "forcast")."""
    if language.unspaced:
        return set()
    lists = language.vocabulary()
    gazetteer = load()
    by_word = {
        w: topic
        for topic, words in language.topics.items()
        if topic not in _SOCIAL_TOPICS
        for w in words.words
        if len(w) >= 5
    }
    found: set[str] = set()
    for word in re.findall(r"[^\W\d_]{5,}", folded):
        if any(lst.has_word(word) for lst in lists) or gazetteer.lookup(word):
            continue  # a word the language knows, or a place's name: not a slip
        near = nearest(word, by_word)
        if near is not None:
            found.add(by_word[near])
    return found


def explicit_unit(text: str, active: list[Language] | None = None) -> Unit | None:
    """The unit the question names (°F, Fahrenheit, imperial / °C, Celsius, metric...),
    the first one mentioned winning."""
    folded = fold(text)
    mentions: list[tuple[int, Unit]] = []
    for language in active or list(languages().values()):
        for topic, unit in (("fahrenheit", "Fahrenheit"), ("celsius", "Celsius")):
            spans = language.topics[topic].find(folded).spans
            mentions += [(spans[0][0], unit)] if spans else []  # type: ignore[list-item]
    for pattern, unit in ((_FAHRENHEIT, "Fahrenheit"), (_CELSIUS, "Celsius")):
        match = pattern.search(folded)
        mentions += [(match.start(), unit)] if match else []  # type: ignore[list-item]
    return min(mentions)[1] if mentions else None


def _no_city(places: list[PlaceRef]) -> bool:
    """Whether no place the question names is a city the gazetteer knows or a saved place."""
    return all(place.entry is None and place.saved is None for place in places)


def _without(text: str, places: list[PlaceRef], spans: list[tuple[int, int]]) -> str:
    """The text with each place's words (and the other `spans`) blanked out."""
    chars = list(text)
    for start, end in [*((p.start, p.end) for p in places), *spans]:
        if 0 <= start < end <= len(chars):
            chars[start:end] = " " * (end - start)
    return "".join(chars)


def plan(question: str, saved: SavedNames = NO_SAVED) -> Plan:
    """Read a weather question and plan what to look up; never raises. `saved`: the user's
    saved places, which the question may name ("at home", "at the cabin")."""
    text = _normalise(question)
    folded = fold(text)
    language = detect(text)
    active = [language]
    if language.code != "en":
        active.append(english_words_in_other_languages())
    places = find_places(text, active, languages().values())
    # English words for home and work are read in every language, as its weather words are;
    # Chinese and Japanese share 家 and 公司, and a short question may be read as either script.
    home_languages = [language] if language.code == "en" else [language, english()]
    if language.unspaced:
        home_languages += [lang for lang in languages().values() if lang.unspaced]
    places, home_words = with_saved(text, home_languages, places, saved)
    # The places' own words say nothing about the day or the weather: "Santo Domingo" is not
    # Sunday, "Cabo Frio" not cold (its other "frio" still is).
    rest = _without(text, places, home_words)
    folded = fold(rest)
    topics = _topics(folded, active) | _typo_topics(folded, language)
    days = read_days(rest, language, active)
    weather_topics = topics - _SOCIAL_TOPICS - _UNIT_TOPICS - {"compare"}
    if topics & _UNIT_TOPICS:
        weather_topics.add("temperature")  # "多少华氏度", "in Fahrenheit?": degrees asked for
    hours, days = read_hours(rest, active, days, weather_topics)
    if "snow" in weather_topics and hours is None and not days.said:
        # "Is it going to snow in Oslo?" is about the coming days, as "this week" is: today
        # alone would miss tomorrow's snow.
        days = replace(days, days=WEEK)
    kind: Kind = "weather"
    social: Social | None = None
    greeted = topics & _SOCIAL_TOPICS
    if not places or (not weather_topics and _no_city(places) and not days.said):
        # "Danke!", "Guten Morgen!" (its "Morgen" is no day then), "¿Cuál es la capital de
        # Francia?", "Qui a écrit Les Misérables ?": no weather asked, no city named.
        if (weather_topics or days.said) and not (greeted and not weather_topics):
            kind = "no_place"
        else:
            kind = "social"
            social = "thanks" if "thanks" in topics else "greeting" if greeted else "other"
        places = []
    compare = len(places) > 1 and bool(topics & {"compare", "warmer", "colder"})
    return Plan(
        places=places,
        topics=frozenset(weather_topics | (topics & {"compare"})),
        days=days,
        unit=explicit_unit(text, active),
        language=language.code,
        kind=kind,
        social=social,
        compare=compare,
        asks_what=bool(weather_topics),
        hours=hours,
    )
