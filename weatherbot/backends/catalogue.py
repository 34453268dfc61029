"""The backend catalogue: each backend's name, where its code lives, and what it can do.

Everything outside `backends/` asks this module instead of comparing names, so adding a
backend is one module, its tests and one line in CATALOGUE. Nothing heavy is imported here:
a backend's module (and with it `openai`) is loaded only when that backend is built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from weatherbot.errors import ConfigError

if TYPE_CHECKING:
    from weatherbot.backends.base import Backend, Runtime
    from weatherbot.settings import Settings

AUTO = "auto"
# The no-model, no-network backend `--offline` and a missing key choose.
OFFLINE = "offline"
# Hosts whose API is OpenAI's own (Responses + Conversations); other base URLs speak Chat.
OPENAI_HOSTS = ("api.openai.com",)


@dataclass(frozen=True)
class BackendInfo:
    """One backend: how to build it and its capabilities."""

    name: str
    module: str
    factory: str
    summary: str
    # Talks to a model server over HTTP (so it needs a key or a base URL, and has a model).
    remote: bool
    # Threads are message histories in the state store (not server objects).
    local_threads: bool
    # The assistant is a server object with an id (created, updated, deleted there).
    server_assistant: bool
    # A turn in flight can be cancelled on the server.
    can_cancel: bool

    def build(self, runtime: Runtime) -> Backend:
        """A new backend instance (imports its module on first use)."""
        cls = getattr(importlib.import_module(self.module), self.factory)
        backend: Backend = cls(runtime)
        return backend


CATALOGUE: dict[str, BackendInfo] = {
    info.name: info
    for info in (
        BackendInfo(
            "assistants",
            "weatherbot.backends.assistants",
            "AssistantsBackend",
            "the Assistants API (servers that still speak it)",
            remote=True,
            local_threads=False,
            server_assistant=True,
            can_cancel=True,
        ),
        BackendInfo(
            "responses",
            "weatherbot.backends.responses",
            "ResponsesBackend",
            "OpenAI's Responses + Conversations API",
            remote=True,
            local_threads=False,
            server_assistant=False,
            can_cancel=True,
        ),
        BackendInfo(
            "chat",
            "weatherbot.backends.chat",
            "ChatBackend",
            "Chat Completions on any OpenAI-compatible server",
            remote=True,
            local_threads=True,
            server_assistant=False,
            can_cancel=False,
        ),
        BackendInfo(
            OFFLINE,
            "weatherbot.backends.offline",
            "OfflineBackend",
            "the built-in planner: no model, no key",
            remote=False,
            local_threads=True,
            server_assistant=False,
            can_cancel=False,
        ),
    )
}


def choices() -> tuple[str, ...]:
    """Every name `--backend` accepts, `auto` first."""
    return (AUTO, *CATALOGUE)


def get(name: str, where: str = "") -> BackendInfo:
    """The catalogue entry for a concrete backend name (`where`: the setting's file, if any)."""
    info = CATALOGUE.get(name.strip().lower())
    if info is None:
        raise ConfigError(
            f"unknown backend {name!r}{where}", hint=f"choose one of: {', '.join(choices())}"
        )
    return info


def is_openai(base_url: str | None) -> bool:
    """The base URL is OpenAI's own API (None: the SDK's default, which is)."""
    return base_url is None or any(h in base_url.lower() for h in OPENAI_HOSTS)


def resolve(settings: Settings) -> BackendInfo:
    """The backend the settings ask for; `auto` means offline without a key, else by server."""
    name = settings.backend
    if name != AUTO:
        return get(name, settings.where("WEATHERBOT_BACKEND"))
    if not settings.api_key:
        return CATALOGUE[OFFLINE]
    if is_openai(settings.base_url):
        return CATALOGUE["responses"]
    return CATALOGUE["chat"]
