"""Places in text written without spaces (Chinese, Japanese): the index's names, longest first."""

from __future__ import annotations

from collections.abc import Sequence

from weatherbot.offline.choosing import clear_winner
from weatherbot.offline.gazetteer import Entry, Gazetteer
from weatherbot.offline.matching import CJK, WordList, fold
from weatherbot.offline.place_ref import PlaceRef


def cjk_places(text: str, vocabulary: Sequence[WordList], gazetteer: Gazetteer) -> list[PlaceRef]:
    """Places in text without spaces: the longest known name at each character, unless a
    vocabulary word there is as long (明天 is a day even if some town is called so)."""
    folded = fold(text)
    found: list[PlaceRef] = []
    longest = max(gazetteer.max_chars, 2)
    i = 0
    while i < len(folded):
        if not CJK.match(folded[i]):
            i += 1
            continue
        word = max((len(m) for w in vocabulary for m in _words_at(w, folded, i)), default=0)
        hit: tuple[int, list[Entry]] | None = None
        for length in range(min(longest, len(folded) - i), max(word, 1), -1):
            piece = folded[i : i + length]
            if not all(CJK.match(c) for c in piece):
                continue
            entries = gazetteer.lookup(piece)
            if entries:
                hit = (length, entries)
                break
        if hit is None:
            i += max(word, 1)
            continue
        length, entries = hit
        name = folded[i : i + length]
        if "city" in {e.kind for e in entries}:
            winner = clear_winner(entries, name)
            found.append(PlaceRef(name, winner, i, i + length))
        else:
            found.append(PlaceRef(entries[0].name, None, i, i + length))
        i += length
    return found


def _words_at(words: WordList, text: str, index: int) -> list[str]:
    """The list's entries that occur in `text` starting at `index`."""
    return [e for e in words.entries if "*" not in e and e and text.startswith(e, index)]
