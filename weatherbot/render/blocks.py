"""Split streamed Markdown into finished blocks and the one still open (linear in length)."""

from __future__ import annotations


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

    A block ends at a blank line outside a fenced code block, so a finished block is
    rendered once and only the open block is re-rendered while text streams in.
    """

    def __init__(self) -> None:
        self._open: list[str] = []  # complete lines of the open block
        self._partial: list[str] = []  # pieces of the current line, not yet ended
        self._fence: str | None = None  # the marker of the open code fence

    @property
    def open_block(self) -> str:
        """The text of the block still being written (may be empty)."""
        return "".join(self._open) + "".join(self._partial)

    def feed(self, text: str) -> list[str]:
        """Add a piece of text; return the blocks it finished."""
        if "\n" not in text:
            # Pieces of one line are kept apart, so a long line costs no re-joining per token.
            self._partial.append(text)
            return []
        done: list[str] = []
        lines = ("".join(self._partial) + text).split("\n")
        tail = lines.pop()
        self._partial = [tail] if tail else []
        for line in lines:
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
            if not line.strip() and self._fence is None:
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
        self._partial = []
        self._fence = None
        return rest
