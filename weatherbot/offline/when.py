"""Which days a question asks about, from the language data's day words and patterns.

Every day word of the question's language (and English, which people mix in) is found with its
span; a word inside a longer one is dropped ("heute Morgen" is this morning, not "morgen",
tomorrow; "day after tomorrow" is not "tomorrow"). Then the most specific reading wins: a day
N days away, the next N days, the weekend, a week, named weekdays, tomorrow, tonight, today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from weatherbot.offline.language import Language
from weatherbot.offline.matching import CountPattern, fold
from weatherbot.offline.typos import nearest

HORIZON = 16  # the most days get_forecast gives
WEEK = 7


@dataclass(frozen=True)
class Days:
    """The days asked about: `first_day` .. `days - 1` from the place's today (0 = today).

    `weekdays` (Monday = 0) keeps only those days, the first of each; `beyond` is a number of
    days asked for past the horizon.
    """

    first_day: int = 0
    days: int = 1
    weekdays: frozenset[int] = frozenset()
    tonight: bool = False
    said: bool = False
    beyond: int | None = None
    # Only the days of the next calendar week (Monday to Sunday after this one): "下周二".
    next_week: bool = False

    @property
    def today_only(self) -> bool:
        """Whether only today is asked about."""
        return self.first_day == 0 and self.days == 1 and not self.weekdays


def outermost(found: Sequence[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    """The matches by kind, without those inside a longer match of another kind."""
    kept: dict[str, list[tuple[int, int]]] = {}
    for kind, a, b in found:
        inside = any(
            c <= a and b <= d and (d - c) > (b - a) and other != kind for other, c, d in found
        )
        if not inside:
            kept.setdefault(kind, []).append((a, b))
    return kept


def time_spans(text: str, languages: Sequence[Language]) -> dict[str, list[tuple[int, int]]]:
    """Each time word kind's matches in folded `text`, words inside longer ones removed."""
    found: list[tuple[str, int, int]] = []
    for language in languages:
        for kind, words in language.times.items():
            found += [(kind, a, b) for a, b in words.find(text).spans]
        for index, words in enumerate(language.weekdays):
            found += [(f"weekday{index}", a, b) for a, b in words.find(text).spans]
        for offset, words in language.offsets.items():
            found += [(f"offset{offset}", a, b) for a, b in words.find(text).spans]
    return outermost(found)


def _count(patterns: Sequence[CountPattern], text: str) -> int | None:
    """The number in the first (longest) pattern that matches."""
    for pattern in patterns:
        count = pattern.search(text)
        if count is not None:
            return count
    return None


def _typo_days(text: str, language: Language) -> str:
    """The text with misspelled day words corrected ("tommorow" -> "tomorrow")."""
    if language.unspaced:
        return text
    known = [w for words in language.times.values() for w in words.words]
    known += [w for day in language.weekdays for w in day.words]
    lists = language.vocabulary()
    patterns = language.days_ahead + language.in_days + language.weeks_ahead + language.in_weeks
    in_patterns = {t for pattern in patterns for t in pattern.tokens}
    words = text.split(" ")
    for index, word in enumerate(words):
        bare = word.strip("?!.,;:¿¡")
        if len(bare) < 5 or bare in in_patterns or any(lst.has_word(bare) for lst in lists):
            continue  # a word the language knows (or a pattern's, "semaines"), not a slip
        near = nearest(bare, (k for k in known if len(k) >= 5))
        if near is not None:
            words[index] = word.replace(bare, near)
    return " ".join(words)


def _one_day(count: int) -> Days:
    """The one day `count` days from today (past the horizon: its last day, said so)."""
    if count >= HORIZON:
        return Days(HORIZON - 1, HORIZON, said=True, beyond=count)
    return Days(count, count + 1, said=True)


def _next_days(count: int) -> Days:
    """Today and the next days, `count` in all (past the horizon: the horizon, said so)."""
    if count > HORIZON:
        return Days(0, HORIZON, said=True, beyond=count)
    return Days(0, count, said=True)


def read_days(question: str, language: Language, also: Sequence[Language]) -> Days:
    """The days `question` asks about (today when it says nothing)."""
    text = _typo_days(fold(question), language)
    languages = [language, *[lang for lang in also if lang is not language]]
    for lang in languages:
        weeks = _count(lang.in_weeks, text)
        if weeks is not None and weeks > 0:
            return _one_day(weeks * WEEK)
        weeks = _count(lang.weeks_ahead, text)
        if weeks is not None and weeks > 0:
            return _next_days(weeks * WEEK)
    for lang in languages:
        count = _count(lang.in_days, text)
        if count is not None and count > 0:
            return _one_day(count)
    spans = time_spans(text, languages)
    offsets = [int(kind[6:]) for kind in spans if kind.startswith("offset")]
    if offsets:
        return _one_day(max(offsets))
    if "day_after_tomorrow" in spans:
        return Days(1 if "tomorrow" in spans else 2, 3, said=True)
    for lang in languages:
        count = _count(lang.days_ahead, text)
        if count is not None and count > 1:
            return _next_days(count)
    named = frozenset(int(k[-1]) for k in spans if k.startswith("weekday"))
    if "weekend" in spans:
        named = named | {5, 6}
    if "next_week" in spans:
        # "next week", "下周二", "next weekend": the days of the next calendar week.
        return Days(1, 2 * WEEK, named, said=True, next_week=True)
    if named:
        coming = "next" in spans
        return Days(1 if coming else 0, WEEK + 1, named, said=True)
    if "this_week" in spans:
        return Days(0, WEEK, said=True)
    today = "today" in spans or "now" in spans or "tonight" in spans
    if "tomorrow" in spans:
        return Days(0, 2, said=True) if today else Days(1, 2, said=True)
    if "tonight" in spans:
        return Days(0, 1, tonight=True, said=True)
    if "now" in spans:
        return Days(0, 1, said=True)
    if "today" in spans:
        return Days(0, 1, said=True)
    return Days()
