"""Links in a model's Markdown show where they go, not only what they say.

A terminal hyperlink shows its text and hides its target, so `[https://bank.example](http://
evil.example/steal)` would read as one address and open another. Wherever the visible text is
not the target itself, the target is written after it: `https://bank.example (http://evil.
example/steal)`. The link stays clickable; it just cannot lie.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it.token import Token

from weatherbot.render.sanitize import clean


def _target(url: str) -> str:
    # markdown-it percent-encodes targets ("ü" as "%C3%BC"); show what a browser would.
    return clean(unquote(url))


def _says_its_target(shown: str, url: str) -> bool:
    target = _target(url)
    return shown in (url, target, target.removeprefix("mailto:"))


def _after(token_text: str) -> Token:
    return Token("text", "", 0, content=token_text)


def _with_targets(children: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    shown: list[str] | None = None
    url = ""
    for child in children:
        out.append(child)
        if child.type == "link_open":
            shown, url = [], str(child.attrs.get("href", ""))
        elif child.type == "link_close" and shown is not None:
            if not _says_its_target("".join(shown).strip(), url):
                out.append(_after(f" ({_target(url)})"))
            shown = None
        elif shown is not None and child.type in ("text", "code_inline"):
            shown.append(child.content)
        elif child.type == "image":
            # An image is drawn as its alt text; where it points is not visible at all.
            out.append(_after(f" ({_target(str(child.attrs.get('src', '')))})"))
    return out


def show_link_targets(tokens: Sequence[Token]) -> None:
    """Make every link or image in parsed Markdown `tokens` show its target (in place)."""
    for token in tokens:
        if token.children:
            token.children = _with_targets(token.children)
