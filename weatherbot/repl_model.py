"""`/model NAME` in chat: the model for the next questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from weatherbot.backends.api_errors import MODEL_FLAG_ADVICE
from weatherbot.render.sanitize import clean

if TYPE_CHECKING:
    from weatherbot.conversation import Session

# How a model is changed in chat, said where the one-shot commands' errors say --model.
MODEL_COMMAND_ADVICE = "choose one with /model NAME"


def model_command(session: Session, arg: str, note: Callable[[str, str], None]) -> None:
    """`/model NAME`: the model for the next questions (the server checks the name when asked);
    without one, say which is in use."""
    if not session.info.remote:
        note("the offline planner uses no model (chat -b chat or -b responses does)", "yellow")
        return
    name = arg.strip()
    if name:
        sources = {k: v for k, v in session.settings.sources.items() if k != "WEATHERBOT_MODEL"}
        session.apply_settings(replace(session.settings, model=name, sources=sources))
    note(f"model {clean(str(session.model))}", "dim")


def in_chat_words(hint: str) -> str:
    """An error's hint as chat's user acts on it: /model, not starting again with --model."""
    return hint.replace(MODEL_FLAG_ADVICE, MODEL_COMMAND_ADVICE)
