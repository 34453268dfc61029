"""What every command module shares: option types, settings from flags, and the error boundary.

`guarded` is the only place a command's errors become messages and exit codes. The command
modules (`cli`, `cli_threads`) import this module, never each other, so there is no cycle.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer
from typer._click import types as _click_types
from typer.core import TyperCommand, TyperGroup, TyperOption

from weatherbot.backends import catalogue
from weatherbot.cli_help import print_help, usage_pieces
from weatherbot.errors import ExitCode, Interrupted, WeatherbotError

# -- the help flag ----------------------------------------------------------------------------
#
# Typer 0.29 coerces every option value through a pydantic TypeAdapter, except a bool flag
# whose value is already a bool (pyproject pins typer below 0.29 for that reason; this keeps
# `thread list` fast should the pin be lifted). Its own --help flag has the default None, so
# every command that is not `--help` itself builds an adapter for it and imports pydantic
# (~150 ms on a 2-core machine). With the default False, --help needs no coercion and a
# command whose options are all flags (`thread list`) never loads pydantic.


def _help_default_false(option: TyperOption | None) -> TyperOption | None:
    if option is not None and option.default is None:
        option.default = False
    return option


class Group(TyperGroup):
    """A Typer group whose --help flag needs no coercion (see the note above)."""

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        """The help option, with a bool default."""
        return _help_default_false(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Typer's help; piped, without the padding (cli_help)."""
        print_help(lambda: super(Group, self).format_help(ctx, formatter))

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        # The app has add_completion=False (no --install-completion that edits rc files), so
        # Typer never registers its shell classes; a shell asking to complete needs them.
        import os

        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(var):
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


class Command(TyperCommand):
    """A Typer command whose --help flag needs no coercion (see the note above)."""

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        """The help option, with a bool default."""
        return _help_default_false(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Typer's help; piped, without the padding (cli_help)."""
        print_help(lambda: super(Command, self).format_help(ctx, formatter))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line's arguments, NAME and [NAME]."""
        return usage_pieces(super().collect_usage_pieces(ctx))


def examples(*lines: str) -> str:
    """A command's epilog: its examples, one per line, under the options in --help."""
    # "\b" keeps Typer's Rich help from joining the lines into one paragraph.
    return "Examples:\b\n" + "\n".join(lines)


# -- shared options ---------------------------------------------------------------------------


# Typer carries its own copy of Click: a type must come from it to be taken as a type.
class _Words(_click_types.StringParamType):
    """Text, shown in help by the argument's own name (PLACE) rather than as `<str>`."""

    def get_metavar(self, *args: Any, **kwargs: Any) -> str | None:
        """No type column: the argument's metavar says what it is."""
        return ""


WORDS = _Words()

# Help panels, so a command with many options reads in groups (ask and chat have 17).
CONVERSATION = "Conversation"
MODEL = "Model"
WEATHER = "Weather"
OUTPUT = "Output"
# Built-in providers, for --provider's help (tests check it against the registry).
PROVIDER_NAMES = ("open-meteo", "met-norway", "nws", "openweathermap", "weatherapi", "sample")
# "\\[" keeps Rich help from reading "[env: X]" as markup (it would vanish, leaving "spinner .").
BackendOpt = Annotated[
    str | None,
    typer.Option(
        "--backend",
        "-b",
        metavar="BACKEND",
        help="auto (default: offline without a key, responses for OpenAI, chat for other "
        "servers), assistants, responses, chat, offline (the planner on live weather; "
        "--offline: no network) \\[env: WEATHERBOT_BACKEND]",
        show_default=False,
        rich_help_panel=MODEL,
        autocompletion=lambda: list(catalogue.choices()),
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        metavar="MODEL",
        help="Model name (default gpt-5.6-luna; weatherbot models lists the server's). "
        "\\[env: WEATHERBOT_MODEL]",
        rich_help_panel=MODEL,
    ),
]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        "--provider",
        "-p",
        metavar="PROVIDER",
        help=f"Weather provider: {', '.join(PROVIDER_NAMES)} (default open-meteo). "
        "\\[env: WEATHERBOT_PROVIDER]",
        rich_help_panel=WEATHER,
        autocompletion=lambda: list(PROVIDER_NAMES),
    ),
]
OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="No model and no network: the built-in planner on recorded sample data.",
        rich_help_panel=MODEL,
    ),
]
UnitsOpt = Annotated[
    str | None,
    typer.Option(
        "--units",
        metavar="SYSTEM",
        help="metric, imperial or auto \\[env: WEATHERBOT_UNITS]",
        rich_help_panel=WEATHER,
    ),
]
WindOpt = Annotated[
    str | None,
    typer.Option(
        "--wind-unit",
        metavar="UNIT",
        help="auto, m/s, km/h or mph \\[env: WEATHERBOT_WIND_UNIT]",
        rich_help_panel=WEATHER,
    ),
]
PrecipitationOpt = Annotated[
    str | None,
    typer.Option(
        "--precipitation-unit",
        metavar="UNIT",
        help="auto, mm or inch \\[env: WEATHERBOT_PRECIPITATION_UNIT]",
        rich_help_panel=WEATHER,
    ),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Show full tool outputs and backend choices.",
        rich_help_panel=OUTPUT,
    ),
]
DebugOpt = Annotated[
    bool,
    typer.Option("--debug", help="Show tracebacks and debug details.", rich_help_panel=OUTPUT),
]
NoColorOpt = Annotated[
    bool,
    typer.Option(
        "--no-color", help="No colours or spinner \\[env: NO_COLOR].", rich_help_panel=OUTPUT
    ),
]
StreamOpt = Annotated[
    bool | None,
    typer.Option(
        "--stream/--no-stream",
        help="Print the answer as it is generated. \\[env: WEATHERBOT_STREAM]",
        rich_help_panel=OUTPUT,
    ),
]
ContinueOpt = Annotated[
    bool,
    typer.Option(
        "--continue", "-c", help="Continue the last conversation.", rich_help_panel=CONVERSATION
    ),
]
ThreadOpt = Annotated[
    str | None,
    typer.Option(
        "--thread",
        "-t",
        metavar="ID",
        help="Continue the conversation with this id (weatherbot thread list).",
        rich_help_panel=CONVERSATION,
    ),
]
RefreshOpt = Annotated[
    bool,
    typer.Option(
        "--refresh",
        help="Ignore cached weather data and fetch it again.",
        rich_help_panel=WEATHER,
    ),
]


