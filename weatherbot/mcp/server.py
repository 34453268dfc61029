"""`weatherbot mcp`: the weather tools served to any agent over MCP (the official SDK's MCPServer).

The server keeps nothing between calls but the disk cache: every call gets its own weather
service, so instances behind a load balancer answer alike (each has its own cache).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.context import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

from weatherbot import __version__
from weatherbot.mcp.tools import CALL_DEADLINE_S, Clock, crash, failure, mcp_tools
from weatherbot.providers.registry import build_service, saved_places
from weatherbot.providers.service import WeatherService
from weatherbot.settings import Settings
from weatherbot.tools.registry import ToolRegistry
from weatherbot.tools.weather import default_registry

log = logging.getLogger("weatherbot.mcp")

UNITS_NOTE = {
    "auto": "Use the unit people use at the place asked about (Fahrenheit in the US).",
    "metric": "The user prefers metric units: Celsius, km/h and mm unless they ask otherwise.",
    "imperial": "The user prefers imperial units: Fahrenheit, mph and inches unless asked "
    "otherwise.",
}


def instructions(settings: Settings, places: list[tuple[str, str]], default: str | None) -> str:
    """What the server tells a client's model once: source, units, the user's saved places."""
    lines = [
        f"Weather from {settings.provider} (weatherbot {__version__}). Every tool takes a "
        "place name, a saved place's name or 'lat,lon'; dates are local to the place.",
        UNITS_NOTE.get(settings.units, UNITS_NOTE["auto"])
        + " When a tool's `unit` is left out it follows this preference.",
    ]
    if places:
        named = "; ".join(f"'{name}' is {where}" for name, where in places)
        lines.append(f"The user's saved places (pass the name as the location): {named}.")
    if default:
        lines.append(f"When the user names no place, use '{default}'.")
    return "\n".join(lines)


class WeatherServer(MCPServer):
    """MCPServer whose every failed call is the tools' JSON error, never the SDK's plain text.

    The SDK answers an unknown tool or arguments its own check refuses with text such as
    `Unknown tool: x` and logs a traceback for anything unexpected; a client's model reads the
    same `{"error": code, "message": ...}` object the tools return for their own failures.
    """

    def __init__(self, tool_names: list[str], **options: Any) -> None:
        super().__init__(**options)
        self.tool_names = tool_names

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Call a tool by name; every failure comes back as a JSON tool error."""
        if name not in self.tool_names:
            known = ", ".join(self.tool_names)
            log.info("%s: unknown tool", name[:200])
            return failure("unknown_tool", f"there is no tool {name[:200]!r}; the tools: {known}")
        try:
            return await super().call_tool(name, arguments, context)
        except MCPError:
            raise  # a protocol error, answered as one
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                return failure("invalid_arguments", str(exc.__cause__))
            cause = exc.__cause__ if isinstance(exc.__cause__, Exception) else exc
            return failure(*crash(name, cause))
        except Exception as exc:
            return failure(*crash(name, exc))


def build_server(
    settings: Settings,
    registry: ToolRegistry | None = None,
    sleep: Callable[[float], None] = time.sleep,
    deadline_s: float = CALL_DEADLINE_S,
    clock: Clock = time.perf_counter,
    **server_options: Any,
) -> MCPServer:
    """The MCP server for these settings: every registry tool, answered by a fresh service.

    Raises the ConfigError of a provider setup no call could use (an unknown provider, a
    missing key), as `weatherbot ask` does before its first question. `sleep`: the providers'
    backoff waits (tests pass one that returns at once); `deadline_s`: how long one call may
    take in all; `clock`: what the -v lines time calls with.
    """
    registry = registry or default_registry()
    saved = saved_places(settings, log.warning)
    default = saved.default_place()

    def new_service() -> WeatherService:
        return build_service(settings, sleep=sleep, on_warning=log.warning)

    new_service()  # a bad provider setting stops the server here, not on every call
    return WeatherServer(
        registry.names(),
        name="weatherbot",
        title="weatherbot",
        description="Weather for any place: now, hourly, 16 days, alerts, air quality.",
        instructions=instructions(
            settings,
            [(e.name, e.place.display_name) for e in saved.places.values()],
            default.name if default else None,
        ),
        version=__version__,
        tools=mcp_tools(registry, settings, new_service, deadline_s, clock),
        **server_options,
    )
