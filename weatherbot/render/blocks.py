"""Split streamed Markdown into finished blocks and the one still open (linear in length)."""

from __future__ import annotations


class BlockSplitter:
    """Feed text pieces; `feed` returns blocks that can no longer change.

    A block ends at a blank line outside a fenced code block, so a finished block is
    rendered once and only the open block is re-rendered while text streams in.
    """

    def __init__(self) -> None:
        self._open: list[str] = []  # complete lines of the open block
        self._partial = ""  # the current line, not yet ended by a newline
        self._in_fence = False

    @property
    def open_block(self) -> str:
        """The text of the block still being written (may be empty)."""
        return "".join(self._open) + self._partial

    def feed(self, text: str) -> list[str]:
        """Add a piece of text; return the blocks it finished."""
        done: list[str] = []
        data = self._partial + text
        lines = data.split("\n")
        self._partial = lines.pop()
        for line in lines:
            stripped = line.strip()
            if stripped.startswith(("```", "~~~")):
                self._in_fence = not self._in_fence
            if not stripped and not self._in_fence:
                if self._open:
                    done.append("".join(self._open).rstrip("\n"))
                    self._open = []
                continue
            self._open.append(line + "\n")
        return done

    def close(self) -> str:
        """The last block, once the stream has ended."""
        rest = self.open_block.rstrip("\n")
        self._open = []
        self._partial = ""
        return rest
