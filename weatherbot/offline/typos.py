"""Small typos: "tomorow", "Chicgo", "Múnchen" are one or two letters from a known word."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from weatherbot.offline.gazetteer import fold as fold_name

if TYPE_CHECKING:
    from weatherbot.offline.gazetteer import Entry, Gazetteer

# Only cities this big are guessed from a misspelling: a small town one letter away from what
# was typed is more likely a wrong guess than what the person meant.
TYPO_POPULATION = 100_000
SWAP_LENGTH = 4  # the one word length that forgives only a swap of two letters


def allowed_edits(word: str) -> int:
    """How many letters may be wrong: none in short words (too many near misses), one from
    five letters, two from nine."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 9 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit; `limit + 1` once over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def closest(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates at the smallest distance within the allowed edits of `word`."""
    limit = allowed_edits(word)
    if limit == 0:
        return []
    best: list[str] = []
    best_distance = limit + 1
    for candidate in candidates:
        if candidate[:1] != word[:1]:
            continue  # a wrong first letter is a rare slip, and checking every name is slow
        d = distance(word, candidate, min(limit, best_distance))
        if d < best_distance:
            best, best_distance = [candidate], d
        elif d == best_distance and d <= limit and candidate not in best:
            best.append(candidate)
    return best if best_distance <= limit else []


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The one candidate closest to `word` within the allowed edits (None on a tie)."""
    best = closest(word, candidates)
    return best[0] if len(best) == 1 else None


def close_enough(folded: str, gazetteer: Gazetteer) -> Entry | None:
    """The big city whose name is a small typo away from `folded`: the biggest of the closest
    names, if it is clearly bigger than the others ("chicgo" is Chicago, not Chico)."""
    limit = allowed_edits(folded)
    # Four letters allow no slip but two neighbours swapped ("olso"): one letter wrong in so
    # short a word meets too many real names, a swap keeps every letter that was typed.
    swap_only = limit == 0 and len(folded) == SWAP_LENGTH
    if limit == 0 and not swap_only:
        return None
    # A slip is taken to spare the first letter (closest() skips the others), so only the
    # names that start like this one are read: a twentieth of the index.
    initial = folded[:1] if folded[:1].isascii() else ""
    names = gazetteer.big_names(TYPO_POPULATION, initial)
    if swap_only:
        near = [
            n
            for n in names
            if len(n) == SWAP_LENGTH and sorted(n) == sorted(folded) and distance(folded, n, 1) == 1
        ]
    else:
        near = closest(folded, (n for n in names if abs(len(n) - len(folded)) <= limit))
    # Two spellings of one city ("marseille", "marsele") are one candidate, not a tie; a
    # city's own name beats another city's rare alternate spelling ("lyonn" is Lyon).
    unique: dict[tuple[float, float], Entry] = {}
    own: set[tuple[float, float]] = set()
    for name in near:
        for entry in gazetteer.lookup(name)[:1]:
            if entry.kind == "city":
                key = (entry.latitude, entry.longitude)
                unique[key] = entry
                if fold_name(entry.name) == name:
                    own.add(key)
    pool = [e for k, e in unique.items() if k in own] or list(unique.values())
    cities = sorted(pool, key=lambda e: -e.population)
    if not cities:
        return None
    if len(cities) > 1 and cities[1].population * 3 > cities[0].population:
        return None
    return cities[0]
