"""The Typer app: thin commands; the only place errors become messages and exit codes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, NoReturn

import typer

from weatherbot import __version__
from weatherbot.backends import catalogue
from weatherbot.errors import ExitCode, Interrupted, UsageError, WeatherbotError

app = typer.Typer(
    name="weatherbot",
    help="Ask about the weather in plain language; answered from real weather data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
thread_app = typer.Typer(help="List, show and delete conversations.", no_args_is_help=True)
assistant_app = typer.Typer(help="Show or delete the remembered assistant.", no_args_is_help=True)
app.add_typer(thread_app, name="thread")
app.add_typer(assistant_app, name="assistant")

OFFLINE_NOTICE = (
    "no OPENAI_API_KEY: answering with the built-in offline planner; see README to use a model"
)

# -- shared options -------------------------------------------------------------------------

BackendOpt = Annotated[
    str | None,
    typer.Option(
        "--backend",
        "-b",
        help=f"{', '.join(catalogue.choices())} [env: WEATHERBOT_BACKEND]",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Model name [env: WEATHERBOT_MODEL]")
]
ProviderOpt = Annotated[
    str | None,
    typer.Option("--provider", "-p", help="Weather provider [env: WEATHERBOT_PROVIDER]"),
]
OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline", help="No model and no network: the built-in planner on recorded sample data."
    ),
]
UnitsOpt = Annotated[
    str | None, typer.Option("--units", help="metric, imperial or auto [env: WEATHERBOT_UNITS]")
]
WindOpt = Annotated[
    str | None,
    typer.Option("--wind-unit", help="auto, m/s, km/h or mph [env: WEATHERBOT_WIND_UNIT]"),
]
PrecipitationOpt = Annotated[
    str | None,
    typer.Option(
        "--precipitation-unit", help="auto, mm or inch [env: WEATHERBOT_PRECIPITATION_UNIT]"
    ),
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show full tool outputs and backend choices.")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug details.")]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", help="Plain text, no colours or spinner [env: NO_COLOR].")
]
StreamOpt = Annotated[
    bool | None,
    typer.Option("--stream/--no-stream", help="Print the answer as it is generated."),
]
RefreshOpt = Annotated[
    bool, typer.Option("--refresh", help="Ignore cached weather data and fetch it again.")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"weatherbot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """weatherbot: a command-line weather assistant."""


# -- error handling -------------------------------------------------------------------------


def _err_print(message: str, style: str = "red") -> None:
    from rich.console import Console
    from rich.text import Text

    Console(stderr=True, highlight=False).print(Text(message, style=style), soft_wrap=True)


def _fail(exc: BaseException, debug: bool) -> NoReturn:
    from weatherbot.render.sanitize import clean

    if debug:
        from rich.console import Console

        Console(stderr=True).print_exception(show_locals=False)
    if isinstance(exc, WeatherbotError):
        line = f"weatherbot: {clean(exc.message)}"
        if exc.hint:
            line += f" ({clean(exc.hint)})"
        _err_print(line, "yellow" if isinstance(exc, Interrupted) else "red")
        raise typer.Exit(int(exc.exit_code))
    if isinstance(exc, KeyboardInterrupt):
        _err_print("weatherbot: interrupted", "yellow")
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    _err_print(
        f"weatherbot: internal error: {type(exc).__name__}: {clean(str(exc))} "
        "(run again with --debug for details)"
    )
    raise typer.Exit(int(ExitCode.FAILURE))


def _guarded(debug: bool, body: Callable[[], None]) -> None:
    try:
        body()
    except typer.Exit:
        raise
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


def _settings(**flags: Any) -> Any:
    from weatherbot.settings import load_settings

    if flags.pop("offline", False):
        flags["backend"] = catalogue.OFFLINE
        flags["provider"] = "sample"
    if flags.pop("no_color", False):
        flags["color"] = False
    return load_settings(**flags)


def _backend_name(settings: Any, verbose: bool) -> str:
    info = catalogue.resolve(settings)
    if settings.backend == catalogue.AUTO:
        if not info.remote:
            _err_print(OFFLINE_NOTICE, "yellow")
        elif verbose:
            _err_print(f"backend: {info.name} (auto)", "dim")
    return info.name


def _sleep(seconds: float) -> None:
    """Backoff and poll waits of the CLI (one seam, so tests can replace it)."""
    time.sleep(seconds)


def _session(settings: Any, name: str, err: Any) -> Any:
    from rich.text import Text

    from weatherbot.conversation import Session

    return Session(
        settings,
        name,
        sleep=lambda s: _sleep(s),
        on_warning=lambda m: err.print(Text(m, style="yellow")),
    )


def _read_question(words: list[str]) -> str:
    if words and words != ["-"]:
        return " ".join(words)
    if not words and sys.stdin.isatty():
        raise UsageError(
            "the question is empty", hint='ask something, e.g. weatherbot ask "Rain in Paris?"'
        )
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            "the question on stdin is not valid UTF-8", hint="convert it to UTF-8 first"
        ) from exc


# -- ask ------------------------------------------------------------------------------------


@app.command()
def ask(
    question: Annotated[
        list[str] | None,
        typer.Argument(
            help="The question; '-' or nothing reads it from stdin.", show_default=False
        ),
    ] = None,
    continue_: Annotated[
        bool, typer.Option("--continue", "-c", help="Continue the last conversation.")
    ] = False,
    thread: Annotated[
        str | None, typer.Option("--thread", "-t", help="Continue the conversation with this id.")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (answer, ids, tool calls).")
    ] = False,
    stream: StreamOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    offline: OfflineOpt = False,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Ask one question (a new conversation unless -c or --thread)."""

    def body() -> None:
        from weatherbot.render.consoles import make_consoles

        settings = _settings(
            backend=backend,
            model=model,
            provider=provider,
            offline=offline,
            units=units,
            wind_unit=wind_unit,
            precipitation_unit=precipitation_unit,
            refresh=refresh,
            verbose=verbose,
            debug=debug,
            stream=stream,
            no_color=no_color,
        )
        consoles = make_consoles(settings.color)
        from weatherbot.conversation import clean_question

        text = clean_question(_read_question(list(question or [])))
        name = _backend_name(settings, verbose)
        session = _session(settings, name, consoles.err)
        try:
            session.select_thread(continue_last=continue_, thread_id=thread)
            if json_out:
                _ask_json(session, text, name)
            else:
                _ask_rendered(session, text, consoles, settings)
        finally:
            session.close()

    _guarded(debug, body)


