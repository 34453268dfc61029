"""Matching words of the language data against a question, without regular expressions.

`fold` makes the matching form (case, accents, width); a `WordList` finds whole words, stems
and phrases (or, for scripts without spaces, substrings); a `CountPattern` finds "next {n}
days". Compiling a few hundred regular expressions cost more than the rest of an answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# Han characters, kana and the CJK punctuation that goes with them.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u31f0-\u31ff]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def fold(text: str) -> str:
    """The matching form of text: NFKC, lower case, accents removed, one space between words."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    # Dakuten on kana are combining marks too: keep them, or ブ would become フ.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c) or c in "\u3099\u309a")
    return " ".join(unicodedata.normalize("NFC", stripped).split())


@dataclass(frozen=True)
class Matches:
    """Where a word list matched: (start, end) spans in the text it was matched on."""

    spans: tuple[tuple[int, int], ...]

    def __bool__(self) -> bool:
        return bool(self.spans)


# A word for matching: letters and digits, joined by apostrophes or hyphens ("it's", "7-day",
# "t-shirt"); a leading degree sign keeps "°f" one word.
_WORD = re.compile(r"°?\w+(?:['\-]\w+)*")


@lru_cache(maxsize=64)
def words_of(text: str) -> tuple[tuple[str, int, int], ...]:
    """The words of a folded text with their character spans (cached: every list asks)."""
    return tuple((m.group(), m.start(), m.end()) for m in _WORD.finditer(text))


def _entry_words(entry: str) -> tuple[str, ...]:
    stem = entry.endswith("*")
    words = tuple(m.group() for m in _WORD.finditer(entry.rstrip("*")))
    return (*words[:-1], words[-1] + "*") if stem and words else words


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


class WordList:
    """One list of a data file: whole words, `stem*` prefixes and phrases, matched on words
    (or, for scripts without spaces, anywhere in the text). No regular expressions: compiling
    a few hundred of them cost more than the rest of an offline answer."""

    def __init__(self, entries: Iterable[str], unspaced: bool, folded: bool = False) -> None:
        forms = entries if folded else (fold(e) for e in entries)
        self.entries = sorted({f for f in forms if f.strip("*")}, key=len)
        self.unspaced = unspaced
        self.words = frozenset(e for e in self.entries if " " not in e and "*" not in e)
        self.stems = tuple(e[:-1] for e in self.entries if e.endswith("*") and " " not in e)
        self._phrases: dict[str, list[tuple[str, ...]]] = {}
        if not unspaced:
            for entry in self.entries:
                words = _entry_words(entry)
                if len(words) > 1 or (
                    words and words[0] != entry.rstrip("*") + ("*" if entry.endswith("*") else "")
                ):
                    self._phrases.setdefault(words[0].rstrip("*"), []).append(words)
            for phrases in self._phrases.values():
                phrases.sort(key=len, reverse=True)
        # Phrases whose first word is a stem ("pour* down"): found by prefix, not by key.
        self._stem_phrases = [
            (key, phrase)
            for key, phrases in self._phrases.items()
            for phrase in phrases
            if phrase[0].endswith("*")
        ]
        self._substrings = sorted((e for e in self.entries if "*" not in e), key=len, reverse=True)

    def find(self, text: str) -> Matches:
        """Every match in `text` (folded), leftmost-longest, without overlaps."""
        return Matches(self._unspaced(text) if self.unspaced else self._spaced(text))

    def _spaced(self, text: str) -> tuple[tuple[int, int], ...]:
        words = words_of(text)
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            length = self._longest_at(words, i)
            if length:
                spans.append((words[i][1], words[i + length - 1][2]))
                i += length
            else:
                i += 1
        return tuple(spans)

    def _longest_at(self, words: tuple[tuple[str, int, int], ...], i: int) -> int:
        word = words[i][0]
        stems = [phrase for key, phrase in self._stem_phrases if word.startswith(key)]
        for phrase in sorted([*self._phrases.get(word, []), *stems], key=len, reverse=True):
            if i + len(phrase) <= len(words) and all(
                _word_matches(p, words[i + k][0]) for k, p in enumerate(phrase)
            ):
                return len(phrase)
        return 1 if self.has_word(word) else 0

    def _unspaced(self, text: str) -> tuple[tuple[int, int], ...]:
        found: list[tuple[int, int]] = []
        for entry in self._substrings:
            start = text.find(entry)
            while start >= 0:
                found.append((start, start + len(entry)))
                start = text.find(entry, start + 1)
        found.sort(key=lambda span: (span[0], span[0] - span[1]))
        kept: list[tuple[int, int]] = []
        for span in found:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return tuple(kept)

    def has_word(self, word: str) -> bool:
        """Whether one folded word is on the list (as a word or by a stem)."""
        return word in self.words or any(word.startswith(s) for s in self.stems)


class CountPattern:
    """A time pattern with a number in it ("next {n} days", "未来{n}天"), matched by hand."""

    def __init__(self, entry: str, unspaced: bool, numbers: Mapping[str, int]) -> None:
        self.unspaced = unspaced
        self.before, _, self.after = fold(entry).partition("{n}")
        self.numbers = numbers
        self.tokens = _entry_words(fold(entry).replace("{n}", "0n0"))

    def search(self, text: str) -> int | None:
        """The number of the first match in `text` (folded), or None."""
        return self._unspaced(text) if self.unspaced else self._spaced(text)

    def _number(self, text: str) -> int | None:
        # isdecimal, not isdigit: "𑁒" (Brahmi one) and "²" are digits int() cannot read.
        if text.isdecimal() and len(text) <= 3:
            return int(text)
        return self.numbers.get(text) or cjk_number(text, self.numbers)

    def _spaced(self, text: str) -> int | None:
        words = [w for w, _, _ in words_of(text)]
        size = len(self.tokens)
        for i in range(len(words) - size + 1):
            count: int | None = None
            for pattern, word in zip(self.tokens, words[i : i + size], strict=True):
                if "0n0" in pattern:
                    head, _, tail = pattern.partition("0n0")
                    middle = word[len(head) : len(word) - len(tail)] if tail else word[len(head) :]
                    if not (word.startswith(head) and word.endswith(tail) and middle):
                        break
                    count = self._number(middle)
                    if count is None:
                        break
                elif not _word_matches(pattern, word):
                    break
            else:
                if count is not None:
                    return count
        return None

    def _unspaced(self, text: str) -> int | None:
        digits = set("0123456789") | {c for key in self.numbers for c in key} | {"十"}
        start = text.find(self.before) if self.before else 0
        while start >= 0:
            i = j = start + len(self.before)
            while j < len(text) and text[j] in digits:
                j += 1
            if j > i and text.startswith(self.after, j):
                count = self._number(text[i:j].strip())
                if count is not None:
                    return count
            if not self.before:
                start = start + 1 if start + 1 < len(text) else -1
            else:
                start = text.find(self.before, start + 1)
        return None


def cjk_number(text: str, numbers: Mapping[str, int]) -> int | None:
    """十二 and 二十 from the numerals of a language that writes numbers that way."""
    if "十" not in text or "十" not in numbers:
        return None
    tens, _, units = text.partition("十")
    high = numbers.get(tens, 1) if tens else 1
    low = numbers.get(units, 0) if units else 0
    return high * 10 + low
