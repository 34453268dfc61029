"""Reading an English question: tokens, place names and the days asked about.

A tokeniser, a pass that reads place names after "in/for/at ...", a pass over capitalised
phrases, a lower-case fallback around weather nouns, and the time words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from weatherbot.offline.intent import MAX_DAYS, WEEK, When
from weatherbot.offline.words import (
    ABBREVIATIONS,
    CONNECTORS,
    KNOWN_CITIES,
    LIST_WORDS,
    NUMBER_WORDS,
    PLACE_PREPOSITIONS,
    STOP_WORDS,
    WEATHER_NOUNS,
    WEEKDAY_NAMES,
)
from weatherbot.providers.places import lookup_qualifier, parse_coordinates

_TOKEN = re.compile(
    r"(?P<coord>[-+]?\d{1,3}\.\d+\s*,\s*[-+]?\d{1,3}(?:\.\d+)?"
    r"|[-+]?\d{1,3}(?:\.\d+)?\s*,\s*[-+]?\d{1,3}\.\d+)"
    r"|(?P<num>\d+(?:[.:]\d+)?[^\W\d_]*)"
    r"|(?P<word>[^\W\d_]+(?:['.\-][^\W\d_]+)*\.?)"
    r"|(?P<sep>[,;&/+]|\s[-–—]\s)"
    r"|(?P<end>[?!.:()\[\]\"“”«»]+)"
)


@dataclass(frozen=True)
class Token:
    """One piece of an English question: a word, number, coordinate pair or punctuation."""

    text: str
    kind: str  # word | num | coord | sep | end

    @property
    def lower(self) -> str:
        """The text in lower case, for stop-word checks."""
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """Split English text into tokens; possessives lose their "'s" ("London's" → London)."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "end"
        value = match.group()
        if kind == "coord":
            value = re.sub(r"\s+", "", value)
        elif kind == "sep":
            value = value.strip()
        elif kind == "word":
            if value.endswith(".") and value.lower() not in ABBREVIATIONS and "." not in value[:-1]:
                tokens.append(Token(value[:-1], "word"))
                tokens.append(Token(".", "end"))
                continue
            if value.lower().endswith("'s") and value.lower() not in STOP_WORDS:
                value = value[:-2]
        tokens.append(Token(value, kind))
    return tokens


def is_name_word(token: Token, lowercase_ok: bool) -> bool:
    """Whether `token` may be part of a place name (capitalised, unless `lowercase_ok`)."""
    if token.kind != "word" or token.lower in STOP_WORDS or token.lower in LIST_WORDS:
        return False
    return lowercase_ok or token.text[0].isupper()


def _read_name(tokens: Sequence[Token], start: int, lowercase_ok: bool) -> tuple[str, int]:
    """The place name starting at `start` (may be empty) and the index after it."""
    words: list[str] = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        if is_name_word(token, lowercase_ok) or (
            words
            and token.kind == "word"
            and token.lower in CONNECTORS
            and i + 1 < len(tokens)
            and is_name_word(tokens[i + 1], lowercase_ok)
        ):
            words.append(token.text)
            i += 1
        else:
            break
    return _split_trailing_abbreviation(words), i


def _split_trailing_abbreviation(words: list[str]) -> str:
    """ "San Francisco CA" → "San Francisco, CA" (a state or country code without its comma)."""
    if (
        len(words) >= 2
        and 2 <= len(words[-1]) <= 3
        and words[-1].isupper()
        and lookup_qualifier(words[-1]) is not None
    ):
        return " ".join(words[:-1]) + ", " + words[-1]
    return " ".join(words)


def _is_qualifier(text: str) -> bool:
    return lookup_qualifier(text) is not None


def _next_item(tokens: Sequence[Token], i: int, lowercase_ok: bool) -> tuple[str, int, bool] | None:
    """The list item after separators at `i`: (name, index after it, joined by commas only)."""
    j = i
    only_commas = True
    while j < len(tokens) and (
        tokens[j].kind == "sep" or (tokens[j].kind == "word" and tokens[j].lower in LIST_WORDS)
    ):
        only_commas = only_commas and tokens[j].text == ","
        j += 1
    if j == i:
        return None
    if j < len(tokens) and tokens[j].lower in PLACE_PREPOSITIONS:
        j += 1  # "in London and in Paris"
        lowercase_ok = True
    if j < len(tokens) and tokens[j].kind == "coord":
        return tokens[j].text, j + 1, only_commas
    name, after = _read_name(tokens, j, lowercase_ok)
    return (name, after, only_commas) if name else None


