"""`weatherbot thread ...` and `weatherbot assistant ...`: remembered conversations and assistant.

These commands read the state store and reach a server only to show or delete what lives
there; `thread list` stays light (no backend, no openai, no pydantic: its options are flags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from weatherbot.backends import catalogue
from weatherbot.cli_options import (
    BackendOpt,
    Command,
    DebugOpt,
    Group,
    err_print,
    guarded,
    settings_from,
    warn,
)

if TYPE_CHECKING:
    from weatherbot.conversation import Session
    from weatherbot.settings import Settings

thread_app = typer.Typer(
    cls=Group, help="List, show and delete conversations.", no_args_is_help=True
)
assistant_app = typer.Typer(
    cls=Group, help="Show or delete the remembered assistant.", no_args_is_help=True
)

ThreadIdArg = Annotated[str, typer.Argument(help="The conversation id (see thread list).")]


def _session(settings: Settings) -> Session:
    from weatherbot.conversation import Session

    return Session(settings, catalogue.resolve(settings).name, on_warning=warn)


@thread_app.command("list", cls=Command)
def thread_list(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List remembered conversations, most recent first."""

    def body() -> None:
        threads = _session(settings_from()).threads()
        if json_out:
            from weatherbot.render.json_output import dumps

            typer.echo(dumps([t.__dict__ for t in threads]))
            return
        if not threads:
            err_print('no conversations yet; start one with weatherbot ask "..."', "dim")
            return
        from weatherbot.render.consoles import SafeConsole
        from weatherbot.render.sanitize import clean
        from weatherbot.render.thread_table import thread_table, when

        out = SafeConsole()
        if not out.is_terminal:
            # Pipes get one tab-separated line per thread, easy to cut and grep.
            for t in threads:
                mark = "*" if t.current else ""
                fields = (t.id, t.backend, when(t.last_used_at), mark, t.title)
                typer.echo("\t".join(clean(field) for field in fields))
            return
        out.print(thread_table(threads, marked={t.id for t in threads if t.current}))

    guarded(debug, body)


@thread_app.command("show", cls=Command)
def thread_show(thread_id: ThreadIdArg, debug: DebugOpt = False) -> None:
    """Print a conversation's messages."""

    def body() -> None:
        from rich.text import Text

        from weatherbot.render.consoles import SafeConsole
        from weatherbot.render.sanitize import clean

        session = _session(settings_from())
        try:
            messages = session.thread_messages(thread_id)
        finally:
            session.close()
        out = SafeConsole()
        for message in messages:
            out.print(Text(f"{message.role}:", style="bold"))
            out.print(Text(clean(message.text, keep_newlines=True)))
            out.print()

    guarded(debug, body)


@thread_app.command("delete", cls=Command)
def thread_delete(thread_id: ThreadIdArg, debug: DebugOpt = False) -> None:
    """Delete a conversation (on the server too, where it lives there)."""

    def body() -> None:
        session = _session(settings_from())
        try:
            session.delete_thread(thread_id)
        finally:
            session.close()
        err_print(f"deleted {thread_id}", "dim")

    guarded(debug, body)


@assistant_app.command("show", cls=Command)
def assistant_show(backend: BackendOpt = None, debug: DebugOpt = False) -> None:
    """Show the remembered assistant for the current backend and server."""

    def body() -> None:
        from weatherbot.render.consoles import SafeConsole
        from weatherbot.render.sanitize import clean
        from weatherbot.render.thread_table import when

        session = _session(settings_from(backend=backend))
        record = session.assistant_record()
        out = SafeConsole()
        out.print(f"backend:      {session.backend_name}")
        out.print(f"model:        {session.profile.model}")
        out.print(f"fingerprint:  {session.profile.fingerprint}")
        if record is None:
            note = "none yet" if session.info.server_assistant else "none (local profile)"
            out.print(f"assistant id: {note}")
        else:
            out.print(f"assistant id: {clean(str(record.get('id')))}")
            out.print(f"created:      {when(float(record.get('created_at', 0)))}")
            if record.get("fingerprint") != session.profile.fingerprint:
                out.print("              (will be updated on the next question)")

    guarded(debug, body)


@assistant_app.command("delete", cls=Command)
def assistant_delete(backend: BackendOpt = None, debug: DebugOpt = False) -> None:
    """Delete the remembered assistant on the server and forget it."""

    def body() -> None:
        session = _session(settings_from(backend=backend))
        try:
            deleted = session.delete_assistant()
        finally:
            session.close()
        err_print(f"deleted {deleted}" if deleted else "no assistant to delete", "dim")

    guarded(debug, body)
