"""Text from outside (a weather provider, a geocoder) made into short, plain, one-line data.

Place names, descriptions and alerts travel to the terminal and to a language model. Anyone who
can edit a geocoder entry or answer on a provider's address controls them, so before they go
further they lose escape sequences and control characters and are capped in length: a place
name cannot clear the screen, and a description cannot carry a page of instructions.
It imports only weatherbot.redaction (a key a server echoes is redacted before any cut, which
would leave its first characters unrecognised), so providers and renderers may both use it.
"""

from __future__ import annotations

import re

from weatherbot.redaction import INVISIBLE, redact

# Caps in characters (code points). A real place-name part (GeoNames' longest names are
# about 60-90 characters: "Llanfairpwllgwyngyll...", Bangkok's ceremonial name) fits in 100.
PLACE_PART_MAX = 100
# Weather descriptions are a few words ("light rain showers and thunder"; NWS shortForecast
# "Chance Rain And Snow Showers then Mostly Cloudy" is the longest kind); 120 keeps them whole.
DESCRIPTION_MAX = 120
# An alert headline is one sentence with times and areas; NWS headlines run to ~200.
HEADLINE_MAX = 300
# A provider's own explanation in an error body (Open-Meteo `reason`, NWS `detail`).
MESSAGE_MAX = 300
# Zone names ("America/Argentina/ComodRivadavia" is among the longest) and codes.
ZONE_MAX = 64
CODE_MAX = 16
ELLIPSIS = "…"

# Escape sequences first (so their parameters do not survive as visible text): CSI, the
# string commands (OSC, DCS, SOS, PM, APC, ended by BEL or ST, or cut off), and two-character
# escapes; the same in their 8-bit (C1) forms. Unlike render.sanitize (whole answers, where a
# cut-off OSC must not swallow the rest), a string command cut off here takes the rest of a
# short field with it: a name is worth less than the certainty that no payload shows.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# Line and field breaks separate words, and so do the bidirectional overrides and isolates
# (they can make text read in another order than it is stored: "Trojan Source"): each
# becomes a space ("Lon\rdon" is two words).
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What is left of C0, DEL and C1, and the other invisible characters (zero-width spaces, bidi
# marks, the BOM): a BEL or a zero-width space inside a word is dropped, not a space.
_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{INVISIBLE}]")
# Lone surrogates (bytes in argv that are not UTF-8, a JSON "\ud800" escape): no UTF-8
# stream or file can carry them.
_SURROGATES = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# What makes Markdown out of words: emphasis, code, links and images, autolinks and HTML,
# entities ("&amp;" would show as "&"), tables, strikethrough, headings, and the backslash.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>!|~#&])")


def replace_surrogates(text: str) -> str:
    """`text` with every lone surrogate (an undecodable byte) as U+FFFD, so it can be encoded."""
    return _SURROGATES.sub("\ufffd", text)


def plain_text(text: str, limit: int) -> str:
    """`text` as one line of plain text of at most `limit` characters.

    Escape sequences are removed, every other control character and line break becomes a
    space, runs of spaces become one, and a text longer than `limit` is cut (at a space when
    one is near the end, so a word is not split) and ends in "…".
    """
    text = redact(replace_surrogates(text))
    text = _CONTROLS.sub("", _BREAKS.sub(" ", _ESCAPES.sub("", text)))
    text = _SPACES.sub(" ", text).strip()
    return cap(text, limit)


def cap(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when it was cut."""
    if len(text) <= limit:
        return text
    kept = text[: max(limit - len(ELLIPSIS), 0)]
    # Cut at the last space in the second half, so a word (or a key a server echoed, which
    # must stay whole to be recognised and redacted later) is not split.
    space = kept.rfind(" ")
    if space >= len(kept) // 2:
        kept = kept[:space]
    return kept.rstrip() + ELLIPSIS


def optional_text(value: object, limit: int) -> str | None:
    """A provider's string field as plain text; None when it is not a string or ends up empty."""
    if not isinstance(value, str):
        return None
    return plain_text(value, limit) or None


def markdown_literal(text: str) -> str:
    """`text` to put into a Markdown answer so that it shows as written: a provider's place
    name "[bank](http://evil.example)" or "**URGENT**" is words, not a link or bold."""
    return _MARKDOWN.sub(r"\\\1", text)
