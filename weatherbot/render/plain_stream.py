"""A streamed answer written as plain text: each Markdown block once it can no longer change.

Piped output has no cursor to redraw with, and a marker (`**`, `|---|`) is only known to be
one once its block is whole, so text is held per block (a paragraph, a list, a table) and
written as `markdown_to_text` gives it: the reader of a pipe sees whole blocks as they finish,
never a marker.
"""

from __future__ import annotations

from typing import IO

from weatherbot.render.block_splitter import BlockSplitter
from weatherbot.render.plain_text import markdown_to_text
from weatherbot.render.sanitize import StreamCleaner, clean


class PlainStream:
    """Feed streamed Markdown; finished blocks are written to `file` as plain text."""

    def __init__(self, file: IO[str]) -> None:
        self.file = file
        self._cleaner = StreamCleaner()
        self._splitter = BlockSplitter()
        self._written = False  # a block is out: the next one starts after a blank line

    def feed(self, text: str) -> None:
        """Add a piece of the answer; write the blocks it finished."""
        self._write(self._splitter.feed(self._cleaner.feed(text)))

    def finish(self) -> None:
        """Write what is left (on Done, an error or Ctrl-C alike); safe to call twice."""
        blocks = self._splitter.feed(self._cleaner.finish())
        self._write([*blocks, self._splitter.close()])

    def _write(self, blocks: list[str]) -> None:
        out: list[str] = []
        for block in blocks:
            # Cleaned again: dropping markers can join the halves of a key (`**sk-**…`).
            text = clean(markdown_to_text(block), keep_newlines=True)
            if not text.strip():
                continue
            out.append(("\n" if self._written else "") + text + "\n")
            self._written = True
        if out:
            self.file.write("".join(out))
            self.file.flush()
