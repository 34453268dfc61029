"""`weatherbot thread ...` and `weatherbot assistant ...`: remembered conversations and assistant.

These commands read the state store and reach a server only to show or delete what lives
there; `thread list` stays light (no backend, no openai, no pydantic: its options are flags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from weatherbot.backends import catalogue
from weatherbot.cli_help import WholeNumber
from weatherbot.cli_options import (
    WORDS,
    BackendOpt,
    Command,
    DebugOpt,
    Group,
    NoColorOpt,
    err_print,
    examples,
    guarded,
    settings_from,
    warn,
)

if TYPE_CHECKING:
    from rich.console import Console

    from weatherbot.conversation import Session, ThreadInfo
    from weatherbot.settings import Settings
    from weatherbot.state import StateStore

thread_app = typer.Typer(
    cls=Group,
    help="List, show, delete and prune conversations.",
    no_args_is_help=True,
    epilog=examples(
        "weatherbot thread list",
        "weatherbot thread show                 # the latest",
        "weatherbot thread delete local_3f2a",
        "weatherbot thread prune --older-than 30d",
    ),
)
assistant_app = typer.Typer(
    cls=Group,
    help="Show or delete the remembered assistant (the assistants backend's).",
    no_args_is_help=True,
    epilog=examples("weatherbot assistant show", "weatherbot assistant delete -b assistants"),
)

ThreadIdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        click_type=WORDS,
        help="The conversation id, or the start of it (see thread list).",
    ),
]
LatestIdArg = Annotated[
    str | None,
    typer.Argument(
        metavar="ID",
        click_type=WORDS,
        help="The conversation id, or the start of it; the latest one if left out.",
        show_default=False,
    ),
]
# How many threads `thread list` shows on a terminal unless told (pipes and --json get all).
TERMINAL_LIMIT = 20

LIST_EXAMPLES = examples(
    "weatherbot thread list",
    "weatherbot thread list --limit 5",
    "weatherbot thread list --all | grep Paris",
    "weatherbot thread list --json",
)
SHOW_EXAMPLES = examples(
    "weatherbot thread show",
    "weatherbot thread show local_3f2a",
    "weatherbot thread show conv_68b | less",
)
DELETE_EXAMPLES = examples("weatherbot thread delete local_3f2a")
PRUNE_EXAMPLES = examples(
    "weatherbot thread prune --older-than 30d --dry-run",
    "weatherbot thread prune --older-than 2w",
    "weatherbot thread prune --empty               # never answered",
    "weatherbot thread prune --empty --older-than 12h",
)


def _session(settings: Settings) -> Session:
    from weatherbot.conversation import Session

    return Session(settings, catalogue.resolve(settings).name, on_warning=warn)


@thread_app.command("list", cls=Command, epilog=LIST_EXAMPLES)
def thread_list(
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            click_type=WholeNumber(1),
            help=f"Show the N most recent (on a terminal: {TERMINAL_LIMIT} unless told).",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Show every one.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List remembered conversations, most recent first (* marks the one -c continues)."""

    def body() -> None:
        from weatherbot.render.consoles import SafeConsole

        threads = _session(settings_from()).threads()
        out = SafeConsole()
        terminal = out.is_terminal and not json_out
        cap = None if all_ else limit or (TERMINAL_LIMIT if terminal else None)
        shown = threads[:cap] if cap else threads
        if json_out:
            from weatherbot.render.json_output import dumps

            typer.echo(dumps([t.__dict__ for t in shown]))
            return
        if not threads:
            err_print('no conversations yet; start one with weatherbot ask "..."', "dim")
            return
        _print_threads(out, shown)
        hidden = len(threads) - len(shown)
        if hidden and terminal:
            more = "1 more conversation" if hidden == 1 else f"{hidden} more conversations"
            err_print(f"{more} (--all shows every one, --limit N the N most recent)", "dim")

    guarded(debug, body)


def _print_threads(out: Console, threads: list[ThreadInfo]) -> None:
    from weatherbot.render.thread_table import thread_lines, thread_table

    current = {t.id for t in threads if t.current}
    if out.is_terminal:
        out.print(thread_table(threads, marked=current))
        return
    for line in thread_lines(threads, current):
        typer.echo(line)


@thread_app.command("show", cls=Command, epilog=SHOW_EXAMPLES)
def thread_show(
    thread_id: LatestIdArg = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON object: the thread and its messages.")
    ] = False,
    no_color: NoColorOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Print a conversation's messages (the latest conversation without an id)."""

    def body() -> None:
        from weatherbot.render.consoles import make_consoles
        from weatherbot.render.thread_messages import messages_json, print_messages

        settings = settings_from(no_color=no_color)
        session = _session(settings)
        try:
            found = session.resolve_thread(thread_id)
            messages = session.thread_messages(found)
            info = next((t for t in session.threads() if t.id == found), None)
        finally:
            session.close()
        if json_out:
            typer.echo(messages_json(found, info, messages))
            return
        consoles = make_consoles(settings.color)
        rich = consoles.rich_output and settings.color is not False
        if thread_id != found:
            err_print(f"thread {found}", "dim")
        print_messages(consoles.out, messages, rich=rich)

    guarded(debug, body)


