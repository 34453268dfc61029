"""Secrets weatherbot was given, and `[redacted]` in their place wherever text leaves it.

Servers echo keys back ("Incorrect API key provided: sk-…", a provider's 401 page repeating its
`appid`), so a key can arrive inside text weatherbot did not write. Every key is remembered
here when settings read it, and each way out (terminal, `--json`, state, tool outputs sent to
the model) replaces it. This module imports nothing from weatherbot: anyone may use it.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
# Shorter values are placeholders ("ollama", "none", "x": local servers ignore the key), not
# secrets; replacing them would mangle ordinary words in answers.
MIN_SECRET_LENGTH = 8

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()


def _forms(value: str) -> set[str]:
    # The key as written, inside a URL (a provider's `?appid=`) and inside a JSON string.
    return {value, quote(value, safe=""), json.dumps(value, ensure_ascii=False)[1:-1]}


def remember(value: str) -> None:
    """Treat `value` as a secret from now on (values under MIN_SECRET_LENGTH are not)."""
    global _secrets
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        known = set(_secrets) | _forms(value)
        # Longest first, so a key is replaced whole before any form inside it.
        _secrets = tuple(sorted(known, key=len, reverse=True))


def forget_all() -> None:
    """Forget every secret (tests start each case from none)."""
    global _secrets
    with _lock:
        _secrets = ()


def secrets() -> tuple[str, ...]:
    """The remembered secrets, longest first."""
    return _secrets


def redact(text: str) -> str:
    """`text` with every remembered secret replaced by `[redacted]`."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
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
    for secret in _secrets:
        for size in range(min(len(secret) - 1, len(text)), longest, -1):
            if secret.startswith(text[-size:]):
                longest = size
                break
    return longest


def redact_value(value: Any) -> Any:
    """A JSON-like value with every string in it (keys too) redacted."""
    if not _secrets:
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value
