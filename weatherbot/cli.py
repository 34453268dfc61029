"""The Typer app and its thin commands: ask, chat and weather.

`thread` and `assistant` live in `cli_threads`; the shared options and the error boundary (the
only place errors become messages and exit codes) in `cli_options`.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import typer

from weatherbot import __version__, signals
from weatherbot.backends import catalogue
from weatherbot.cli_completion import COMPLETION_EXAMPLES, completion
from weatherbot.cli_config import config_app
from weatherbot.cli_mcp import MCP_EXAMPLES, mcp
from weatherbot.cli_models import MODELS_EXAMPLES, models
from weatherbot.cli_options import (
    OUTPUT,
    WORDS,
    BackendOpt,
    Command,
    ContinueOpt,
    DebugOpt,
    Group,
    ModelOpt,
    NoColorOpt,
    OfflineOpt,
    PrecipitationOpt,
    ProviderOpt,
    RefreshOpt,
    StreamOpt,
    ThreadOpt,
    UnitsOpt,
    VerboseOpt,
    WindOpt,
    err_print,
    guarded,
    settings_from,
)
from weatherbot.cli_places import place_app
from weatherbot.cli_threads import assistant_app, thread_app
from weatherbot.cli_turn import (
    ASK_EXAMPLES,
    CHAT_EXAMPLES,
    ROOT_EXAMPLES,
    check_outage,
    failure_json,
    read_question,
)
from weatherbot.cli_weather import NOW_EXAMPLES, WEATHER_EXAMPLES, now, weather

app = typer.Typer(
    name="weatherbot",
    cls=Group,
    help="Ask about the weather in plain language; answered from real weather data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=ROOT_EXAMPLES,
)
app.add_typer(thread_app, name="thread")
app.add_typer(assistant_app, name="assistant")
app.add_typer(place_app, name="place")
app.add_typer(config_app, name="config")

# Young objects collected per generation-0 run in `main` (Python's default is 700).
GC_THRESHOLD = 50_000

OFFLINE_NOTICE = (
    "no OPENAI_API_KEY: answering with the built-in offline planner; "
    "set OPENAI_API_KEY to use a model"
)


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


def _backend_name(settings: Any, verbose: bool) -> str:
    info = catalogue.resolve(settings)
    if settings.backend == catalogue.AUTO and info.remote and verbose:
        err_print(f"backend: {info.name} (auto)", "dim")
    return info.name


def _offline_notice(settings: Any, session: Any) -> None:
    """Said once the thread is chosen: `-c` may have moved a keyless session to a server."""
    if settings.backend == catalogue.AUTO and not session.info.remote:
        err_print(OFFLINE_NOTICE, "yellow")


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
        # Whole lines for files and pipes, as err_print: a log must not be cut at 80 columns.
        on_warning=lambda m: err.print(Text(m, style="yellow"), soft_wrap=not err.is_terminal),
    )


# -- ask ------------------------------------------------------------------------------------


@app.command(cls=Command, epilog=ASK_EXAMPLES)
def ask(
    question: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="QUESTION",
            click_type=WORDS,
            help="The question; '-' or nothing reads it from stdin.",
            show_default=False,
        ),
    ] = None,
    continue_: ContinueOpt = False,
    thread: ThreadOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    offline: OfflineOpt = False,
    provider: ProviderOpt = None,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object (answer, ids, tool calls).",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    stream: StreamOpt = None,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Ask one question (a new conversation unless -c or --thread)."""

    # What a failure's --json object can say: filled in as the command gets that far.
    turn: dict[str, Any] = {"events": [], "backend": backend, "model": None, "thread_id": None}

    def body() -> None:
        from weatherbot.render.consoles import make_consoles

        settings = settings_from(
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

        text = clean_question(read_question(list(question or [])))
        name = turn["backend"] = _backend_name(settings, verbose)
        session = _session(settings, name, consoles.err)
        turn["model"] = session.model
        try:
            session.select_thread(continue_last=continue_, thread_id=thread)
            _offline_notice(settings, session)
            # A remembered thread is continued on its own backend (conversation._move_to).
            turn["thread_id"], turn["backend"] = session.thread_id, session.backend_name
            turn["model"] = session.model
            if json_out:
                _ask_json(session, text, turn)
            else:
                _ask_rendered(session, text, consoles, settings, turn["events"])
                check_outage(turn["events"], settings.provider)
        finally:
            session.close()

    def json_body() -> None:
        try:
            body()
        except (Exception, KeyboardInterrupt) as exc:
            if not isinstance(exc, BrokenPipeError):
                # Every failure, a usage error before any question too, gives the one object
                # --json promises; the error boundary then prints the line and sets the code.
                typer.echo(failure_json(turn, exc))
            raise

    guarded(debug, json_body if json_out else body)


def _ask_rendered(session: Any, text: str, consoles: Any, settings: Any, events: list[Any]) -> None:
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
            events.append(event)
            renderer.handle(event)
    finally:
        renderer.close()


def _ask_json(session: Any, text: str, turn: dict[str, Any]) -> None:
    from weatherbot.events import Notice
    from weatherbot.render.json_output import build_json, dumps
    from weatherbot.render.sanitize import clean

    events: list[Any] = turn["events"]
    for event in session.ask(text):
        if isinstance(event, Notice):
            # Warnings (a thread re-created, a run cancelled) still reach the user.
            err_print(clean(event.text), "yellow")
        events.append(event)
    # The thread a failure's object names is the one the turn was on.
    turn["thread_id"] = session.thread_id
    check_outage(events, session.settings.provider)
    typer.echo(dumps(build_json(events, turn["backend"], session.model)))


# -- chat -----------------------------------------------------------------------------------


@app.command(cls=Command, epilog=CHAT_EXAMPLES)
def chat(
    continue_: ContinueOpt = False,
    thread: ThreadOpt = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    offline: OfflineOpt = False,
    provider: ProviderOpt = None,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    stream: StreamOpt = None,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Hold a conversation in an interactive prompt (/help for commands)."""

    def body() -> None:
        from weatherbot.render.consoles import make_consoles
        from weatherbot.repl import run_repl

        settings = settings_from(
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
            _offline_notice(settings, session)
            run_repl(session, consoles)
        finally:
            session.close()

    guarded(debug, body)


# -- weather and now (no model): cli_weather --------------------------------------------------

app.command("weather", cls=Command, epilog=WEATHER_EXAMPLES)(weather)
app.command("now", cls=Command, epilog=NOW_EXAMPLES)(now)
app.command("mcp", cls=Command, epilog=MCP_EXAMPLES)(mcp)
app.command("models", cls=Command, epilog=MODELS_EXAMPLES)(models)
app.command("completion", cls=Command, epilog=COMPLETION_EXAMPLES)(completion)


def _exit_code(code: object) -> int:
    """The process exit status for `SystemExit(code)`, as the interpreter would make it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _flush(stream: Any) -> bool:
    """Flush `stream`; False when its reader went away (`| head`), as Rich and Click see it."""
    try:
        stream.flush()
    except BrokenPipeError:
        return False
    except ValueError:  # closed: nothing was left to write
        pass
    return True


def _stdout_file() -> tuple[int, int] | None:
    """Which file fd 1 is (device, inode), or None when it is not open."""
    import os

    try:
        status = os.fstat(1)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def main() -> None:
    """Console-script entry point: run the app, then exit without interpreter teardown.

    Only here, never in `app` (tests and benchmarks call `app` in-process).
    """
    import gc
    import os

    # What is imported by now lives until exit: freeze it so no collection scans it again, and
    # collect young objects rarely, so the imports a command makes (openai: ~150 ms of GC)
    # don't trigger collection after collection. GC stays on: `chat` may run for hours.
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD)
    # Bytes in argv that are not UTF-8 reach Python as surrogate escapes, which no output or
    # file can encode: they become U+FFFD, and `ask $'\xff rain?'` answers the rest.
    from weatherbot.text_safety import replace_surrogates

    sys.argv = [replace_surrogates(arg) for arg in sys.argv]
    signals.install()
    stdout = _stdout_file()
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
        # Rich meets a reader that left (`--help | head -1`: Typer's help is Rich's) by
        # putting /dev/null on fd 1 and exiting 1; for weatherbot that is the 0 of any
        # output cut short.
        if code == 1 and _stdout_file() != stdout:
            code = 0
    # Every file weatherbot writes (state: temp file + rename under the lock; cache; history)
    # is written and closed before its command returns; worker threads are joined, except a
    # weather lookup left running after Ctrl-C on purpose. Tearing down the interpreter
    # (~250 ms with openai loaded) would only free memory.
    # Output whose reader left early (`| head`) is not a failure: the reader had what it
    # wanted (git, gh and llm exit 0 too); a failure before that keeps its own code.
    _flush(sys.stdout)
    _flush(sys.stderr)
    os._exit(code)
