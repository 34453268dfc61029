"""Links in a model's Markdown show where they go, not only what they say.

A terminal hyperlink shows its text and hides its target, so `[https://bank.example](http://
evil.example/steal)` would read as one address and open another. Wherever the visible text is
not the target itself, the target is written after it: `https://bank.example (http://evil.
example/steal)`. No answer text is a terminal hyperlink: what is shown (perhaps cut short in a
table cell) is all there is. An image is its alt text and its address, as words.
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
    opened: int | None = None  # where the open link's link_open token is in `out`
    shown: list[str] = []
    url = ""
    for child in children:
        if child.type == "image":
            # Drawn as plain words: Rich would draw an image as a hyperlink on its alt text
            # (which can be any address) and lose the line's width to its emoji prefix.
            alt = clean(child.content or "image")
            out.append(_after(f"{alt} ({_target(str(child.attrs.get('src', '')))})"))
            continue
        out.append(child)
        if child.type == "link_open":
            opened, shown, url = len(out) - 1, [], str(child.attrs.get("href", ""))
        elif child.type == "link_close" and opened is not None:
            # Styled as a link, but never a terminal hyperlink: a terminal shows a hyperlink's
            # text and hides its target, and a table cell or a narrow line may cut the text
            # short while the target stays whole behind it. (Terminals that find addresses in
            # text still make a shown address clickable.)
            out[opened].attrs["href"] = ""
            if not _says_its_target("".join(shown).strip(), url):
                out.append(_after(f" ({_target(url)})"))
            opened = None
        elif opened is not None and child.type in ("text", "code_inline"):
            shown.append(child.content)
    return out


def show_link_targets(tokens: Sequence[Token]) -> None:
    """Make every link or image in parsed Markdown `tokens` show its target (in place)."""
    for token in tokens:
        if token.children:
            token.children = _with_targets(token.children)
