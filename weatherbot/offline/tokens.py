"""A question's text as tokens for the place reader: words (an elision split off its name),
numbers, coordinate pairs, separators and ends of sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from weatherbot.offline.matching import fold

_TOKEN = re.compile(
    r"(?P<coord>[-+]?\d{1,3}\.\d+\s*,\s*[-+]?\d{1,3}(?:\.\d+)?"
    r"|[-+]?\d{1,3}(?:\.\d+)?\s*,\s*[-+]?\d{1,3}\.\d+)"
    r"|(?P<num>\d+(?:[.:,]\d+)?[^\W\d_]*)"
    r"|(?P<word>[^\W\d_]+(?:['.\-][^\W\d_]+)*\.?)"
    r"|(?P<sep>[,;&/+(（、，])"
    r"|(?P<end>[?!.:)\]\"“”«»？！。：）]+)"
)


# French and Italian elisions before a name: d'Amiens, l'Aquila, jusqu'à.
_ELIDED = re.compile(r"^((?:[dlnmtsjc]|qu|jusqu|lorsqu|puisqu)['’])(\w.*)$")
# The elisions a place name may follow: d'Amiens, l'Aquila, jusqu'Amiens; a
# pronoun's (s'arrête, n'est, m'habille) starts a verb, never a place.
PLACE_ELISION = re.compile(r"^(?:d|l|jusqu)['’]$")


@dataclass(frozen=True)
class Token:
    """One word, number, coordinate pair or punctuation mark of a question."""

    text: str
    folded: str
    kind: str  # word | num | coord | sep | end
    start: int

    @property
    def capitalised(self) -> bool:
        """Whether the word is written with a capital first letter (as a name)."""
        return self.text[:1].isupper()


def tokens(text: str) -> list[Token]:
    """The words, numbers, coordinates and punctuation of `text`, elisions split off."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "end"
        value = match.group()
        if kind == "word" and value.endswith(".") and value.count(".") == 1 and len(value) > 4:
            value = value[:-1]  # "Berlin." ends a sentence; "St." and "D.C." keep the dot
        if kind == "word" and value.casefold().endswith(("'s", "’s")) and len(value) > 3:
            value = value[:-2]  # "London's weather"
        elided = _ELIDED.match(value) if kind == "word" else None
        if elided:
            # "d'Amiens", "l'Aquila": the article or preposition, then the name.
            tokens.append(Token(elided.group(1), fold(elided.group(1)), "word", match.start()))
            rest = elided.group(2)
            tokens.append(Token(rest, fold(rest), "word", match.start() + len(elided.group(1))))
            continue
        tokens.append(Token(value, fold(value), kind, match.start()))
    return tokens
