"""The tool registry as MCP tools: the same names, argument schemas and outputs as the assistant's.

Each registry tool becomes one MCP tool whose input schema is the registry's own JSON schema and
whose output schema comes from the TypedDict the tool returns. Calls are checked by the registry
(not by pydantic), so a client gets the same error outputs a model gets.
"""

from __future__ import annotations

import inspect
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
import anyio.to_thread
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ContentBlock, TextContent, ToolAnnotations

from weatherbot.errors import ExitCode, ProviderError, WeatherbotError
from weatherbot.redaction import redact_value
from weatherbot.settings import Settings
from weatherbot.tools.context import ToolContext, unit_for
from weatherbot.tools.execute import ToolCall, ToolResult, error_output, run_tool_call
from weatherbot.tools.registry import ToolRegistry, ToolSpec

log = logging.getLogger("weatherbot.mcp")

# What a person sees for each tool in a client's tool list.
TITLES = {
    "get_current_temperature": "Current temperature",
    "get_rain_probability": "Chance of rain today",
    "get_current_conditions": "Current conditions",
    "get_forecast": "Daily forecast (up to 16 days)",
    "get_hourly_forecast": "Hourly forecast",
    "get_weather_alerts": "Weather alerts",
    "get_air_quality": "Air quality and pollen",
}

# What a model reading an MCP tool list cannot know from the assistant's instructions.
MCP_NOTE = (
    "Dates and 'today' are the place's own local date, in its time zone (the output's "
    "`timezone`), not the caller's. A name that fits several places fails with error "
    "`ambiguous` and lists `candidates`: ask which one, or call again with a region or "
    "country ('Springfield, IL'). An unknown place fails with `not_found`; an outage with "
    "`unavailable`, `timeout`, `rate_limited` or `upstream_error` (worth one retry later)."
)

# Read-only lookups in an open world (live weather services): safe to call and to retry.
ANNOTATIONS = {
    "read_only_hint": True,
    "destructive_hint": False,
    "idempotent_hint": True,
    "open_world_hint": True,
}

ServiceFactory = Callable[[], Any]
Clock = Callable[[], float]

# One tool call's whole time, retries included: MCP clients give up on a request after a
# while (the Agents SDK after 5 s by default, most after 30-60 s); a provider's own timeouts
# and retries could keep a stalled lookup going for 45 s, and then no one reads the answer.
CALL_DEADLINE_S = 15.0
# How much of each argument value a -v line shows.
LOGGED_CHARS = 200


