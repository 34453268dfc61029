"""What a backend learned about the server it talks to, remembered per base URL.

Third-party Responses servers implement `/v1/responses` but not always the rest of the API:
some have no Conversations API, some accept `background` or `conversation` and ignore them.
A backend finds out once and remembers the answer (in the state store, through conversation.py),
so the next command neither asks again nor repeats the notice that said so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# The Conversations API exists and `conversation` is honoured (False: keep threads locally).
CONVERSATIONS = "conversations"
# `background: true` is honoured (False: plain requests; nothing to poll, resume or cancel).
BACKGROUND = "background"
FACTS = (CONVERSATIONS, BACKGROUND)


class ServerFacts(Protocol):
    """Facts about one server: True or False once known, None before."""

    def get(self, name: str) -> bool | None:
        """The fact, or None when it was never found out."""
        ...

    def put(self, name: str, value: bool) -> None:
        """Remember a fact (best effort: a state that cannot be written costs no answer)."""
        ...


@dataclass
class MemoryFacts:
    """Facts kept for this process only (tests, and backends built without a state store)."""

    known: dict[str, bool] = field(default_factory=dict)

    def get(self, name: str) -> bool | None:
        """The fact, or None."""
        return self.known.get(name)

    def put(self, name: str, value: bool) -> None:
        """Remember it until the process ends."""
        self.known[name] = value


def learn(facts: ServerFacts, name: str, value: bool) -> bool:
    """Remember `value` unless already known to be so; True when it was news."""
    if facts.get(name) is value:
        return False
    facts.put(name, value)
    return True
