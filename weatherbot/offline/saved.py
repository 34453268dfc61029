"""Saved places in a question: the names the user gave places ("home", "the cabin", "mum's")
and each language's words for home and work (`home` / `work` in a data file's [places]).

They are read before the gazetteer, so a saved "Paris" is the user's place, but a longer
name of the gazetteer holding one still wins ("石家庄" is Shijiazhuang, not 家 "home"; "Cabin
Creek" is no saved "cabin"). Without a saved "home", the words for home are no place at all:
the question is one without a place, which the default saved place answers (`with_default`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from weatherbot.offline.intent import Plan
from weatherbot.offline.language import Language
from weatherbot.offline.matching import CJK, WordList, fold
from weatherbot.offline.place_ref import PlaceRef
from weatherbot.providers.saved_places import Saved, name_key

# The [places] lists naming a saved place by what it is, and the name it must be saved as.
KIND_WORDS = ("home", "work")


@dataclass(frozen=True)
class SavedNames:
    """The saved places the planner may read in a question: their names, and the default."""

    names: tuple[str, ...] = ()
    default: str | None = None

    @classmethod
    def of(cls, saved: Saved | None) -> SavedNames:
        """The names of the user's saved places (none without any)."""
        if saved is None:
            return cls()
        default = saved.default_place()
        return cls(tuple(p.name for p in saved.places.values()), default.name if default else None)

    def named(self, key: str) -> str | None:
        """The saved name whose key is `key` ("Home" for "home"), if one is saved."""
        return next((n for n in self.names if name_key(n) == key), None)


NO_SAVED = SavedNames()


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    saved: str | None  # None: a word for home or work with no such place saved


def _folded(text: str) -> tuple[str, list[int]]:
    """The text folded character by character, and where each folded character came from:
    folding changes lengths ("ß" is "ss"), and the places keep positions in the text."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = " " if char.isspace() else fold(char)
        out.append(folded)
        origin += [index] * len(folded)
    return "".join(out), origin


def _name_forms(name: str) -> set[str]:
    """How a saved name may be written: "My Cabin" as "my cabin" or "cabin", "mum's" also
    as "mums" (people drop the apostrophe)."""
    forms = {fold(name), fold(name_key(name))}
    return forms | {f[:-2] + "s" for f in forms if f.endswith("'s")}


def _matches(folded: str, languages: Sequence[Language], saved: SavedNames) -> list[_Match]:
    """Every saved name and word for home or work in the folded text, longest first."""
    found: list[_Match] = []
    for name in saved.names:
        forms = _name_forms(name)
        for unspaced in (False, True):
            entries = [f for f in forms if bool(CJK.search(f)) == unspaced]
            spans = WordList(entries, unspaced, folded=True).find(folded).spans if entries else ()
            found += [_Match(a, b, name) for a, b in spans]
    excluded: list[tuple[int, int]] = []
    for language in languages:
        excluded += language.place_words("not_home").find(folded).spans
    for language in dict.fromkeys(languages):
        for kind in KIND_WORDS:
            spans = language.place_words(kind).find(folded).spans
            found += [_Match(a, b, saved.named(kind)) for a, b in spans]
    # 国家 (country) holds 家 (home): a word of the exclusions is not a word for home.
    found = [m for m in found if not any(a <= m.start and m.end <= b for a, b in excluded)]
    # Leftmost, then longest, then a saved place before an unsaved word.
    found.sort(key=lambda m: (m.start, m.start - m.end, m.saved is None))
    kept: list[_Match] = []
    for match in found:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def with_saved(
    text: str, languages: Sequence[Language], places: list[PlaceRef], saved: SavedNames
) -> tuple[list[PlaceRef], list[tuple[int, int]]]:
    """The question's places with its saved places among them, and the spans of the text
    whose words were read as saved places or words for home (blanked before the day and
    weather words are read)."""
    folded, origin = _folded(text)
    matches = [
        _Match(origin[m.start], origin[m.end - 1] + 1, m.saved)
        for m in _matches(folded, languages, saved)
    ]

    def inside_longer(match: _Match) -> bool:
        return any(
            p.start <= match.start
            and match.end <= p.end
            and p.end - p.start > match.end - match.start
            for p in places
        )

    matches = [m for m in matches if not inside_longer(m)]
    if not matches:
        return places, []
    overlapping = [p for p in places if any(p.start < m.end and m.start < p.end for m in matches)]
    kept = [p for p in places if p not in overlapping]
    refs = [
        PlaceRef(text[m.start : m.end], None, m.start, m.end, saved=m.saved)
        for m in matches
        if m.saved is not None
    ]
    seen: set[str] = set()
    merged: list[PlaceRef] = []
    for place in sorted([*kept, *refs], key=lambda p: p.start):
        if place.key not in seen:  # "at home ... home": one place
            seen.add(place.key)
            merged.append(place)
    return merged, [(m.start, m.end) for m in matches]


def with_default(turn: Plan, saved: SavedNames) -> Plan:
    """A weather question without a place (nor an earlier one to continue) asks about the
    default saved place, when one is set."""
    if turn.kind != "no_place" or saved.default is None:
        return turn
    place = PlaceRef(saved.default, None, saved=saved.default)
    return replace(turn, places=[place], kind="weather")
