"""`/provider NAME` in chat: the weather provider for the next questions, checked first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weatherbot.conversation import Session


def provider_command(session: Session, arg: str, note: Callable[[str, str], None]) -> None:
    """Switch to provider `arg` (a bad name or a missing key is an error, nothing changes);
    without one, say which is in use."""
    name = arg.strip().lower()
    if name:
        from weatherbot.providers.registry import build_service

        settings = session.settings
        # Typed here, so an error about the name need not say where it came from (the
        # settings still say config.toml or the environment for the provider they started with).
        sources = {k: v for k, v in settings.sources.items() if k != "WEATHERBOT_PROVIDER"}
        candidate = replace(settings, provider=name, sources=sources)
        # Building the service checks the name (and its key) before we switch.
        service = build_service(candidate)
        closer = getattr(service, "close", None)
        if callable(closer):
            closer()
        session.apply_settings(candidate)
    note(f"provider {session.settings.provider}", "dim")


def provider_names() -> list[str]:
    """Known provider names for completion."""
    from weatherbot.providers.registry import provider_names as names

    try:
        return names()
    except Exception:  # a broken third-party plugin must never break the prompt
        return []