def _attaches(
    previous: str, qualifiers: int, name: str, rest: tuple[str, int, bool] | None
) -> bool:
    """Whether `name`, after a comma, qualifies the previous place instead of starting one."""
    if qualifiers >= 2 or not _is_qualifier(name) or parse_coordinates(previous) is not None:
        return False
    if qualifiers == 0 and _is_qualifier(previous):
        return False  # "France, Spain and Italy" lists countries
    # "New York", "Washington": a state that is also a city is a list item mid-list
    # ("London, New York and Oslo") and a qualifier at the end ("Rochester, New York").
    return name.casefold() not in KNOWN_CITIES or rest is None


def _read_list(tokens: Sequence[Token], start: int, lowercase_ok: bool) -> tuple[list[str], int]:
    """Place names joined by commas, "and", "or"...; a qualifier after a comma stays attached."""
    if start < len(tokens) and tokens[start].kind == "coord":
        first, i = tokens[start].text, start + 1
    else:
        first, i = _read_name(tokens, start, lowercase_ok)
    if not first:
        return [], start
    items = [first]
    qualifiers = [0]
    item = _next_item(tokens, i, lowercase_ok)
    while item is not None:
        name, after, only_commas = item
        following = _next_item(tokens, after, lowercase_ok)
        if only_commas and _attaches(items[-1], qualifiers[-1], name, following):
            items[-1] = f"{items[-1]}, {name}"
            qualifiers[-1] += 1
        else:
            items.append(name)
            qualifiers.append(0)
        i = after
        item = following
    return items, i


def english_places(tokens: Sequence[Token]) -> list[str]:
    """Places from the preposition pass and the capitalised-phrase pass, in question order."""
    places: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "coord":
            found, i = _read_list(tokens, i, lowercase_ok=True)
            places += found
            continue
        if token.kind == "word" and token.lower in PLACE_PREPOSITIONS:
            found, after = _read_list(tokens, i + 1, lowercase_ok=True)
            if found:
                places += found
                i = after
                continue
        if is_name_word(token, lowercase_ok=False):
            found, after = _read_list(tokens, i, lowercase_ok=False)
            places += found
            i = max(after, i + 1)
            continue
        i += 1
    return places or _around_weather_noun(tokens)


def _around_weather_noun(tokens: Sequence[Token]) -> list[str]:
    """Lower-case fallback: "paris weather", "london and paris forecast", "weather berlin"."""
    for index, token in enumerate(tokens):
        if token.kind != "word" or token.lower not in WEATHER_NOUNS:
            continue
        start = index
        while start > 0 and (
            is_name_word(tokens[start - 1], lowercase_ok=True)
            or tokens[start - 1].kind == "sep"
            or tokens[start - 1].lower in LIST_WORDS | CONNECTORS
        ):
            start -= 1
        if start < index:
            found, end = _read_list(tokens, start, lowercase_ok=True)
            if found and end == index:
                return found
        found, _ = _read_list(tokens, index + 1, lowercase_ok=False)
        if not found and index + 1 < len(tokens) and tokens[index + 1].kind == "word":
            found, _ = _read_list(tokens, index + 1, lowercase_ok=True)
        if found:
            return found
    return []


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def english_when(words: Sequence[str]) -> tuple[When, int, int, frozenset[int], bool]:
    """(when, days, first_day, weekdays, said) from lower-case words."""
    joined = " ".join(words)
    present = set(words)
    if "overmorrow" in present or "day after tomorrow" in joined:
        # "tomorrow and the day after tomorrow" asks for both days.
        first_day = 1 if joined.count("tomorrow") > 1 else 2
        return "days", 3, first_day, frozenset(), True
    for index, word in enumerate(words):
        if word in {"days", "day"} and index > 0:
            count = _number(words[index - 1])
            if count is None and words[index - 1] in {"few", "couple"}:
                count = 3
            if count is None and index > 1 and words[index - 2] in {"few", "couple"}:
                count = 3  # "couple of days"
            if count is not None and count > 0:
                return "days", min(count, MAX_DAYS), 0, frozenset(), True
        if re.fullmatch(r"(\d+)-?day", word):
            return "days", min(max(int(re.sub(r"\D", "", word)), 1), MAX_DAYS), 0, frozenset(), True
    if "fortnight" in present or "two weeks" in joined or "2 weeks" in joined:
        return "days", 14, 0, frozenset(), True
    if present & {"weekend", "weekends"}:
        return "days", WEEK, 0, frozenset({5, 6}), True
    if present & {"week", "weekly"}:
        return "days", WEEK, 0, frozenset(), True
    named = frozenset(WEEKDAY_NAMES[w] for w in words if w in WEEKDAY_NAMES)
    if named:
        return "days", WEEK, 0, named, True
    tomorrow = bool(present & {"tomorrow", "tmrw", "tmr"})
    today = bool(present & {"today", "tonight", "now", "currently"}) or "right now" in joined
    if tomorrow and today:
        return "days", 2, 0, frozenset(), True
    if tomorrow:
        return "tomorrow", 2, 1, frozenset(), True
    return "today", 1, 0, frozenset(), today
