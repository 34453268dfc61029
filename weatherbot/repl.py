"""The `weatherbot chat` REPL: line editing, history, paste, slash commands and Ctrl-C cancel."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from weatherbot import __version__
from weatherbot.errors import Interrupted, WeatherbotError
from weatherbot.render.consoles import Consoles
from weatherbot.render.sanitize import clean
from weatherbot.render.terminal import TerminalRenderer
from weatherbot.repl_model import in_chat_words, model_command
from weatherbot.repl_provider import provider_names
from weatherbot.repl_threads import (
    is_clear,
    switch_command,
    thread_ids,
    threads_command,
)
from weatherbot.settings import UNIT_SYSTEMS
from weatherbot.signals import reading_line, terminating

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import CompleteEvent, Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.history import History

    from weatherbot.conversation import Session

PROMPT = "> "
CANCELLED = "cancelled; ask again or /exit"

COMMANDS: dict[str, str] = {
    "/help": "show this help",
    "/new": "start a new thread",
    "/threads": "list remembered threads (* marks this one)",
    "/switch": "ID: continue a listed thread (the start of its id is enough)",
    "/history": "show this thread's messages",
    "/stream": "on|off: print answers as they are generated",
    "/units": "metric|imperial|auto: preferred units",
    "/provider": "NAME: weather provider for the next questions",
    "/model": "NAME: the model for the next questions (weatherbot models lists them)",
    "/place": "[NAME] | add NAME PLACE | remove NAME: saved places, the default",
    "/clear": "clear the screen (typing clear does too)",
    "/exit": "leave (Ctrl-D does too)",
}

KEYS_HELP = (
    "Enter sends. Esc then Enter (or Alt+Enter) inserts a newline; pasted text is sent as one "
    "message. Up/Down recall earlier questions. Ctrl-C cancels a running reply or clears the "
    "line; Ctrl-D or /exit leaves."
)


Choices = dict[str, list[str] | Callable[[], list[str]]]


def command_choices(threads: Callable[[], list[str]] | None = None) -> Choices:
    """Argument completions per slash command (a callable is asked each time: thread ids)."""
    return {
        "/stream": ["on", "off"],
        "/units": list(UNIT_SYSTEMS),
        "/provider": provider_names(),
        "/switch": threads or list,
    }


def complete_slash(text: str, choices: Choices) -> Iterator[tuple[str, int, str]]:
    """(completion, start offset, description) for the text before the cursor."""
    if not text.startswith("/"):
        return
    if " " not in text:
        for name, meta in COMMANDS.items():
            if name.startswith(text):
                yield name, -len(text), meta
        return
    command, _, rest = text.partition(" ")
    word = rest.rsplit(" ", 1)[-1]
    if rest.strip() != word:  # only the first argument is completed
        return
    listed = choices.get(command, [])
    for choice in listed() if callable(listed) else listed:
        if choice.startswith(word):
            yield choice, -len(word), ""


def history_path(home: Path) -> Path:
    """The input-history file, created private (0600, never through a link): it holds
    everything typed."""
    from weatherbot.input_history import history_file

    return history_file(home)


class Repl:
    """One interactive conversation: reads lines, runs slash commands, renders answers."""

    def __init__(self, session: Session, consoles: Consoles) -> None:
        self.session = session
        self.consoles = consoles
        self.stream = bool(session.settings.stream)
        self._running = True
        self._handlers: dict[str, Callable[[str], None]] = {
            "/help": self._cmd_help,
            "/new": self._cmd_new,
            "/threads": self._cmd_threads,
            "/switch": self._cmd_switch,
            "/clear": self._cmd_clear,
            "/history": self._cmd_history,
            "/stream": self._cmd_stream,
            "/units": self._cmd_units,
            "/provider": self._cmd_provider,
            "/model": lambda arg: model_command(self.session, arg, self._note),
            "/place": self._cmd_place,
            "/exit": self._cmd_exit,
            "/quit": self._cmd_exit,
        }

    # -- output helpers ----------------------------------------------------------------------

    def _note(self, message: str, style: str = "dim") -> None:
        err = self.consoles.err
        # On a terminal Rich wraps at words; soft_wrap would leave the line to the terminal,
        # which cuts it mid-word at its edge ("co/mmands"). Pipes get the line whole.
        err.print(Text(message, style=style), highlight=False, soft_wrap=not err.is_terminal)

    def _error(self, exc: WeatherbotError) -> None:
        line = f"weatherbot: {clean(exc.message)}"
        if exc.hint:
            line += f" ({clean(in_chat_words(exc.hint))})"
        self._note(line, "red")

    def banner(self) -> None:
        """One line: version, backend, model, thread, and where help is."""
        s = self.session
        model = f"model {s.model}" if s.model else "offline planner"
        thread = f"continuing {clean(s.thread_id)}" if s.thread_id else "new thread"
        # "backend chat", not "· chat ·": alone, the name read like the command's.
        self._note(
            f"weatherbot {__version__} · backend {s.backend_name} · {model} · {thread} · "
            "/help for commands, Ctrl-D to leave"
        )

    # -- the loop ----------------------------------------------------------------------------

    def handle_line(self, line: str) -> bool:
        """Run one input (question or slash command); False once the user wants to leave."""
        text = line.strip()
        if not text:
            return self._running
        if text.startswith("/") and "\n" not in text:
            self._command(text)
        elif is_clear(text):
            self._cmd_clear("")
        else:
            self.ask(line)
        return self._running

    def _command(self, text: str) -> None:
        name, _, arg = text.partition(" ")
        handler = self._handlers.get(name.lower())
        if handler is None:
            self._note(f"unknown command {clean(name)}; /help lists them", "yellow")
            return
        try:
            handler(arg.strip())
        except WeatherbotError as exc:
            self._error(exc)

    def ask(self, question: str) -> None:
        """Render one answer like `ask` does; Ctrl-C cancels it and keeps the thread."""
        out, err = self.consoles.out, self.consoles.err
        renderer = TerminalRenderer(
            out,
            err,
            stream=self.stream,
            verbose=self.session.settings.verbose,
            rich_output=self.consoles.rich_output,
            spinner=self.consoles.spinner,
        )
        events = self.session.ask(question, stream=self.stream)
        problem: WeatherbotError | None = None
        cancelled = False
        try:
            for event in events:
                renderer.handle(event)
        except (Interrupted, KeyboardInterrupt):
            # The backend has cancelled its run (Interrupted), or the interrupt landed in
            # rendering: closing the generator in _finish lets the backend cancel it then.
            cancelled = True
        except WeatherbotError as exc:
            problem = exc
        finally:
            self._finish(events, renderer)
        if cancelled:
            self._note(CANCELLED, "yellow")
        elif problem is not None:
            self._error(problem)

    @staticmethod
    def _finish(events: Iterator[Any], renderer: TerminalRenderer) -> None:
        renderer.close()
        close = getattr(events, "close", None)
        if close is not None:
            close()

    # -- slash commands ----------------------------------------------------------------------

    def _cmd_help(self, _arg: str) -> None:
        if not self.consoles.rich_output:
            # Piped: plain lines (a table pads every one with spaces to its width).
            width = max(map(len, COMMANDS)) + 2
            for name, text in COMMANDS.items():
                self.consoles.out.print(f"{name:<{width}}{text}", soft_wrap=True)
            self.consoles.out.print(KEYS_HELP, soft_wrap=True)
            return
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for name, text in COMMANDS.items():
            table.add_row(name, text)
        self.consoles.out.print(table)
        self.consoles.out.print(Text(KEYS_HELP))

    def _cmd_new(self, _arg: str) -> None:
        self.session.select_thread()
        self._note("new thread: it starts with your next question")

    def _cmd_threads(self, _arg: str) -> None:
        threads_command(self.session, self.consoles.out, self._note)

    def _cmd_switch(self, arg: str) -> None:
        switch_command(self.session, arg, self._note)

    def _cmd_clear(self, _arg: str) -> None:
        if self.consoles.rich_output:
            self.consoles.out.clear()

    def _cmd_history(self, _arg: str) -> None:
        thread_id = self.session.thread_id
        if thread_id is None:
            self._note("this thread has no messages yet")
            return
        from weatherbot.render.thread_messages import print_messages

        # As `thread show` prints them: Markdown on a terminal, plain text piped or uncoloured.
        rich = self.consoles.rich_output and self.session.settings.color is not False
        print_messages(self.consoles.out, self.session.thread_messages(thread_id), rich=rich)

    def _cmd_stream(self, arg: str) -> None:
        value = arg.lower()
        if value in ("on", "off"):
            self.stream = value == "on"
        elif value:
            self._note("usage: /stream on|off", "yellow")
            return
        self._note(f"stream {'on' if self.stream else 'off'}")

    def _apply(self, **changes: Any) -> None:
        settings = self.session.settings.with_overrides(**changes)
        self.session.apply_settings(settings)

    def _cmd_units(self, arg: str) -> None:
        value = arg.lower()
        if value and value not in UNIT_SYSTEMS:
            self._note(f"usage: /units {'|'.join(UNIT_SYSTEMS)}", "yellow")
            return
        if value:
            self._apply(units=value)
        self._note(f"units {self.session.settings.units}")

    def _cmd_provider(self, arg: str) -> None:
        from weatherbot.repl_provider import provider_command

        provider_command(self.session, arg, self._note)

    def _cmd_place(self, arg: str) -> None:
        from weatherbot.repl_places import place_command

        place_command(self.session, arg, self._note)

    def _cmd_exit(self, _arg: str) -> None:
        self._running = False


# -- prompt_toolkit ---------------------------------------------------------------------------


def _make_prompt(history: History, threads: Callable[[], list[str]]) -> PromptSession[str]:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    class SlashCompleter(Completer):
        """Completes slash commands and their arguments."""

        def __init__(self) -> None:
            self.choices = command_choices(threads)

        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterable[Completion]:
            for text, start, meta in complete_slash(document.text_before_cursor, self.choices):
                yield Completion(text, start_position=start, display_meta=meta or None)

    bindings = KeyBindings()

    @bindings.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    @bindings.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.text:
            buffer.reset()
        else:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    return PromptSession(
        history=history,
        completer=SlashCompleter(),
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        key_bindings=bindings,
        enable_history_search=False,
        multiline=False,
    )


def _history(home: Path, warn: Callable[[str], None]) -> History:
    # Not prompt_toolkit's FileHistory: its open(..., "ab") follows a link at the path.
    from weatherbot.input_history import open_history

    return open_history(home, warn)


def _interactive(repl: Repl) -> None:
    home = repl.session.settings.home
    prompt = _make_prompt(
        _history(home, lambda m: repl._note(m, "yellow")), lambda: thread_ids(repl.session)
    )
    while True:
        try:
            with reading_line(prompt.app):
                line = prompt.prompt(PROMPT)
        except KeyboardInterrupt:
            if terminating():
                raise  # SIGTERM/SIGHUP: leave (exit 130), where Ctrl-C only clears the line
            repl._note("(Ctrl-D or /exit leaves)")
            continue
        except EOFError:
            return
        try:
            if not repl.handle_line(line):
                return
        except KeyboardInterrupt:
            # A second Ctrl-C while cleaning up a cancelled reply: the session still stands.
            repl._note(CANCELLED, "yellow")
        _leave_if_terminating()


def _leave_if_terminating() -> None:
    # A reply cancelled by SIGTERM/SIGHUP (handled like Ctrl-C) ends the session too.
    if terminating():
        raise KeyboardInterrupt


def _scripted(repl: Repl, lines: Iterable[str]) -> None:
    for line in lines:
        if not repl.handle_line(line.rstrip("\n")):
            return
        _leave_if_terminating()


def run_repl(session: Session, consoles: Consoles) -> None:
    """Hold a conversation until /exit or Ctrl-D (or end of input when stdin is not a tty)."""
    repl = Repl(session, consoles)
    if sys.stdin.isatty() and sys.stdout.isatty():
        repl.banner()
        _interactive(repl)
    else:
        # Piped input: one message per line, no prompt, nothing for a terminal.
        _scripted(repl, sys.stdin)
