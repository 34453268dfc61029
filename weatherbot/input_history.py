"""The REPL's input history file: prompt_toolkit's format, kept private and never a link.

prompt_toolkit's FileHistory opens its file with `open(..., "ab")`, which follows a symbolic
link (a `history` link made weatherbot append every question to the link's target) and creates
the file with the umask's mode. This history reads and appends through
weatherbot.private_files instead: O_NOFOLLOW, mode 0600, regular files of a sane size only.
The file format is FileHistory's, so histories written before stay readable.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from prompt_toolkit.history import History, InMemoryHistory

from weatherbot.private_files import RefusedFile, append_private, make_private_dir, read_private

HISTORY_FILE = "history"


def parse(data: bytes) -> list[str]:
    """The entries of a FileHistory file, oldest first.

    An entry is a `# time` line followed by its lines, each prefixed with `+`.
    """
    strings: list[str] = []
    lines: list[str] = []
    # Lines end at "\n" only, as FileHistory reads them: an entry may hold a "\r".
    for line in io.StringIO(data.decode("utf-8", errors="replace"), newline="\n"):
        if line.startswith("+"):
            lines.append(line[1:])
        elif lines:
            strings.append("".join(lines)[:-1])  # without the last line's newline
            lines = []
    if lines:
        strings.append("".join(lines)[:-1])
    return strings


def entry(string: str, now: datetime.datetime) -> bytes:
    """One entry as FileHistory writes it."""
    text = f"\n# {now}\n" + "".join(f"+{line}\n" for line in string.split("\n"))
    return text.encode("utf-8", errors="replace")


class PrivateFileHistory(History):
    """FileHistory's behaviour on a private file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__()

    def load_history_strings(self) -> Iterable[str]:
        """The stored entries, newest first (as prompt_toolkit wants them)."""
        try:
            return list(reversed(parse(read_private(self.path))))
        except OSError:
            # Checked when the session started (history_file): only a file swapped since then
            # gets here, and a prompt has nowhere to say so. Start without the old entries.
            return []

    def store_string(self, string: str) -> None:
        """Append one entry (one write, so two sessions' entries never interleave)."""
        try:
            append_private(self.path, entry(string, datetime.datetime.now()))
        except OSError:
            # As above: this line stays in the session's memory, just not in the file.
            return


def history_file(home: Path) -> Path:
    """The input-history file under `home`, created private (0600, in a 0700 home) and checked:
    RefusedFile for a link, a FIFO, a device or an oversized file, OSError when it cannot be
    created."""
    make_private_dir(home)
    path = home / HISTORY_FILE
    append_private(path, b"")
    return path


def open_history(home: Path, warn: Callable[[str], None]) -> History:
    """The REPL's history: the private file under `home`, or (with one warning) memory only."""
    try:
        return PrivateFileHistory(history_file(home))
    except RefusedFile as exc:
        warn(
            f"input history is not saved: {exc} "
            f"({exc.advice}, or set WEATHERBOT_HOME to another directory)"
        )
    except OSError as exc:
        warn(f"input history is not saved: {exc}")
    return InMemoryHistory()
