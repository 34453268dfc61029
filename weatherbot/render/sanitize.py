"""Strip terminal control sequences from text we did not write (model or provider data)."""

from __future__ import annotations

import re

from weatherbot.redaction import INVISIBLE, held_back, redact
from weatherbot.text_safety import replace_surrogates

# CSI/OSC/other escape sequences first, then any remaining C0/C1 control character.
_ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])"
    # The 8-bit forms (CSI U+009B, OSC U+009D) that some terminals still obey.
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c)"
)
# Invisible characters count as controls: bidi overrides, isolates and marks make a line read
# in another order than it is stored ("Trojan Source", an address shown backwards), and
# zero-width ones hide inside words (a key that looks whole but is not, to a search).
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")
# On one line, tabs and line breaks separate words: a space each.
_BREAKS = re.compile("\r\n|[\t\n\v\f\r]")
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}\ud800-\udfff]")
# An escape sequence longer than this is not one a terminal would wait for; it is dropped as
# text rather than held back.
MAX_ESCAPE = 256
# The start of an escape sequence that more text could still complete.
_OPENERS = re.compile("[\x1b\x9b\x9d]")
_PARTIAL = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?)?|\x9b[0-?]*[ -/]*|\x9d[^\x07\x1b\x9c]*"
)


def clean(text: str, keep_newlines: bool = False) -> str:
    """`text` without escape sequences or control characters (tabs and newlines optional)."""
    return redact(_strip(text, keep_newlines))


def _strip(text: str, keep_newlines: bool) -> str:
    """`clean` before redaction: escape sequences and control characters removed."""
    text = _ESCAPES.sub("", replace_surrogates(text))
    if keep_newlines:
        return _CONTROLS.sub("", text.replace("\r\n", "\n"))
    return _CONTROLS.sub("", _BREAKS.sub(" ", text))


def is_clean(text: str) -> bool:
    """Whether `text` (newlines and tabs allowed) is already as `clean` would leave it."""
    return _UNSAFE.search(text) is None and redact(text) == text


def _open_escape(text: str) -> int:
    """The length of an escape sequence begun at the end of `text` but not yet complete."""
    # The earliest opener whose rest could still become one sequence: an OSC's own
    # terminator (ESC \\) may be what was cut.
    for opener in _OPENERS.finditer(text, max(0, len(text) - MAX_ESCAPE)):
        if _PARTIAL.fullmatch(text, opener.start()):
            return len(text) - opener.start()
    return 0


class StreamCleaner:
    """`clean` for text that arrives in pieces (a streamed answer written as it comes).

    An escape sequence or a secret cut between two pieces passes `clean` in both halves
    ("ESC [3" then "1m" would print "[31m"), so each is held back until the next piece, or
    `finish`, settles it: first an unfinished escape sequence in the raw text, then, in the
    text without escapes, a tail that could begin a secret (an escape inside a key must not
    hide it: "sk-…ESC[2J…" is the key once the escape is gone).
    """

    def __init__(self) -> None:
        self._raw = ""
        self._stripped = ""

    def feed(self, text: str) -> str:
        """The cleaned text that can be written now."""
        text = self._raw + text
        keep = _open_escape(text)
        self._raw = text[len(text) - keep :]
        stripped = self._stripped + _strip(text[: len(text) - keep], keep_newlines=True)
        hold = held_back(stripped)
        self._stripped = stripped[len(stripped) - hold :]
        return redact(stripped[: len(stripped) - hold])

    def finish(self) -> str:
        """Whatever was kept back, cleaned: the stream has ended."""
        rest = self._stripped + _strip(self._raw, keep_newlines=True)
        self._raw = self._stripped = ""
        return redact(rest)