# Whether err_print may colour: False after --no-color or NO_COLOR (set by settings_from).
_color: bool | None = None


def settings_from(**flags: Any) -> Any:
    """Settings from the command's flags (`offline` and `no_color` are shorthands)."""
    global _color
    from weatherbot.settings import load_settings

    _color = None
    if flags.pop("no_color", False):
        flags["color"] = _color = False
    if flags.pop("offline", False):
        _refuse_with_offline(flags.get("backend"), flags.get("provider"))
        flags["backend"] = catalogue.OFFLINE
        flags["provider"] = "sample"
    # A config.toml key that means nothing: said once per command (it is usually a typo),
    # and before any error about a value, which would otherwise hide it.
    # (--no-color is known already; NO_COLOR is honoured by Rich itself in err_print.)
    settings = load_settings(on_note=warn, **flags)
    _color = settings.color
    return settings


def _refuse_with_offline(backend: str | None, provider: str | None) -> None:
    """--offline fixes the backend and the provider: another one beside it is a usage error."""
    from weatherbot.errors import UsageError

    if backend is not None and backend.strip().lower() != catalogue.OFFLINE:
        raise UsageError(
            f"--offline cannot be combined with --backend {backend}",
            hint="--offline is the offline planner on recorded data; drop one of them",
        )
    if provider is not None and provider.strip().lower() != "sample":
        raise UsageError(
            f"--offline cannot be combined with --provider {provider}",
            hint="--offline uses the recorded sample data; drop one of them",
        )


# -- the error boundary -----------------------------------------------------------------------


def pause(seconds: float) -> None:
    """Provider backoff waits of the commands without a model (tests replace it)."""
    import time

    time.sleep(seconds)


def err_print(message: str, style: str = "red") -> None:
    """One styled line on stderr: unwrapped for pipes and logs, wrapped at words on a terminal."""
    from rich.text import Text

    from weatherbot.render.consoles import SafeConsole
    from weatherbot.render.sanitize import clean

    # no_color=None leaves Rich to honour NO_COLOR from the environment.
    console = SafeConsole(stderr=True, no_color=True if _color is False else None)
    # soft_wrap keeps the line whole where something reads it; a terminal would otherwise
    # break it mid-word at its edge. One line even when an id in it has line breaks.
    console.print(Text(clean(message), style=style), soft_wrap=not console.is_terminal)


def warn(message: str) -> None:
    """A warning from the state store or a backend (a yellow line on stderr)."""
    err_print(message, "yellow")


def fail(exc: BaseException, debug: bool) -> NoReturn:
    """Report `exc` on stderr in one line and exit with its code."""
    from weatherbot.render.sanitize import clean

    if debug:
        _print_traceback(exc)
    if isinstance(exc, WeatherbotError):
        line = f"weatherbot: {clean(exc.message)}"
        if exc.hint:
            line += f" ({clean(exc.hint)})"
        err_print(line, "yellow" if isinstance(exc, Interrupted) else "red")
        raise typer.Exit(int(exc.exit_code))
    if isinstance(exc, BrokenPipeError):
        # Whoever read our output has gone (`| head`): they took what they wanted, so stop
        # quietly with 0, as git, gh and llm do; nothing is said (stderr may be the same pipe).
        raise typer.Exit(int(ExitCode.OK))
    if isinstance(exc, KeyboardInterrupt):
        err_print("weatherbot: interrupted", "yellow")
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    err_print(f"weatherbot: {clean(error_message(exc))} (run again with --debug for details)")
    raise typer.Exit(int(ExitCode.FAILURE))


def _print_traceback(exc: BaseException) -> None:
    # Plain, not Rich's: the messages in it may hold a key a server echoed, and Rich wraps a
    # long key across lines where no redaction would find it again.
    import traceback

    from weatherbot.render.sanitize import clean

    text = "".join(traceback.format_exception(exc))
    sys.stderr.write(clean(text, keep_newlines=True))
    sys.stderr.flush()


def error_message(exc: BaseException) -> str:
    """What went wrong, in one line: a WeatherbotError's message, or the internal error."""
    if isinstance(exc, WeatherbotError):
        return exc.message
    return f"internal error: {type(exc).__name__}: {exc}"


def guarded(debug: bool, body: Callable[[], None]) -> None:
    """Run a command's body; any error or Ctrl-C becomes one message and an exit code."""
    try:
        if debug:
            body()
        else:
            # A library's warning is a multi-line message about its own files (pydantic on a
            # reply's NaN token count): not the user's business unless they ask for --debug.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body()
    except typer.Exit:
        raise
    except (Exception, KeyboardInterrupt) as exc:
        fail(exc, debug)