def _ask_rendered(session: Any, text: str, consoles: Any, settings: Any) -> None:
    from weatherbot.render.terminal import TerminalRenderer

    renderer = TerminalRenderer(
        consoles.out,
        consoles.err,
        stream=settings.stream,
        verbose=settings.verbose,
        rich_output=consoles.rich_output,
        spinner=consoles.spinner,
    )
    try:
        for event in session.ask(text):
            renderer.handle(event)
    finally:
        renderer.close()


def _ask_json(session: Any, text: str, name: str) -> None:
    from weatherbot.events import Notice
    from weatherbot.render.json_output import build_json, dumps
    from weatherbot.render.sanitize import clean

    events: list[Any] = []
    try:
        for event in session.ask(text):
            if isinstance(event, Notice):
                # Warnings (a thread re-created, a run cancelled) still reach the user.
                _err_print(clean(event.text), "yellow")
            events.append(event)
    except (WeatherbotError, KeyboardInterrupt) as exc:
        doc = build_json(events, name, session.model)
        doc["status"] = (
            "interrupted" if isinstance(exc, KeyboardInterrupt | Interrupted) else "error"
        )
        doc["thread_id"] = doc["thread_id"] or session.thread_id
        doc["error"] = str(exc) if isinstance(exc, WeatherbotError) else "interrupted"
        typer.echo(dumps(doc))
        raise
    typer.echo(dumps(build_json(events, name, session.model)))


