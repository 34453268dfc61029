"""The `assistants` backend: the original Assistants API flow (assistant, thread, run).

OpenAI shut the Assistants API down on 2026-08-26; this backend is for servers that still
speak its wire API (see reference/openai-protocols.md section a.3). Runs are driven by
polling (honouring `openai-poll-after-ms`) or by raw SSE streams; every `requires_action`
is answered with all tool outputs in one `submit_tool_outputs` call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from weatherbot.backends.api_errors import map_openai_error
from weatherbot.backends.assistants_run import AssistantsTurn
from weatherbot.backends.assistants_wire import (
    INTERRUPTED_MESSAGE,
    INTERRUPTED_UNCONFIRMED,
    POLL_DEADLINE_S,
    BetaResources,
    UnaddressableId,
    mapped,
    message_text,
    quiet,
)
from weatherbot.backends.base import Profile, Runtime, ThreadMessage, TurnRequest
from weatherbot.backends.driver import TurnDriver
from weatherbot.backends.openai_client import SdkClient, nested_tools
from weatherbot.events import Event, Message


class AssistantsBackend(SdkClient):
    """Assistants API turns: server assistant and thread, runs by polling or streaming."""

    name = "assistants"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.poll_deadline_s = POLL_DEADLINE_S
        self._profile: Profile | None = None
        self._beta: BetaResources | None = None
        self._stream: Any = None

    @property
    def beta(self) -> BetaResources:
        """The assistants and threads resources on the SDK client."""
        if self._beta is None:
            self._beta = BetaResources(self.client)
        return self._beta

    def close(self) -> None:
        """Release the connection pool (and the resources bound to it)."""
        self._beta = None
        super().close()

    @property
    def profile(self) -> Profile:
        """The profile of the last `ensure_assistant`, else the runtime's."""
        return self._profile or self.runtime.profile

    # -- assistant and thread ---------------------------------------------------------------

    def ensure_assistant(self, profile: Profile, remembered: Mapping[str, Any] | None) -> str:
        """Reuse the remembered assistant, update it if the profile changed, or create one."""
        import openai

        self._profile = profile
        assistant_id = str(remembered.get("id") or "") if remembered else ""
        try:
            if assistant_id and remembered is not None:
                if remembered.get("fingerprint") == profile.fingerprint:
                    return assistant_id
                try:
                    with quiet():
                        self.beta.assistants.update(
                            assistant_id,
                            model=profile.model,
                            instructions=profile.instructions,
                            tools=nested_tools(profile.tools),  # type: ignore[arg-type]
                            metadata={"fingerprint": profile.fingerprint},
                        )
                    return assistant_id
                except openai.NotFoundError:
                    pass  # deleted on the server: create a new one below
            return self._create_assistant(profile)
        except openai.OpenAIError as exc:
            raise mapped(exc) from None

    def _create_assistant(self, profile: Profile) -> str:
        with quiet():
            assistant = self.beta.assistants.create(
                model=profile.model,
                name=profile.name,
                instructions=profile.instructions,
                tools=nested_tools(profile.tools),  # type: ignore[arg-type]
                metadata={"fingerprint": profile.fingerprint},
            )
        return str(assistant.id)

    def create_thread(self) -> str:
        """A new server thread."""
        import openai

        try:
            with quiet():
                return str(self.beta.threads.create().id)
        except openai.OpenAIError as exc:
            raise mapped(exc) from None

    def delete_thread(self, thread_id: str) -> bool:
        """Delete the thread; False when it was already gone."""
        import openai

        try:
            with quiet():
                self.beta.threads.delete(thread_id)
        except (openai.NotFoundError, UnaddressableId):
            # An id no URL can name ("..") names nothing the server could delete: forget it.
            return False
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None
        return True

    def delete_assistant(self, assistant_id: str) -> None:
        """Delete the assistant (already gone counts as deleted)."""
        import openai

        try:
            with quiet():
                self.beta.assistants.delete(assistant_id)
        except (openai.NotFoundError, UnaddressableId):
            return
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None

    def thread_messages(self, thread_id: str, history: list[Message]) -> list[ThreadMessage]:
        """The thread's messages with text, oldest first."""
        import openai

        out = []
        try:
            with quiet():
                page = self.beta.threads.messages.list(thread_id, order="asc")
            for message in page:
                text = message_text(message)
                if text.strip():
                    out.append(ThreadMessage(str(message.role), text))
        except openai.OpenAIError as exc:
            raise mapped(exc) from None
        return out

    # -- one turn ---------------------------------------------------------------------------

    def run_turn(self, request: TurnRequest) -> Iterator[Event]:
        """Add the question, run the assistant on the thread, answer tool calls, until done."""
        turn = AssistantsTurn(
            self, request, request.thread_id, request.assistant_id, self.runtime.clock()
        )
        driver = TurnDriver(self.runtime.registry, INTERRUPTED_MESSAGE, INTERRUPTED_UNCONFIRMED)
        return driver.run(turn, request)
