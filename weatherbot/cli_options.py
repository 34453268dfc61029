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
from typer.core import TyperCommand, TyperGroup, TyperOption

from weatherbot.backends import catalogue
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


def examples(*lines: str) -> str:
    """A command's epilog: its examples, one per line, under the options in --help."""
    # "\b" keeps Typer's Rich help from joining the lines into one paragraph.
    return "Examples:\b\n" + "\n".join(lines)


# -- shared options ---------------------------------------------------------------------------

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
    bool, typer.Option("--no-color", help="No colours or spinner [env: NO_COLOR].")
]
StreamOpt = Annotated[
    bool | None,
    typer.Option("--stream/--no-stream", help="Print the answer as it is generated."),
]
RefreshOpt = Annotated[
    bool, typer.Option("--refresh", help="Ignore cached weather data and fetch it again.")
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
    settings = load_settings(**flags)
    _color = settings.color
    # A config.toml key that means nothing: said once per command (it is usually a typo).
    for note in settings.notes:
        warn(note)
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
