"""Finding places in a question: the gazetteer's names, longest first, never capital letters.

Latin-script text is read as words: at each word the longest run of words that names a place in
the index wins ("Rio de Janeiro" before "Rio"), words the language data call never-places are
skipped, and a single lower-case word counts only after a preposition ("weather in reading") or
when it names a big city ("london and paris weather"). Text written without spaces (Chinese,
Japanese) is read as characters, the same way. A qualifier after a comma ("Paris, TX",
"Portland, Oregon") narrows the place instead of starting another; a name the index lacks
after a preposition is kept as typed for the provider's geocoder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from weatherbot.offline.choosing import clear_winner, is_qualifier, narrowed
from weatherbot.offline.cjk import cjk_places
from weatherbot.offline.gazetteer import Entry, Gazetteer, load
from weatherbot.offline.gazetteer import fold as fold_name
from weatherbot.offline.language import Language
from weatherbot.offline.matching import CJK, WordList, fold
from weatherbot.offline.place_ref import PlaceRef
from weatherbot.offline.tokens import PLACE_ELISION, tokens
from weatherbot.offline.typos import close_enough
from weatherbot.providers.places import parse_coordinates

# A lower-case single word not after a preposition names a place only if the place is this big
# ("boston tomorrow" is Boston) and the word is not also an ordinary word of some language
# (`only_as_names` in the data: "nice weather" is not Nice, "split my trip" not Split).
BIG_CITY = 250_000


class _Vocabulary:
    """The words of the active languages that are never (part of) a place name."""

    def __init__(self, active: Sequence[Language], every: Iterable[Language]) -> None:
        every = list(every)
        self.lists: list[WordList] = [w for lang in active for w in lang.vocabulary()]
        self.lists += [lang.never for lang in every if lang not in active]
        self.prepositions = [lang.prepositions for lang in active]
        self.countries = active[0].countries if active else frozenset()
        self.ordinary_words = [lang.only_as_names for lang in every]
        self.joiners = [lang.joiners for lang in active]

    def blocked(self, word: str) -> bool:
        return any(w.has_word(word) for w in self.lists)

    def phrase_spans(self, text: str) -> list[tuple[int, int]]:
        return [span for w in self.lists for span in w.find(text).spans]

    def preposition(self, word: str) -> bool:
        return any(w.has_word(word) for w in self.prepositions)

    def ordinary(self, word: str) -> bool:
        """Whether a lower-case word is an ordinary word of a language before it is a city."""
        return any(w.has_word(word) for w in self.ordinary_words)

    def joiner(self, word: str) -> bool:
        return any(w.has_word(word) for w in self.joiners)


class _Reader:
    """One pass over a question's words."""

    def __init__(self, text: str, vocabulary: _Vocabulary, gazetteer: Gazetteer) -> None:
        self.text = text
        self.tokens = tokens(text)
        self.vocabulary = vocabulary
        self.gazetteer = gazetteer
        self.last_place_end = 0  # the token after the last place read
        self.prefer = vocabulary.countries
        joined, offsets = self._joined()
        self.in_phrase = [False] * len(self.tokens)
        for start, end in vocabulary.phrase_spans(joined):
            for index, offset in enumerate(offsets):
                if start <= offset < end and " " in joined[start:end]:
                    self.in_phrase[index] = True
        self.lower_case_question = not any(
            t.capitalised
            for index, t in enumerate(self.tokens)
            if t.kind == "word" and not self.blocked_at(index)
        )

    def _joined(self) -> tuple[str, list[int]]:
        parts: list[str] = []
        offsets: list[int] = []
        position = 0
        for token in self.tokens:
            offsets.append(position)
            parts.append(token.folded)
            position += len(token.folded) + 1
        return " ".join(parts), offsets

    def blocked_at(self, index: int) -> bool:
        token = self.tokens[index]
        if token.kind != "word":
            return True
        return self.in_phrase[index] or self.vocabulary.blocked(token.folded)

    def after_preposition(self, index: int) -> bool:
        """Whether a place name may start at `index`: after "in", or next in a list of
        places ("in Alpha, Bravo and Charlie")."""
        if index > 0 and self.vocabulary.preposition(self.tokens[index - 1].folded):
            return True
        if index > 0 and PLACE_ELISION.match(self.tokens[index - 1].folded):
            return True  # d'Amiens; not the pronoun of "la pluie s'arrête a Paris"
        j = index - 1
        while j >= self.last_place_end and j >= 0:
            token = self.tokens[j]
            if token.kind != "sep" and not self.vocabulary.joiner(token.folded):
                return False
            j -= 1
        return 0 < self.last_place_end < index

    def _word_run(self, index: int) -> int:
        """How many word tokens follow from `index` (a name cannot cross punctuation)."""
        count = 0
        while index + count < len(self.tokens) and self.tokens[index + count].kind == "word":
            count += 1
        return count

    def _match(self, index: int) -> tuple[int, list[Entry], str] | None:
        """The longest run of words at `index` the index knows: (length, entries, text)."""
        longest = min(self._word_run(index), max(self.gazetteer.max_words, 1))
        for length in range(longest, 0, -1):
            words = self.tokens[index : index + length]
            # A name may start with an article ("La Rochelle", "Le Mans", "Los Angeles"),
            # written as a name: capitalised, or in a question all in lower case.
            first_ok = not self.blocked_at(index) or (
                length > 1 and (words[0].capitalised or self.lower_case_question)
            )
            last = index + length - 1
            # ... and end with a word that is also a weather word, written as a name:
            # "Cabo Frio", "Bom Jesus".
            last_ok = not self.blocked_at(last) or (
                length > 1 and words[0].capitalised and words[-1].capitalised
            )
            edge_blocked = not first_ok or not last_ok
            if edge_blocked and not (length == 1 and self._abbreviation(words[0].text)):
                continue
            text = " ".join(t.text for t in words)
            abbreviated = self.gazetteer.exact(text)
            # "nyc", "sf" typed in lower case are still the abbreviations, unless the word is
            # an ordinary one of the language ("la" is an article, not LA).
            if not (
                any(e.abbreviation for e in abbreviated)
                or edge_blocked
                or self.vocabulary.ordinary(fold(text))
            ):
                abbreviated = self.gazetteer.lookup(text)
            if any(e.abbreviation for e in abbreviated):
                return length, [e for e in abbreviated if e.abbreviation], text
            entries = [e for e in self.gazetteer.lookup(text) if not e.abbreviation]
            if not entries:
                continue
            if length == 1 and not self._single_word_ok(index, entries):
                continue
            return length, entries, text
        return None

    def _next_words(self, index: int, length: int) -> str | None:
        """The words of a match and the word after it, if that one may be part of a name."""
        after = index + length
        if after >= len(self.tokens) or self.blocked_at(after):
            return None
        if len(self.tokens[after].folded) < 3:
            return None
        return " ".join(t.text for t in self.tokens[index : after + 1])

    def _goes_on(self, index: int, length: int) -> bool:
        """Whether the next word starts a longer name the index has (the match is not it)."""
        words = self._next_words(index, length)
        return words is not None and self.gazetteer.completion(words) is not None

    def _longer(self, index: int, length: int) -> tuple[int, Entry, str] | None:
        """A big city's name the match and the next word begin ("san fran"), read as it."""
        words = self._next_words(index, length)
        entry = self.gazetteer.completion(words, BIG_CITY) if words else None
        return (length + 1, entry, words) if entry is not None and words else None

    def _abbreviation(self, text: str) -> bool:
        return any(e.abbreviation for e in self.gazetteer.exact(text))

    def _single_word_ok(self, index: int, entries: Sequence[Entry]) -> bool:
        token = self.tokens[index]
        if len(token.folded) < 3:
            return False
        if token.capitalised and not (token.text.isupper() and len(token.text) <= 3):
            return index > 0 or len(self.tokens) == 1 or entries[0].population >= 50_000
        if self.vocabulary.ordinary(token.folded):
            # "weather in reading" (all in lower case) is Reading; "I want to split my trip"
            # has capitals elsewhere, so a lower-case "split" is the verb.
            return self.after_preposition(index) and self.lower_case_question
        if self.after_preposition(index):
            return True
        return entries[0].population >= BIG_CITY

    def _qualifier(self, index: int) -> tuple[str, int] | None:
        """A qualifier at `index` (after a comma, or a state code right after the name)."""
        j = index
        comma = j < len(self.tokens) and self.tokens[j].text in (",", "(", "（", "，")
        if comma:
            j += 1
        run = self._word_run(j)
        for length in range(min(run, 4), 0, -1):
            text = " ".join(t.text for t in self.tokens[j : j + length])
            bare = not comma and not (length == 1 and text.isupper())
            if bare and self.gazetteer.country_code(text) is None:
                continue
            if is_qualifier(text, self.gazetteer):
                end = j + length
                if end < len(self.tokens) and self.tokens[end].text in (")", "）"):
                    end += 1
                return text, end
        return None

    def read(self) -> list[PlaceRef]:
        """Every place in the question, in order."""
        found: list[PlaceRef] = []
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            if token.kind == "coord":
                value = re.sub(r"\s+", "", token.text)
                if parse_coordinates(value) is not None:
                    found.append(PlaceRef(value, None, token.start, self._end(i + 1)))
                i += 1
                continue
            if token.kind != "word":
                i += 1
                continue
            match = self._match(i)
            longer = self._longer(i, match[0]) if match is not None else None
            if longer is not None:
                # "san fran": the words go on into a longer name, so "San" (Mali) is not it.
                length, entry, text = longer
                i = self.last_place_end = self._place(found, i, length, [entry], text)
                found[-1] = replace(found[-1], guessed=found[-1].entry is entry)
                continue
            if match is not None and longer is None and not self._goes_on(i, match[0]):
                length, entries, text = match
                i = self.last_place_end = self._place(found, i, length, entries, text)
                continue
            unknown = self._unknown(i)
            if unknown is not None:
                length, text, typo = unknown
                i = self.last_place_end = self._place(
                    found, i, length, [typo] if typo else [], text
                )
                if typo is not None and found and found[-1].entry is typo:
                    found[-1] = replace(found[-1], guessed=True)
                continue
            i += 1
        return found

    def _place(
        self, found: list[PlaceRef], index: int, length: int, entries: list[Entry], text: str
    ) -> int:
        after = index + length
        kinds = {e.kind for e in entries}
        qualifier = self._qualifier(after) if "city" in kinds or not entries else None
        start = self.tokens[index].start
        if qualifier is not None and not entries and self._list_goes_on(qualifier):
            qualifier = None  # "in Alpha, Delta and Echo": Delta is the next place
        if qualifier is not None:
            words, after_qualifier = qualifier
            kept = narrowed(entries, words, self.gazetteer) if entries else []
            if kept or not entries:
                winner = clear_winner(kept, text, self.prefer) if kept else None
                end = self._end(after_qualifier)
                found.append(PlaceRef(f"{text}, {words}", winner, start, end))
                return after_qualifier
        end = self._end(after)
        called = [e for e in entries if e.kind == "city" and fold_name(e.name) == fold_name(text)]
        if entries and ("city" not in kinds or ("country" in kinds and not called)):
            # A country or a region on its own ("Paraguay", not a city that also goes by that
            # name): the geocoder knows what to do with it.
            found.append(PlaceRef(text, None, start, end))
            return after
        winner = clear_winner(entries, text, self.prefer) if entries else None
        found.append(PlaceRef(text, winner, start, end))
        return after

    def _end(self, after: int) -> int:
        """Where the token before `after` ends in the text."""
        token = self.tokens[after - 1]
        return token.start + len(token.text)

    def _list_goes_on(self, qualifier: tuple[str, int]) -> bool:
        """Whether a region name after an unknown name is the next item of a list rather than
        its qualifier (a state code or a country always qualifies)."""
        words, end = qualifier
        if (words.isupper() and len(words) <= 3) or self.gazetteer.country_code(words):
            return False
        return end < len(self.tokens) and (
            self.tokens[end].kind == "sep" or self.vocabulary.joiner(self.tokens[end].folded)
        )

    def _unknown(self, index: int) -> tuple[int, str, Entry | None] | None:
        """A name the index lacks, right after a preposition: kept as typed for the geocoder."""
        if not self.after_preposition(index) or self.blocked_at(index):
            return None
        length = 0
        while (
            index + length < len(self.tokens)
            and self.tokens[index + length].kind == "word"
            and not self.blocked_at(index + length)
            and (self.tokens[index + length].capitalised or self.lower_case_question)
        ):
            length += 1
        if length == 0:
            return None
        text = " ".join(t.text for t in self.tokens[index : index + length])
        return length, text, close_enough(fold(text), self.gazetteer)

    def fallback(self) -> list[PlaceRef]:
        """With nothing else found: a capitalised name the index lacks ("Atlantis weather")."""
        for index, token in enumerate(self.tokens):
            if token.kind != "word" or self.blocked_at(index) or not token.capitalised:
                continue
            if token.text.isupper() and len(token.text) <= 3:
                continue
            length = 0
            while (
                index + length < len(self.tokens)
                and self.tokens[index + length].kind == "word"
                and not self.blocked_at(index + length)
                and self.tokens[index + length].capitalised
            ):
                length += 1
            text = " ".join(t.text for t in self.tokens[index : index + length])
            typo = close_enough(fold(text), self.gazetteer)
            end = self._end(index + length)
            return [PlaceRef(text, typo, token.start, end, guessed=typo is not None)]
        return []


def find_places(text: str, active: Sequence[Language], every: Iterable[Language]) -> list[PlaceRef]:
    """The places a question names, in order, each once."""
    gazetteer = load()
    vocabulary = _Vocabulary(active, every)
    latin_text = CJK.sub("、", text) if CJK.search(text) else text
    reader = _Reader(latin_text, vocabulary, gazetteer)
    found = reader.read()
    if CJK.search(text):
        cjk_lists = [w for lang in active if lang.unspaced for w in lang.vocabulary()]
        found += cjk_places(text, cjk_lists, gazetteer)
    if not found:
        found = reader.fallback()
    seen: set[str] = set()
    ordered: list[PlaceRef] = []
    for place in sorted(found, key=lambda p: p.start):
        if place.key not in seen:
            seen.add(place.key)
            ordered.append(place)
    return ordered
