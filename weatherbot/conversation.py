"""Resolve the assistant and thread from the state store, run the backend, save the ids."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from weatherbot.backends import catalogue
from weatherbot.backends.base import (
    Backend,
    Profile,
    Runtime,
    ThreadMessage,
    TurnRequest,
    instructions_for,
)
from weatherbot.errors import StateError, UsageError, WeatherbotError
from weatherbot.events import Done, Event, Ids, Message
from weatherbot.providers.saved_places import SavedPlacesFile
from weatherbot.providers.service import PlaceChoices
from weatherbot.settings import Settings
from weatherbot.state import StateStore
from weatherbot.text_safety import replace_surrogates
from weatherbot.thread_home import elsewhere_hint, refuse_move
from weatherbot.thread_ids import (
    DEFAULT_SERVER,
    ThreadInfo,
    home_of,
    no_thread,
    same_server,
    server_key,
    thread_infos,
    unique_id,
)
from weatherbot.tools.registry import ToolRegistry
from weatherbot.tools.weather import ToolContext, default_registry

MAX_QUESTION_CHARS = 20_000
__all__ = ["Session", "ThreadInfo", "clean_question"]
T = TypeVar("T")


def clean_question(text: str) -> str:
    """The question trimmed and checked: not empty, not absurdly long, encodable."""
    text = replace_surrogates(text)
    question = " ".join(text.split()) if "\n" not in text.strip() else text.strip()
    if not question:
        raise UsageError(
            "the question is empty", hint='ask something, e.g. "Will it rain in Paris?"'
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise UsageError(
            f"the question is too long ({len(question):,} characters; at most "
            f"{MAX_QUESTION_CHARS:,})",
            hint="ask a shorter question",
        )
    return question


def _history(record: Mapping[str, Any]) -> list[Message]:
    """A thread record's stored messages; entries that are not messages are skipped."""
    stored = record.get("history")
    if not isinstance(stored, list):
        return []
    messages = (Message.from_dict(m) for m in stored if isinstance(m, Mapping))
    return [m for m in messages if m is not None]