@thread_app.command("delete", cls=Command, epilog=DELETE_EXAMPLES)
def thread_delete(thread_id: ThreadIdArg, debug: DebugOpt = False) -> None:
    """Delete a conversation (on its server too, where it lives there)."""

    def body() -> None:
        from weatherbot.thread_ids import home_of

        session = _session(settings_from())
        try:
            found = session.resolve_thread(thread_id)
            record = session.store.get_thread(found) or {}
            deleted = session.delete_thread(found)
        finally:
            session.close()
        if deleted is False:
            where = home_of(record)[1] or "its server"
            err_print(f"{found} was already gone on {where}; forgot it here", "yellow")
        else:
            err_print(f"deleted {found}", "dim")

    guarded(debug, body)


@thread_app.command("prune", cls=Command, epilog=PRUNE_EXAMPLES)
def thread_prune(
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than",
            metavar="AGE",
            help="Forget conversations last used longer ago than AGE: 12h, 30d, 2w.",
            show_default=False,
        ),
    ] = None,
    empty: Annotated[
        bool,
        typer.Option(
            "--empty",
            help="Forget conversations kept here that never got an answer (left by older "
            "versions after a failed first question); with --older-than, only old ones. Server "
            "conversations (conv_..., thread_...) are left: their messages live on the server.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list what would be forgotten.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Forget old or empty conversations here (server copies stay; thread delete removes one)."""

    def body() -> None:
        from weatherbot.errors import UsageError
        from weatherbot.render.sanitize import clean
        from weatherbot.render.thread_table import when
        from weatherbot.thread_ids import parse_age

        if older_than is None and not empty:
            raise UsageError(
                "thread prune needs --older-than AGE, --empty, or both",
                hint="e.g. weatherbot thread prune --older-than 30d --dry-run",
            )
        age = parse_age(older_than) if older_than is not None else None
        store = _session(settings_from()).store
        cutoff = store.now() - age if age is not None else None
        if empty:
            pruned = prune_unanswered(store, cutoff, dry_run=dry_run)
        else:
            assert cutoff is not None
            pruned = store.prune_threads(cutoff, dry_run=dry_run)
        for record in pruned:
            stamp = when(float(record.get("last_used_at", 0)))
            typer.echo(f"{clean(str(record['id']))}\t{stamp}\t{clean(str(record['title']))}")
        kind = "empty conversation" if empty else "conversation"
        count = f"1 {kind}" if len(pruned) == 1 else f"{len(pruned)} {kind}s"
        before = f" last used before {when(cutoff)}" if cutoff is not None else ""
        if dry_run:
            err_print(f"would prune {count}{before} (nothing changed: --dry-run)", "dim")
        else:
            err_print(f"pruned {count}{before}", "dim")

    guarded(debug, body)


def unanswered(record: dict[str, Any]) -> bool:
    """A conversation kept here (a local history) in which no answer was ever given.

    A server conversation's record holds no messages, so nothing here says whether it was
    answered: it is never taken for empty (asking every server would make prune slow and
    fail offline; `thread show ID` then `thread delete ID` remove one).
    """
    from weatherbot.thread_ids import LOCAL_PREFIX

    info = catalogue.CATALOGUE.get(str(record.get("backend")))
    # A local_ id is weatherbot's own (the responses backend makes them too, on servers
    # without Conversations); any other id on a server backend is a server conversation.
    kept_here = str(record.get("id")).startswith(LOCAL_PREFIX) or (
        info is not None and info.local_threads
    )
    if not kept_here:
        return False
    history = record.get("history")
    messages = history if isinstance(history, list) else []
    return not any(
        isinstance(m, dict)
        and m.get("role") == "assistant"
        and isinstance(m.get("content"), str)
        and m["content"].strip()
        for m in messages
    )


def prune_unanswered(
    store: StateStore, used_before: float | None, dry_run: bool = False
) -> list[dict[str, Any]]:
    """Forget the unanswered conversations (last used before `used_before`, when given), in one
    locked change of the state file; their records, most recently used first."""
    with store.transaction() as data:
        threads = data["threads"]
        chosen = {
            key: record
            for key, record in threads.items()
            if isinstance(record, dict)
            and unanswered(record)
            and (used_before is None or float(record.get("last_used_at", 0)) < used_before)
        }
        if not dry_run:
            for key in chosen:
                del threads[key]
            for scope, tid in list(data["last_thread"].items()):
                if tid in chosen:
                    del data["last_thread"][scope]
    return sorted(chosen.values(), key=lambda r: float(r.get("last_used_at", 0)), reverse=True)


@assistant_app.command(
    "show",
    cls=Command,
    epilog=examples("weatherbot assistant show", "weatherbot assistant show --backend chat"),
)
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
        # The offline backend has no model: its planner is built in.
        out.print(f"model:        {session.model or 'none (the built-in planner)'}")
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


@assistant_app.command(
    "delete",
    cls=Command,
    epilog=examples("weatherbot assistant delete", "weatherbot assistant delete -b assistants"),
)
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