def _loosened(spec: ToolSpec, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments with numbers sent as strings ("3") read as numbers.

    Some MCP clients (Claude Desktop among them) send every argument as a string; a model
    talking to the assistant directly does not, so the registry itself stays strict.
    """
    loose = dict(arguments)
    for param in spec.params:
        value = loose.get(param.name)
        if param.kind in ("integer", "number") and isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                continue
            loose[param.name] = int(number) if number.is_integer() else number
    return loose


def _with_unit(spec: ToolSpec, arguments: dict[str, Any], units: str, weather: Any) -> None:
    """An omitted `unit` follows the user's --units (auto: the place's own unit)."""
    takes_unit = any(p.name == "unit" for p in spec.params)
    location = arguments.get("location")
    if takes_unit and arguments.get("unit") is None and isinstance(location, str):
        arguments["unit"] = unit_for(units, weather, location)


def call_result(output: str, error: str | None) -> CallToolResult:
    """The MCP result of one call: structured content on success, `is_error` on failure."""
    text: list[ContentBlock] = [TextContent(type="text", text=output)]
    if error is not None:
        # An error output is not the tool's output shape; the text carries its code, message
        # and candidates for the model to read.
        return CallToolResult(content=text, is_error=True)
    return CallToolResult(content=text, structured_content=json.loads(output))


def failure(code: str, message: str) -> CallToolResult:
    """A failed call as every failure is sent: `is_error` with the error JSON as its text."""
    return call_result(error_output(code, message), code)


def shown_arguments(arguments: Mapping[str, Any]) -> str:
    """Arguments for the log line, each value cut: a client may send a 100,000-character name."""
    parts = []
    for key, value in redact_value(dict(arguments)).items():
        text = repr(value)
        if len(text) > LOGGED_CHARS:
            text = f"{text[:LOGGED_CHARS]}... ({len(text)} chars)"
        parts.append(f"{key}={text}")
    return ", ".join(parts)


def log_call(name: str, arguments: Mapping[str, Any], outcome: str, took_s: float) -> None:
    """The -v line of one call."""
    log.info("%s(%s): %s in %d ms", name, shown_arguments(arguments), outcome, took_s * 1000)


def crash(name: str, exc: Exception) -> tuple[str, str]:
    """The error code and message of a call that raised; a warning line, no traceback.

    A traceback on stderr would end up in a client's log on every call; --debug shows it.
    """
    if isinstance(exc, ProviderError):
        return exc.code, exc.message
    if isinstance(exc, WeatherbotError):
        hint = f" ({exc.hint})" if exc.hint else ""
        code = "config_error" if exc.exit_code == ExitCode.USAGE else "internal_error"
        message = f"{exc.message}{hint}"
    else:
        code, message = "internal_error", f"{type(exc).__name__}: {exc}"
    message = str(redact_value(message))
    log.warning("%s failed: %s", name, message, exc_info=log.isEnabledFor(logging.DEBUG))
    return code, message


def _caller(
    spec: ToolSpec,
    registry: ToolRegistry,
    settings: Settings,
    service: ServiceFactory,
    deadline_s: float,
    clock: Clock,
) -> Callable[..., Awaitable[CallToolResult]]:
    def work(sent: dict[str, Any]) -> ToolResult:
        # A new service per call: its per-question memory must not outlive the call in a
        # long-running server; the disk cache is what repeated calls share.
        weather = service()
        try:
            _with_unit(spec, sent, settings.units, weather)
        except Exception:  # the call itself reports what is wrong with the place
            log.debug("no unit for %r", sent.get("location"), exc_info=True)
        return run_tool_call(
            ToolCall(f"mcp_{uuid.uuid4().hex[:12]}", spec.name, sent),
            registry,
            ToolContext(weather),
        )

    async def call(**arguments: Any) -> CallToolResult:
        # Timed from the call's start, whatever ends it (a deadline, a cancel, a crash).
        started = clock()
        sent = _loosened(spec, {k: v for k, v in arguments.items() if v is not None})
        try:
            # The lookup runs in a thread that a deadline or a cancelled request leaves
            # behind (it ends with its own timeouts): the client gets its answer in time.
            with anyio.fail_after(deadline_s):
                result = await anyio.to_thread.run_sync(work, sent, abandon_on_cancel=True)
        except TimeoutError:
            log_call(spec.name, sent, "error timeout", clock() - started)
            message = f"the weather service did not answer within {deadline_s:g} s; try again later"
            return failure("timeout", message)
        except anyio.get_cancelled_exc_class():
            log_call(spec.name, sent, "cancelled", clock() - started)
            raise
        except Exception as exc:
            code, message = crash(spec.name, exc)
            log_call(spec.name, sent, f"error {code}", clock() - started)
            return failure(code, message)
        outcome = f"error {result.error}" if result.error else "ok"
        log_call(spec.name, result.arguments, outcome, clock() - started)
        return call_result(result.output, result.error)

    # The SDK reads a tool's parameters from the function's signature: every argument is
    # accepted as sent (Any, default None) and the registry checks it.
    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Any)
            for p in spec.params
        ]
    )
    call.__annotations__ = {p.name: Any for p in spec.params}
    call.__name__ = spec.name
    return call


def mcp_tool(
    spec: ToolSpec,
    registry: ToolRegistry,
    settings: Settings,
    service: ServiceFactory,
    deadline_s: float = CALL_DEADLINE_S,
    clock: Clock = time.perf_counter,
) -> Tool:
    """One registry tool as an MCP tool: its schemas, title, annotations and description."""
    title = TITLES.get(spec.name, spec.name.replace("_", " ").capitalize())
    tool = Tool.from_function(
        _caller(spec, registry, settings, service, deadline_s, clock),
        name=spec.name,
        title=title,
        description=f"{spec.description}\n{MCP_NOTE}",
        annotations=ToolAnnotations(title=title, **ANNOTATIONS),
        structured_output=False,
    )
    # Published exactly as the assistant's: the registry's schema, not pydantic's reading of
    # the signature above. The SDK reads both fields when it lists the tools.
    tool.parameters = spec.parameters
    tool.fn_metadata.output_schema = spec.output_schema()
    return tool


def mcp_tools(
    registry: ToolRegistry,
    settings: Settings,
    service: ServiceFactory,
    deadline_s: float = CALL_DEADLINE_S,
    clock: Clock = time.perf_counter,
) -> list[Tool]:
    """Every registry tool as an MCP tool, in registration order."""
    return [
        mcp_tool(registry.get(name), registry, settings, service, deadline_s, clock)
        for name in registry.names()
    ]