class Session:
    """One backend, one state store, and the thread in use (for `ask` and `chat`)."""

    def __init__(
        self,
        settings: Settings,
        backend_name: str,
        *,
        store: StateStore | None = None,
        registry: ToolRegistry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.info = catalogue.get(backend_name)
        self.backend_name = self.info.name
        self._warn = on_warning
        self.store = store or StateStore(settings.state_path, on_warning=on_warning)
        self.registry = registry or default_registry()
        self.profile = self._profile(settings)
        self._runtime = Runtime(
            settings,
            self.profile,
            self.registry,
            sleep=sleep,
            clock=clock,
            facts=self.store.server_facts(server_key(self.server or DEFAULT_SERVER)),
        )
        self._backend: Backend | None = None
        # Backends built for threads that live elsewhere (thread show/delete), closed with ours.
        self._others: list[Backend] = []
        self.thread_id: str | None = None
        # A thread continued on its own server: errors must not blame OPENAI_BASE_URL for it.
        self._configured_server = self.server
        # Places the user picked after an ambiguity, kept for the whole session (chat).
        self.place_choices = PlaceChoices()

    def _profile(self, settings: Settings) -> Profile:
        # Read once per session and settings: the instructions and every question's service.
        saved = self._saved = SavedPlacesFile(settings.home, on_warning=self._warn).load()
        default = saved.default_place()
        return Profile(
            model=settings.model,
            instructions=instructions_for(
                settings.units,
                settings.wind_unit,
                settings.precipitation_unit,
                places=[(e.name, e.place.display_name) for e in saved.places.values()],
                default_place=default.name if default else None,
            ),
            tools=tuple(self.registry.schemas()),
        )

    @property
    def scope(self) -> str:
        """Threads and assistants are remembered per backend and server."""
        if not self.info.remote:
            return self.backend_name
        return f"{self.backend_name}|{self.server}"

    @property
    def server(self) -> str | None:
        """The base URL this session's backend talks to; None for one without a server."""
        if not self.info.remote:
            return None
        return self.settings.base_url or DEFAULT_SERVER

    @property
    def model(self) -> str | None:
        """The model name, or None for the offline planner."""
        return self.settings.model if self.info.remote else None

    @property
    def backend(self) -> Backend:
        """The backend, built on first use (so `thread list` never imports openai)."""
        if self._backend is None:
            self._backend = self.info.build(self._runtime)
        return self._backend

    def close(self) -> None:
        """Release the backend's connections."""
        if self._backend is not None:
            self._backend.close()
        while self._others:
            self._others.pop().close()

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings (units, provider) from the next question on, on the same thread."""
        self.close()
        self._backend = None
        self.settings = settings
        self.profile = self._profile(settings)
        self._runtime = self._runtime_for(settings, self.server)

    def _runtime_for(self, settings: Settings, server: str | None) -> Runtime:
        """A Runtime like this session's, for `settings` and what is known of `server`."""
        return Runtime(
            settings,
            self.profile,
            self.registry,
            sleep=self._runtime.sleep,
            clock=self._runtime.clock,
            facts=self.store.server_facts(server_key(server or DEFAULT_SERVER)),
        )

    # -- threads -----------------------------------------------------------------------------

    def select_thread(self, *, continue_last: bool = False, thread_id: str | None = None) -> None:
        """Pick the thread for the next question: a given id (or a unique prefix of one), the
        last one used (on any backend), or a new one. A remembered thread is continued on its
        own backend and server, whatever is configured: it exists nowhere else."""
        if thread_id is not None:
            thread_id = thread_id.strip()  # pasted with the spaces around it
            found = unique_id(thread_id, self.store.matching_ids(thread_id))
            if found is None:
                if thread_id.startswith("local_") or self.info.local_threads:
                    raise no_thread(thread_id)
                # Perhaps a server thread made elsewhere: the server will say if it is not.
                self.thread_id = thread_id
                return
            self._move_to(found)
            self.thread_id = found
        elif continue_last:
            # A state whose thread records were lost (repaired) still has its pointers.
            last = self.store.latest_thread_id() or self.store.last_thread_id(self.scope)
            if last is None:
                raise UsageError(
                    "there is no earlier conversation to continue",
                    hint="ask without -c to start one",
                )
            self._move_to(last)
            self.thread_id = last
        else:
            self.thread_id = None

    def _move_to(self, thread_id: str) -> None:
        """Use the backend and server the thread lives on, if they are not this session's."""
        backend, server, known = home_of(self.store.get_thread(thread_id) or {})
        if backend is None or backend not in catalogue.CATALOGUE:
            return  # a record that never said: the configured backend, as before
        info = catalogue.get(backend)
        target = server if info.remote and known else self.server if info.remote else None
        if backend == self.backend_name and same_server(target, self.server):
            return
        where = f"{backend} at {target}" if target else backend
        refuse_move(self.settings, thread_id, info, where, target)
        if self._warn is not None:
            self._warn(f"thread {thread_id} lives on {where}; continuing it there")
        self.info, self.backend_name = info, info.name
        self.apply_settings(self.settings.with_overrides(backend=info.name, base_url=target))

    def resolve_thread(self, thread_id: str | None) -> str:
        """The remembered thread an id or unique prefix names; None names the latest one."""
        if thread_id is None:
            latest = self.store.latest_thread_id()
            if latest is None:
                raise UsageError(
                    "there are no conversations yet", hint='start one with weatherbot ask "..."'
                )
            return latest
        thread_id = thread_id.strip()
        found = unique_id(thread_id, self.store.matching_ids(thread_id))
        if found is None:
            raise no_thread(thread_id)
        return found

    def threads(self) -> list[ThreadInfo]:
        """Every remembered thread, most recently used first; the current one marked (this
        session's, or else the one `-c` would continue)."""
        records = self.store.list_threads()
        current = self.thread_id or (str(records[0].get("id")) if records else None)
        return thread_infos(records, current)

    def _record(self, thread_id: str) -> Mapping[str, Any]:
        record = self.store.get_thread(thread_id)
        if record is None:
            raise no_thread(thread_id)
        return record

    def thread_messages(self, thread_id: str) -> list[ThreadMessage]:
        """The messages of a remembered thread (a whole id), oldest first, from its server."""
        record = self._record(thread_id)
        backend = self._backend_for(record)
        return backend.thread_messages(thread_id, _history(record))

    def delete_thread(self, thread_id: str) -> bool | None:
        """Delete a thread on its server (where there is one) and forget it. True: deleted
        there; False: the server had no such thread; None: it lived only here."""
        record = self._record(thread_id)
        result = self._backend_for(record).delete_thread(thread_id)
        self.store.delete_thread(thread_id)
        return result

    def _backend_for(self, record: Mapping[str, Any]) -> Backend:
        """The backend of the thread's own backend and server (this session's if they match)."""
        backend, server, known = home_of(record)
        info = catalogue.get(backend) if backend in catalogue.CATALOGUE else self.info
        target = (server if known else self.server) if info.remote else None
        if info.name == self.backend_name and same_server(target, self.server):
            return self.backend
        settings = self.settings.with_overrides(backend=info.name, base_url=target)
        other = info.build(self._runtime_for(settings, target))
        self._others.append(other)
        return other

    def assistant_record(self) -> dict[str, Any] | None:
        """The remembered assistant for this backend and server."""
        return self.store.get_assistant(self.scope)

    def delete_assistant(self) -> str | None:
        """Delete the remembered assistant on the server and forget it; its id."""
        record = self.store.get_assistant(self.scope)
        if record is None:
            return None
        self.backend.delete_assistant(str(record["id"]))
        self.store.delete_assistant(self.scope)
        return str(record["id"])

    # -- asking ------------------------------------------------------------------------------

    def _ensure_assistant(self, unsaved: list[StateError]) -> str | None:
        # Only a server assistant is remembered: the others need no read of the state.
        remembered = self.store.get_assistant(self.scope) if self.info.server_assistant else None
        assistant_id = self.backend.ensure_assistant(self.profile, remembered)
        if assistant_id and (
            remembered is None
            or remembered.get("id") != assistant_id
            or remembered.get("fingerprint") != self.profile.fingerprint
        ):
            self._saving(unsaved, self._remember_assistant, assistant_id)
        return assistant_id

    def _remember_assistant(self, assistant_id: str) -> None:
        self.store.put_assistant(
            self.scope,
            {
                "id": assistant_id,
                "fingerprint": self.profile.fingerprint,
                "model": self.profile.model,
                "created_at": self.store.now(),
            },
        )

    def ask(self, question: str, *, stream: bool | None = None) -> Iterator[Event]:
        """Ask on the selected thread (a new one if none); yields the backend's events."""
        question = clean_question(question)
        from weatherbot.providers.registry import build_service

        # A state write that fails (disk full, read-only home) must not cost the answer: the
        # turn goes on, and the failure is raised after Done, once the answer is shown.
        unsaved: list[StateError] = []
        assistant_id = self._ensure_assistant(unsaved)
        thread_id = self.thread_id
        created = thread_id is None
        if thread_id is None:
            thread_id = self.backend.create_thread()
        self.thread_id = thread_id
        # A thread is remembered once it has an answer (in _after_done): a failed or cancelled
        # first question leaves nothing behind in `thread list`.
        record = {} if created else self.store.get_thread(thread_id) or {}
        request = TurnRequest(
            question=question,
            thread_id=thread_id,
            assistant_id=assistant_id,
            tool_context=ToolContext(
                build_service(
                    self.settings,
                    sleep=self._runtime.sleep,
                    choices=self.place_choices,
                    on_warning=self._warn,
                    saved=self._saved,
                )
            ),
            stream=self.settings.stream if stream is None else stream,
            history=_history(record),
        )
        answered = False
        try:
            for event in self.backend.run_turn(request):
                if isinstance(event, Done):
                    answered = True
                    title = str(record.get("title") or question)
                    self._saving(unsaved, self._after_done, event, thread_id, assistant_id, title)
                yield event
        except Exception as exc:
            if not created and not same_server(self.server, self._configured_server):
                elsewhere_hint(exc, thread_id)
            if created and not answered:
                self._abandon(thread_id)
            raise
        finally:
            if created and not answered:
                self.thread_id = None  # the next question starts afresh
        if unsaved:
            raise StateError(f"the conversation was not saved: {unsaved[0]}", hint=unsaved[0].hint)

    def _abandon(self, thread_id: str) -> None:
        """Delete a new server thread whose first run failed (best effort: it was never shown)."""
        with contextlib.suppress(WeatherbotError):
            self.backend.delete_thread(thread_id)

    def _saving(self, failures: list[StateError], save: Callable[..., T], *args: Any) -> T | None:
        """`save(*args)`, or None with its StateError added to `failures`."""
        try:
            return save(*args)
        except StateError as exc:
            failures.append(exc)
            return None

    def _after_done(self, done: Done, thread_id: str, assistant_id: str | None, title: str) -> None:
        ids: Ids = done.ids
        if ids.assistant_id and ids.assistant_id != assistant_id:
            self._remember_assistant(ids.assistant_id)
        final_thread = ids.thread_id or thread_id
        if final_thread != thread_id:
            # The server lost the thread and the backend made a new one: keep the title.
            old = self.store.delete_thread(thread_id) or {}
            title = str(old.get("title") or title)
            self.thread_id = final_thread
        self.store.save_thread(
            final_thread,
            self.scope,
            self.backend_name,
            title=title,
            append_history=[m.to_dict() for m in done.history],
            server=self.server,
        )
