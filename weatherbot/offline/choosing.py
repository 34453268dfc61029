"""Which place of the index a name means: a clear winner, or narrowed by a qualifier."""

from __future__ import annotations

import re
from collections.abc import Sequence

from weatherbot.offline.gazetteer import Entry, Gazetteer
from weatherbot.offline.gazetteer import fold as name_fold
from weatherbot.offline.matching import fold

# A runner-up with this share of the leader's population makes a bare name ambiguous (the same
# rule as the geocoder's): "Springfield" is left to the geocoder, which asks which one.
AMBIGUITY_RATIO = 1 / 3
# How much bigger a city known by another name must be to beat one called by the name typed.
CALLED_ADVANTAGE = 10


def clear_winner(
    entries: Sequence[Entry], typed: str = "", prefer: frozenset[str] = frozenset()
) -> Entry | None:
    """The one place a name means, or None when another is nearly as big (ambiguous).

    A city called so beats one that merely lists the name among its alternates ("Porto" is
    Porto, not a Chinese city with "Porto" among its spellings), unless that one is more than
    CALLED_ADVANTAGE times bigger. A name shared by comparable cities is settled by the
    countries of the question's language (`prefer`: "Valencia" asked in Spanish is Spain's),
    and otherwise left to the geocoder, which asks which one.
    """
    cities = [e for e in entries if e.kind == "city"]
    if not cities:
        return None
    called = [e for e in cities if typed and _called(e.name) == name_fold(typed)]
    # ... unless the other is far bigger: "Pekín" is Beijing, not Pekin, Illinois.
    if called and called[0].population * CALLED_ADVANTAGE >= cities[0].population:
        cities = called
    if any(e.abbreviation for e in cities):
        return next(e for e in cities if e.abbreviation)
    best = _unrivalled(cities)
    if best is None and prefer:
        best = _unrivalled([e for e in cities if e.country_code in prefer])
    return best


def _called(name: str) -> str:
    """A city's own name without its bracketed qualifier: "Halle (Saale)" is called Halle."""
    return name_fold(re.sub(r"\s*\(.*?\)", "", name))


def _unrivalled(cities: Sequence[Entry]) -> Entry | None:
    """The biggest city unless another elsewhere is nearly as big."""
    if not cities:
        return None
    best = cities[0]
    for other in cities[1:]:
        if (other.admin1, other.country_code) == (best.admin1, best.country_code):
            continue
        if other.population >= best.population * AMBIGUITY_RATIO:
            return None
        break
    return best


def narrowed(entries: Sequence[Entry], qualifier: str, gazetteer: Gazetteer) -> list[Entry]:
    """The entries a qualifier ("TX", "Texas", "France", "Frankreich") allows."""
    country = gazetteer.country_code(qualifier)
    if qualifier.upper() in ("UK", "USA", "US"):
        country = {"UK": "GB", "USA": "US", "US": "US"}[qualifier.upper()]
    if country is not None:
        return [e for e in entries if e.country_code == country]
    kept: list[Entry] = []
    for entry in entries:
        region = gazetteer.region(qualifier, entry.country_code)
        if region is not None and region.admin1 is not None:
            if entry.admin1 and fold(entry.admin1) == fold(region.admin1 or region.name):
                kept.append(entry)
        elif region is not None and entry.admin1 and fold(entry.admin1) == fold(region.name):
            kept.append(entry)
    return kept


def is_qualifier(text: str, gazetteer: Gazetteer) -> bool:
    if text.upper() in ("UK", "USA", "US"):
        return True
    if gazetteer.country_code(text) is not None:
        return True
    return gazetteer.region(text) is not None or (
        text.isupper() and 2 <= len(text) <= 3 and gazetteer.region(text, "US") is not None
    )
