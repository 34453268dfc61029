"""Every backend behind one handle: start the right fake and point the environment at it.

    with serve_backend("responses", monkeypatch) as under_test:
        result = runner.invoke(app, ["ask", *under_test.flags(stream=True), "..."])

`assistants`, `responses` and `chat` get their loopback fake (FakeAssistants, FakeResponses,
FakeChat, all over ScriptedModel) plus OPENAI_API_KEY/OPENAI_BASE_URL; `offline` gets no key
and no fake (the planner needs neither). WEATHERBOT_BACKEND names the backend explicitly in all
four cases, so nothing depends on `auto`. Weather comes from the `fake_weather` fixture.

`VARIANTS` are a backend against a server that misbehaves as third-party ones do (issue 19):
"responses-noconv" (no Conversations API, like the LiteLLM proxy) and "responses-ignoring"
(`background` and `conversation` accepted and ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.chat_server import FakeChat
from tests.fakes.responses_server import FakeResponses
from tests.fakes.server import FakeServer

BACKENDS = ("assistants", "responses", "chat", "offline")
# Variant name -> the backend it runs.
VARIANTS = {"responses-noconv": "responses", "responses-ignoring": "responses"}
KEY = "sk-test.contract.DO-NOT-LEAK.0123456789"


@dataclass
class BackendUnderTest:
    """A backend name and the fake it talks to (None for offline)."""

    name: str
    fake: FakeServer | None

    @property
    def backend(self) -> str:
        """The backend's own name (a variant runs one of the four)."""
        return VARIANTS.get(self.name, self.name)

    @property
    def model(self) -> FakeServer:
        """The running fake API server (not for offline)."""
        assert self.fake is not None, f"the {self.name} backend has no API server"
        return self.fake

    def flags(self, stream: bool) -> list[str]:
        """`--stream` or `--no-stream`: both are explicit, so no default decides for the test."""
        return ["--stream" if stream else "--no-stream"]


def make_fake(name: str) -> FakeServer | None:
    """A fresh, not yet started fake API server for the backend (None for offline)."""
    if name == "assistants":
        assistants = FakeAssistants()
        # A poll hint of 0 ms: the real CLI polls without waiting.
        assistants.poll_after_ms = 0
        return assistants
    if name in ("responses", "responses-noconv", "responses-ignoring"):
        responses = FakeResponses(
            conversations=name != "responses-noconv", ignoring=name == "responses-ignoring"
        )
        responses.poll_after_ms = 0
        return responses
    if name == "chat":
        return FakeChat()
    if name == "offline":
        return None
    raise ValueError(f"unknown backend {name!r}")


@contextmanager
def serve_backend(name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[BackendUnderTest]:
    """Start the backend's fake (if it has one) and set the environment for the real CLI."""
    fake = make_fake(name)
    monkeypatch.setenv("WEATHERBOT_BACKEND", VARIANTS.get(name, name))
    if fake is not None:
        fake.start()
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    try:
        yield BackendUnderTest(name, fake)
    finally:
        if fake is not None:
            fake.stop()
