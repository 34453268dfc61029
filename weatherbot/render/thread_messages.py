"""A thread's messages as `thread show` and the REPL's /history print them.

On a terminal the answers' Markdown is rendered by Rich (no raw `**`); piped or without
colour they are plain text (`plain_text.markdown_to_text`), no trailing spaces; piped, never
wrapped at a width, so the text can be pasted, grepped and diffed (on a terminal it is wrapped
at words).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from weatherbot.render.sanitize import clean

if TYPE_CHECKING:
    from rich.console import Console

    from weatherbot.backends.base import ThreadMessage
    from weatherbot.thread_ids import ThreadInfo


def print_messages(out: Console, messages: Iterable[ThreadMessage], *, rich: bool) -> None:
    """Each message as its role on a line, then its text, then a blank line."""
    from rich.text import Text

    for message in messages:
        body = clean(message.text, keep_newlines=True).strip("\n")
        if rich:
            out.print(Text(f"{clean(message.role)}:", style="bold"))
            if message.role == "assistant":
                from weatherbot.render.blocks import markdown

                out.print(markdown(body))
            else:
                out.print(Text(body))
            out.print()
            continue
        if message.role == "assistant":
            from weatherbot.render.plain_text import markdown_to_text

            body = markdown_to_text(body)
        text = "\n".join(line.rstrip() for line in body.split("\n"))
        # Piped, soft_wrap: the console never breaks a line at its width (nor pads one). On a
        # terminal (NO_COLOR) Rich wraps at words, where the terminal would cut mid-word.
        out.print(Text(f"{clean(message.role)}:\n{text}\n"), soft_wrap=not out.is_terminal)


def messages_json(
    thread_id: str, info: ThreadInfo | None, messages: Iterable[ThreadMessage]
) -> str:
    """`thread show --json`: the thread (id, backend, server, title) and its messages, oldest
    first, each {"role", "text"} with the text as stored (Markdown, not rendered)."""
    from weatherbot.render.json_output import dumps

    return dumps(
        {
            "id": thread_id,
            "backend": info.backend if info else None,
            "server": info.server if info else None,
            "title": info.title if info else None,
            "messages": [{"role": m.role, "text": m.text} for m in messages],
        }
    )
