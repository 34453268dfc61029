"""A place a question names: the words as typed and, when the gazetteer knows it, where."""

from __future__ import annotations

from dataclasses import dataclass

from weatherbot.offline.gazetteer import Entry
from weatherbot.offline.matching import fold


@dataclass(frozen=True)
class PlaceRef:
    """A place the question names: the words as typed and, when the index knows it, where."""

    text: str
    entry: Entry | None = None
    start: int = 0
    end: int = 0  # where the words end in the question (the day words in them do not count)
    # The entry is a guess from a misspelling ("Chicgo"): the answer says so.
    guessed: bool = False
    # The name of a saved place ("home") the words stand for: the tools resolve it themselves.
    saved: str | None = None

    @property
    def query(self) -> str:
        """What the tools are asked for: the saved name, the index's full name, or the words
        as typed."""
        if self.saved is not None:
            return self.saved
        return self.entry.display_name if self.entry is not None else self.text

    @property
    def key(self) -> str:
        """Two mentions of one place have the same key."""
        if self.saved is not None:
            return "saved:" + fold(self.saved)
        if self.entry is not None:
            return f"{self.entry.latitude:.3f},{self.entry.longitude:.3f}"
        return fold(self.text)
