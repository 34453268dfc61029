"""Streamed Markdown split into blocks that can no longer change (for live and plain output)."""

from __future__ import annotations

import re

# A list item's first line: `- x`, `* x`, `+ x`, `1. x`, `1) x` (CommonMark's markers).
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# What a line may start with and still turn out to be a list item once more text arrives.
_LIST_PREFIX = re.compile(r"(?:[-*+]|\d{1,9}[.)]?)")


def _fence(line: str) -> str | None:
    """The fence marker (``` or ~~~ run) a line opens or closes with, if any."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return None
    for char in "`~":
        if stripped.startswith(char * 3):
            return char * (len(stripped) - len(stripped.lstrip(char)))
    return None


class BlockSplitter:
    """Feed text pieces; `feed` returns blocks that can no longer change.

    A block ends at a blank line outside a fenced code block, unless the next line carries it
    on: an indented line (a list item's second paragraph, a nested list, indented code) or,
    after a list, another list item. Such a block is kept whole because Markdown reads it as
    one element, so each finished block renders the same alone as inside the whole answer.
    """

    def __init__(self) -> None:
        self._open: list[str] = []  # complete lines of the open block
        self._blank: list[str] = []  # blank lines after it: its end, unless the next goes on
        self._partial: list[str] = []  # pieces of the current line, not yet ended
        self._fence: str | None = None  # the marker of the open code fence
        self._has_list = False  # the open block holds a list item

    @property
    def open_block(self) -> str:
        """The text of the block still being written (may be empty)."""
        return "".join(self._open) + "".join(self._blank) + "".join(self._partial)

    def feed(self, text: str) -> list[str]:
        """Add a piece of text; return the blocks it finished."""
        done: list[str] = []
        if "\n" not in text:
            # Pieces of one line are kept apart, so a long line costs no re-joining per token.
            self._partial.append(text)
        else:
            lines = ("".join(self._partial) + text).split("\n")
            tail = lines.pop()
            self._partial = [tail] if tail else []
            for line in lines:
                self._line(line, done)
        if self._blank:
            # The next line's first characters often settle whether the block has ended.
            partial = "".join(self._partial)
            if partial.strip():
                self._settle(partial, complete=False, done=done)
        return done

    def _line(self, line: str, done: list[str]) -> None:
        if self._fence is None and not line.strip():
            if self._open:
                self._blank.append(line + "\n")
            return
        if self._blank:
            self._settle(line, complete=True, done=done)
        marker = _fence(line)
        if marker is not None:
            if self._fence is None:
                self._fence = marker
            elif (
                marker[0] == self._fence[0]
                and len(marker) >= len(self._fence)
                and not line.strip().strip(marker[0])
            ):
                self._fence = None
        self._open.append(line + "\n")
        if not self._has_list and self._fence is None and _LIST_ITEM.match(line):
            self._has_list = True

    def _settle(self, line: str, *, complete: bool, done: list[str]) -> None:
        """After blank lines: does `line` (maybe only its start) carry the open block on?"""
        if self._has_list and not complete and _LIST_PREFIX.fullmatch(line):
            return  # `1` or `-` so far: wait for the rest of the line
        # Indented: a list item's next paragraph, a nested list, more code; or the list goes on.
        if line[:1] in (" ", "\t") or (self._has_list and _LIST_ITEM.match(line)):
            self._open += self._blank
        else:
            done.append("".join(self._open).rstrip("\n"))
            self._open = []
            self._has_list = False
        self._blank = []

    def close(self) -> str:
        """The last block, once the stream has ended."""
        rest = self.open_block.rstrip()
        self._open = []
        self._blank = []
        self._partial = []
        self._fence = None
        self._has_list = False
        return rest
