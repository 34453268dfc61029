"""Whether a session may go where a remembered thread lives (its own backend and server)."""

from __future__ import annotations

from weatherbot.backends import catalogue
from weatherbot.errors import APIError, ConfigError, UsageError
from weatherbot.settings import Settings

# How to leave the thread alone: a new conversation is any question without these.
NEW_CONVERSATION = "ask without -c/--thread"


def refuse_move(
    settings: Settings, thread_id: str, info: catalogue.BackendInfo, where: str, target: str | None
) -> None:
    """Raise when the settings rule out continuing `thread_id` on `info` at `target`: the
    offline backend asked for by name (it promises no model server), or OpenAI with no key
    (which would answer 401 to a key weatherbot does not have)."""
    if not info.remote:
        return
    if settings.backend == catalogue.OFFLINE:
        raise UsageError(
            f"thread {thread_id} lives on {where}, and the offline backend cannot continue it",
            hint=f"drop --offline to continue it there, or {NEW_CONVERSATION}",
        )
    if not settings.api_key and catalogue.is_openai(target):
        raise ConfigError(
            f"thread {thread_id} lives on {where}, which needs OPENAI_API_KEY",
            hint=f"set OPENAI_API_KEY to continue it, or {NEW_CONVERSATION}",
        )


def elsewhere_hint(exc: BaseException, thread_id: str) -> None:
    """Advice for a server the session moved to for `thread_id`: OPENAI_BASE_URL did not
    choose it, so "check OPENAI_BASE_URL" would send the user to the wrong setting."""
    if isinstance(exc, APIError) and exc.hint and "OPENAI_BASE_URL" in exc.hint:
        exc.hint = (
            f"thread {thread_id} lives there: start that server again to continue it, "
            f"or {NEW_CONVERSATION}"
        )
