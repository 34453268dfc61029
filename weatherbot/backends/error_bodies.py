"""The server's own words from a failed request's body, whatever shape the server sends.

OpenAI-compatible servers agree on the status codes, not on the error body:

    {"error": {"message": "...", "type": ..., "code": ...}}    OpenAI, LiteLLM, llama.cpp
    {"error": "..."}                                           Ollama, LM Studio
    {"object": "error", "message": "...", "code": 404}         vLLM
    {"detail": "Not Found"}                                    FastAPI (LiteLLM, vLLM routes)
    {"detail": [{"loc": [...], "msg": "..."}]}                 FastAPI's 422 validation list
    404 page not found / Bad Gateway                            plain text (Go, proxies)
    <html>...<title>502 Bad Gateway</title>...                  a proxy's page (nginx)

The SDK keeps only `error.message` in its exception text ("Error code: 404" otherwise) and
unwraps `error` in `exc.body`, so `{"error": "text"}` and a plain-text body look alike there:
the body is read again from `exc.response`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from weatherbot.text_safety import plain_text

# A server's error message is quoted in one line: a 300 KB one is cut to this.
MAX_SERVER_MESSAGE_CHARS = 300
# Where servers put their words, most specific first (`msg`: a FastAPI validation entry).
_WORD_KEYS = ("error", "message", "detail", "msg", "error_message", "title")
# A FastAPI 422 lists every invalid field; the first few say enough.
MAX_VALIDATION_ENTRIES = 3
_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body)", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")


def server_message(exc: Any) -> str:
    """The server's own error message from an SDK exception: one line, redacted, cut short.

    When the server said nothing readable this describes what it sent ("an empty body", "an
    HTML page titled ..."), never the SDK's "Error code: 404".
    """
    words = server_words(exc)
    if words is None:
        words = _what_was_sent(exc)
    return plain_text(words, MAX_SERVER_MESSAGE_CHARS)


def server_words(exc: Any) -> str | None:
    """What the server said in its error body, or None when it said nothing readable."""
    body = _body(exc)
    if isinstance(body, str):
        text = body.strip()
        if not text or _HTML.match(text):
            return None
        return text
    words = _words(body, depth=0)
    if words is None and not hasattr(exc, "response"):
        # An error event inside a stream: the SDK wrote its own message from the event.
        message = getattr(exc, "message", None)
        return str(message) if message else None
    return words


def _body(exc: Any) -> Any:
    """The error body as the server sent it: parsed JSON, or the text when it is not JSON."""
    response = getattr(exc, "response", None)
    if response is None:
        return getattr(exc, "body", None)
    try:
        text = str(response.text)
    except Exception:
        # A streamed reply closed before its body was read: the SDK's copy is all there is.
        return getattr(exc, "body", None)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _words(value: Any, depth: int) -> str | None:
    """The message inside a JSON error body, looked for under the keys servers use."""
    if depth > 4:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return _validation_list(value, depth)
    if not isinstance(value, Mapping):
        return None
    found = [w for w in (_words(value.get(k), depth + 1) for k in _WORD_KEYS if k in value) if w]
    if not found:
        return None
    # {"error": {"message": "Bad request", "detail": "field x ..."}}: both say something.
    first, rest = found[0], [w for w in found[1:] if w not in found[0]]
    return f"{first}: {rest[0]}" if rest and "detail" in value else first


def _validation_list(entries: list[Any], depth: int) -> str | None:
    """FastAPI's 422 list as "body.messages: Field required; ..."."""
    said = []
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("msg"), str):
            loc = entry.get("loc")
            where = ".".join(str(part) for part in loc) if isinstance(loc, list) else ""
            said.append(f"{where}: {entry['msg']}" if where else str(entry["msg"]))
        else:
            words = _words(entry, depth + 1)
            if words:
                said.append(words)
    if not said:
        return None
    more = len(said) - MAX_VALIDATION_ENTRIES
    text = "; ".join(said[:MAX_VALIDATION_ENTRIES])
    return f"{text} (and {more} more)" if more > 0 else text


def _what_was_sent(exc: Any) -> str:
    """A short description of an error body that holds no words."""
    body = _body(exc)
    if body is None or (isinstance(body, str) and not body.strip()):
        return "an empty body" if hasattr(exc, "response") else str(getattr(exc, "message", exc))
    if isinstance(body, str):
        # An HTML page's tags and styles are noise on one line; its title says what it is.
        match = _HTML_TITLE.search(body)
        title = plain_text(_TAGS.sub(" ", match.group(2)), 80) if match else ""
        return f'an HTML page titled "{title}"' if title else "an HTML page"
    return json.dumps(body, ensure_ascii=False)
