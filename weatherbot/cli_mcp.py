"""`weatherbot mcp`: serve the weather tools to any MCP client (stdio, or streamable HTTP).

The `mcp` SDK is an optional extra, imported only here, when the command runs.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType
from typing import Annotated

import typer

from weatherbot.cli_options import (
    DebugOpt,
    PrecipitationOpt,
    ProviderOpt,
    UnitsOpt,
    WindOpt,
    err_print,
    examples,
    guarded,
    settings_from,
)
from weatherbot.errors import ExitCode, UsageError

INSTALL_HINT = "install it with: pip install 'weatherbot[mcp]'"


def _quiet_exit() -> None:
    """The client went away (closed our stdout): stop without a word, as a pipe reader would."""
    # Python flushes stdout once more at exit; on a closed pipe that prints "Exception
    # ignored...". Pointing fd 1 at /dev/null first keeps the exit silent.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _client_gone(exc: BaseException) -> bool:
    """A closed pipe or stream, possibly inside the task groups' exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return all(_client_gone(e) for e in exc.exceptions)
    import anyio

    gone = (BrokenPipeError, ConnectionResetError, anyio.BrokenResourceError)
    return isinstance(exc, (*gone, anyio.ClosedResourceError))


def _stop_at_once(signum: int, _frame: FrameType | None) -> None:
    """Ctrl-C (or SIGTERM/SIGHUP): stop now, whatever is in flight.

    stdio: the SDK reads stdin in a worker thread that nothing can interrupt, and a normal
    shutdown waits for that thread, so Ctrl-C would act only once another line arrived.
    HTTP: uvicorn's shutdown waits for the requests in flight (a slow provider: 20 s and
    more), and a second Ctrl-C printed ASGI tracebacks. The server holds nothing worth saving
    (cache files are written whole, by rename), so it exits at once.
    """
    err_print("weatherbot: interrupted", "yellow")
    sys.stderr.flush()
    os._exit(int(ExitCode.INTERRUPTED))


MCP_EXAMPLES = examples(
    "weatherbot mcp                        # stdio: a client starts it",
    "weatherbot mcp --http 127.0.0.1:8765  # at http://127.0.0.1:8765/mcp",
    "weatherbot mcp --offline -v           # sample data, a line per call",
)


def mcp(
    http: Annotated[
        str | None,
        typer.Option(
            "--http",
            metavar="HOST:PORT",
            help="Serve streamable HTTP on HOST:PORT instead of stdio (e.g. 127.0.0.1:8765; "
            "loopback unless a host is given).",
            show_default=False,
        ),
    ] = None,
    provider: ProviderOpt = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="No network: recorded sample data (London, New York, Oslo)."
        ),
    ] = False,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every tool call on stderr.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Serve the weather tools over MCP, for Claude Desktop, Cursor, agents, llm...

    stdio by default: the client starts `weatherbot mcp` itself. Logs go to stderr.
    """

    def body() -> None:
        try:
            from weatherbot.mcp import http as mcp_http
            from weatherbot.mcp.server import build_server
            from weatherbot.mcp.stdio import serve_stdio
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in {"mcp", "mcp_types", "uvicorn", "starlette"}:
                raise
            raise UsageError("weatherbot mcp needs the MCP SDK", hint=INSTALL_HINT) from None
        bind = mcp_http.parse_bind(http) if http is not None else None
        settings = settings_from(
            provider=provider,
            offline=offline,
            units=units,
            wind_unit=wind_unit,
            precipitation_unit=precipitation_unit,
        )
        level = logging.DEBUG if debug else logging.WARNING
        # Ours before the SDK's (it only adds a handler when there is none): plain lines on
        # stderr, because in stdio mode stdout carries nothing but protocol messages.
        logging.basicConfig(
            level=level, stream=sys.stderr, format="weatherbot mcp: %(message)s", force=True
        )
        if verbose:
            # Our own line per call; the HTTP client's and the SDK's only with --debug.
            logging.getLogger("weatherbot").setLevel(min(level, logging.INFO))
        server = build_server(settings, log_level=logging.getLevelName(level))
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)  # Windows has no SIGHUP
            if number is not None:
                signal.signal(number, _stop_at_once)
        if bind is None:
            import anyio

            try:
                anyio.run(serve_stdio, server)
            except BaseException as exc:
                if not _client_gone(exc):
                    raise
                _quiet_exit()
            return
        token = settings.mcp_token.reveal() if settings.mcp_token else None
        mcp_http.serve(
            server,
            bind,
            token,
            settings.mcp_allowed_origins,
            lambda line: err_print(f"weatherbot mcp: {line}", "dim"),
        )

    guarded(debug, body)