# -- chat -----------------------------------------------------------------------------------


@app.command()
def chat(
    continue_: Annotated[
        bool, typer.Option("--continue", "-c", help="Continue the last conversation.")
    ] = False,
    thread: Annotated[
        str | None, typer.Option("--thread", "-t", help="Continue the conversation with this id.")
    ] = None,
    stream: StreamOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    offline: OfflineOpt = False,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Hold a conversation in an interactive prompt (/help for commands)."""

    def body() -> None:
        from weatherbot.render.consoles import make_consoles
        from weatherbot.repl import run_repl

        settings = _settings(
            backend=backend,
            model=model,
            provider=provider,
            offline=offline,
            units=units,
            wind_unit=wind_unit,
            precipitation_unit=precipitation_unit,
            refresh=refresh,
            verbose=verbose,
            debug=debug,
            stream=stream,
            no_color=no_color,
        )
        consoles = make_consoles(settings.color)
        name = _backend_name(settings, verbose)
        session = _session(settings, name, consoles.err)
        try:
            session.select_thread(continue_last=continue_, thread_id=thread)
            run_repl(session, consoles)
        finally:
            session.close()

    _guarded(debug, body)


# -- weather (no model) ---------------------------------------------------------------------


@app.command()
def weather(
    place: Annotated[
        list[str], typer.Argument(help="A place, e.g. 'Paris, France' or '48.85,2.35'.")
    ],
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=16, help="How many days.")] = 5,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    provider: ProviderOpt = None,
    offline: OfflineOpt = False,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Current conditions and the next days for a place, straight from the provider."""

    def body() -> None:
        import json

        from weatherbot.providers.places import uses_fahrenheit
        from weatherbot.providers.registry import build_service
        from weatherbot.render.consoles import make_consoles
        from weatherbot.render.weather_table import render_weather
        from weatherbot.tools.weather import ToolContext, get_current_conditions, get_forecast

        settings = _settings(
            provider=provider,
            offline=offline,
            units=units,
            wind_unit=wind_unit,
            precipitation_unit=precipitation_unit,
            refresh=refresh,
            no_color=no_color,
        )
        query = " ".join(place).strip()
        if not query:
            raise UsageError("no place given", hint="e.g. weatherbot weather 'Paris, France'")
        ctx = ToolContext(build_service(settings))
        resolved = ctx.weather.resolve(query)
        if settings.units == "auto":
            fahrenheit = uses_fahrenheit(resolved.country_code)
        else:
            fahrenheit = settings.units == "imperial"
        unit: Literal["Celsius", "Fahrenheit"] = "Fahrenheit" if fahrenheit else "Celsius"
        current = dict(get_current_conditions(ctx, query, unit))
        forecast = dict(get_forecast(ctx, query, days, unit))
        report = {
            "location": current["location"],
            "latitude": current["latitude"],
            "longitude": current["longitude"],
            "timezone": current["timezone"],
            "source": current["source"],
            "unit": unit,
            "current": current,
            "forecast": forecast,
            "note": current.get("note"),
        }
        if json_out:
            typer.echo(json.dumps(report, ensure_ascii=False))
            return
        consoles = make_consoles(settings.color)
        render_weather(report, consoles.out, consoles.err)

    _guarded(debug, body)


# -- threads and assistants -----------------------------------------------------------------


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "-"


@thread_app.command("list")
def thread_list(
    backend: BackendOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List remembered conversations, most recent first."""

    def body() -> None:
        import json

        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from weatherbot.render.sanitize import clean

        settings = _settings(backend=backend)
        session = _session(settings, catalogue.resolve(settings).name, Console(stderr=True))
        threads = session.threads()
        if json_out:
            typer.echo(json.dumps([t.__dict__ for t in threads], ensure_ascii=False))
            return
        if not threads:
            _err_print('no conversations yet; start one with weatherbot ask "..."', "dim")
            return
        out = Console(highlight=False)
        if not out.is_terminal:
            # Pipes get one tab-separated line per thread, easy to cut and grep.
            for t in threads:
                mark = "*" if t.current else ""
                fields = (t.id, t.backend, _when(t.last_used_at), mark, t.title)
                typer.echo("\t".join(clean(field) for field in fields))
            return
        table = Table(box=None, pad_edge=False)
        table.add_column("", no_wrap=True)
        table.add_column("id", no_wrap=True)
        table.add_column("backend", no_wrap=True)
        table.add_column("last used", no_wrap=True)
        table.add_column("title", overflow="ellipsis", no_wrap=True)
        for t in threads:
            # Titles are the user's text: no markup, no escape sequences.
            table.add_row(
                "*" if t.current else "",
                Text(clean(t.id)),
                Text(clean(t.backend)),
                _when(t.last_used_at),
                Text(clean(t.title)),
            )
        out.print(table)

    _guarded(debug, body)


@thread_app.command("show")
def thread_show(
    thread_id: Annotated[str, typer.Argument(help="The conversation id (see thread list).")],
    debug: DebugOpt = False,
) -> None:
    """Print a conversation's messages."""

    def body() -> None:
        from rich.console import Console
        from rich.text import Text

        from weatherbot.render.sanitize import clean

        settings = _settings()
        err = Console(stderr=True)
        session = _session(settings, catalogue.resolve(settings).name, err)
        try:
            messages = session.thread_messages(thread_id)
        finally:
            session.close()
        out = Console(highlight=False)
        for message in messages:
            out.print(Text(f"{message.role}:", style="bold"))
            out.print(Text(clean(message.text, keep_newlines=True)))
            out.print()

    _guarded(debug, body)


@thread_app.command("delete")
def thread_delete(
    thread_id: Annotated[str, typer.Argument(help="The conversation id (see thread list).")],
    debug: DebugOpt = False,
) -> None:
    """Delete a conversation (on the server too, where it lives there)."""

    def body() -> None:
        from rich.console import Console

        settings = _settings()
        session = _session(settings, catalogue.resolve(settings).name, Console(stderr=True))
        try:
            session.delete_thread(thread_id)
        finally:
            session.close()
        _err_print(f"deleted {thread_id}", "dim")

    _guarded(debug, body)


@assistant_app.command("show")
def assistant_show(backend: BackendOpt = None, debug: DebugOpt = False) -> None:
    """Show the remembered assistant for the current backend and server."""

    def body() -> None:
        from rich.console import Console

        settings = _settings(backend=backend)
        name = catalogue.resolve(settings).name
        session = _session(settings, name, Console(stderr=True))
        record = session.assistant_record()
        out = Console(highlight=False)
        out.print(f"backend:      {name}")
        out.print(f"model:        {session.profile.model}")
        out.print(f"fingerprint:  {session.profile.fingerprint}")
        if record is None:
            info = catalogue.get(name)
            note = "none yet" if info.server_assistant else "none (local profile)"
            out.print(f"assistant id: {note}")
        else:
            out.print(f"assistant id: {record.get('id')}")
            out.print(f"created:      {_when(float(record.get('created_at', 0)))}")
            if record.get("fingerprint") != session.profile.fingerprint:
                out.print("              (will be updated on the next question)")

    _guarded(debug, body)


@assistant_app.command("delete")
def assistant_delete(backend: BackendOpt = None, debug: DebugOpt = False) -> None:
    """Delete the remembered assistant on the server and forget it."""

    def body() -> None:
        from rich.console import Console

        settings = _settings(backend=backend)
        session = _session(settings, catalogue.resolve(settings).name, Console(stderr=True))
        try:
            deleted = session.delete_assistant()
        finally:
            session.close()
        _err_print(f"deleted {deleted}" if deleted else "no assistant to delete", "dim")

    _guarded(debug, body)


def main() -> None:
    """Console-script entry point."""
    app()
