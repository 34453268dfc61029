"""Secrets weatherbot was given, and `[redacted]` in their place wherever text leaves it.

Servers echo keys back ("Incorrect API key provided: sk-…", a provider's 401 page repeating its
`appid`), so a key can arrive inside text weatherbot did not write. Every key is remembered
here when settings read it, and each way out (terminal, `--json`, state, tool outputs sent to
the model) replaces it. This module imports nothing from weatherbot: anyone may use it.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
# Shorter values are placeholders ("ollama", "none", "x": local servers ignore the key), not
# secrets; replacing them would mangle ordinary words in answers.
MIN_SECRET_LENGTH = 8

# Characters no one sees: format characters (zero-width spaces and joiners' kin, bidi marks,
# overrides and isolates, the soft hyphen, the BOM), as a regex class body. Terminal output
# drops them; a key with one inside still reads as the key, so redaction looks through them.
INVISIBLE = "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# What may hide between a key's characters: a colour escape sequence, controls (a NUL, a line
# break), the invisible characters, and any of those written as a JSON escape ("\\u0000", or
# "\\\\u200b" in JSON inside JSON: tool arguments in the state file).
_HIDING = (
    f"(?:\x1b\\[[0-?]*[ -/]*[@-~]|[\x00-\x1f\x7f-\x9f{INVISIBLE}]"
    r"|\\+(?:u001[bB]\[[0-?]*[ -/]*[@-~]|u[0-9a-fA-F]{4}|[nrtbf]))*"
)

_lock = threading.Lock()
# Each secret, longest first, with the pattern that finds it, hidden characters and all (one
# tuple, replaced whole, so a reader in another thread never sees a secret without its pattern).
_patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()


def _forms(value: str) -> set[str]:
    # The key as written, inside a URL (a provider's `?appid=`) and inside a JSON string.
    return {value, quote(value, safe=""), json.dumps(value, ensure_ascii=False)[1:-1]}


def remember(value: str) -> None:
    """Treat `value` as a secret from now on (values under MIN_SECRET_LENGTH are not)."""
    global _patterns
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        known = set(secrets()) | _forms(value)
        # Longest first, so a key is replaced whole before any form inside it.
        ordered = sorted(known, key=len, reverse=True)
        _patterns = tuple((s, re.compile(_HIDING.join(map(re.escape, s)))) for s in ordered)


def forget_all() -> None:
    """Forget every secret (tests start each case from none)."""
    global _patterns
    with _lock:
        _patterns = ()


def secrets() -> tuple[str, ...]:
    """The remembered secrets, longest first."""
    return tuple(secret for secret, _ in _patterns)


def redact(text: str) -> str:
    """`text` with every remembered secret replaced by `[redacted]`, also one with controls or
    invisible characters inside it ("sk-…\\x00…", "sk-…\\u200b…")."""
    for secret, pattern in _patterns:
        if secret[0] in text:
            text = pattern.sub(REDACTED, text)
    return text


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, redacted before the cut: a key cut in half is no
    longer recognisable, so cutting first would show its start."""
    return redact(text)[:limit]


def held_back(text: str) -> int:
    """How many characters at the end of `text` could be the start of a secret still arriving.

    A streamed answer comes in pieces; a key cut between two pieces would pass `redact` in
    both, so a writer keeps that tail until the next piece (or the end) settles it.
    """
    longest = 0
    for secret in secrets():
        for size in range(min(len(secret) - 1, len(text)), longest, -1):
            if secret.startswith(text[-size:]):
                longest = size
                break
    return longest


def redact_value(value: Any) -> Any:
    """A JSON-like value with every string in it (keys too) redacted."""
    if not _patterns:
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value
