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

from weatherbot import __version__
from weatherbot.mcp.tools import mcp_tools
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


def build_server(
    settings: Settings,
    registry: ToolRegistry | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **server_options: Any,
) -> MCPServer:
    """The MCP server for these settings: every registry tool, answered by a fresh service.

    `sleep`: the providers' backoff waits (tests pass one that returns at once).
    """
    registry = registry or default_registry()
    saved = saved_places(settings, log.warning)
    default = saved.default_place()

    def new_service() -> WeatherService:
        return build_service(settings, sleep=sleep, on_warning=log.warning)

    return MCPServer(
        name="weatherbot",
        title="weatherbot",
        description="Weather for any place: now, hourly, 16 days, alerts, air quality.",
        instructions=instructions(
            settings,
            [(e.name, e.place.display_name) for e in saved.places.values()],
            default.name if default else None,
        ),
        version=__version__,
        tools=mcp_tools(registry, settings, new_service),
        **server_options,
    )
