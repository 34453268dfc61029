"""How answers write numbers, dates, clock times and lists in one language ([format])."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Formats:
    """How answers write numbers, dates and lists in a language."""

    decimal: str
    percent: str
    degrees: str
    date: str
    date_short: str
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    list_and: str
    list_sep: str
    colon: str  # after a heading: ": ", " : " (French), "："
    clause_sep: str  # between the parts of one line: "; ", "；"
    full_stop: str
    clock: str  # a local time: "{hh}:{mm}" (16:28), "{h} h {mm}", "{h}時{mm}分"
    bracket: str  # an aside: "{a} ({b})", or full-width "{a}（{b}）" beside CJK text
