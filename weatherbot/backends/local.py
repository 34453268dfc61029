"""What backends with a local assistant and local threads share (chat, offline)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from weatherbot.backends.base import Profile, ThreadMessage
from weatherbot.events import Message


def message_text(content: Any) -> str:
    """The text of a stored message's content (a string, or a list of text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    return ""


class LocalThreads:
    """The assistant is the local profile and a thread is a history in the state store."""

    def ensure_assistant(
        self, profile: Profile, remembered: Mapping[str, Any] | None
    ) -> str | None:
        """There is no assistant object to create."""
        return None

    def create_thread(self) -> str:
        """A new local thread id (no request)."""
        return "local_" + uuid.uuid4().hex[:20]

    def delete_thread(self, thread_id: str) -> None:
        """Nothing on a server to delete."""

    def delete_assistant(self, assistant_id: str) -> None:
        """Nothing on a server to delete."""

    def thread_messages(self, thread_id: str, history: list[Message]) -> list[ThreadMessage]:
        """The stored user questions and assistant answers, oldest first."""
        return [
            ThreadMessage(m.role, m.content)
            for m in history
            if m.role in ("user", "assistant") and m.content.strip()
        ]
