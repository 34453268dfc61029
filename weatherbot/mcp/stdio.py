"""`weatherbot mcp` over stdio, answering every request that arrived before the input ended.

The SDK ends the server at end of input and cancels the calls still running, so
`printf '...' | weatherbot mcp` (or a client that sends its last request and closes stdin)
would lose the answers it asked for. Here the end of input reaches the server only once every
request read so far has been answered, or after DRAIN_S.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp.types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCRequest,
    JSONRPCResponse,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError

log = logging.getLogger("weatherbot.mcp")

# Longer than any one lookup's own timeouts and retries; a call still running then is dropped.
DRAIN_S = 120.0


class _Outstanding:
    """The ids of requests read and not yet answered."""

    def __init__(self) -> None:
        self.ids: set[Any] = set()
        self.changed = anyio.Event()

    def read(self, message: object) -> None:
        if isinstance(message, SessionMessage) and isinstance(message.message, JSONRPCRequest):
            self.ids.add(message.message.id)

    def written(self, message: SessionMessage) -> None:
        if isinstance(message.message, JSONRPCResponse | JSONRPCError):
            self.ids.discard(message.message.id)
            self.changed.set()
            self.changed = anyio.Event()

    async def settled(self) -> None:
        with anyio.move_on_after(DRAIN_S):
            while self.ids:
                await self.changed.wait()


def _without_surrogates(value: Any) -> Any:
    """`value` with lone surrogates (what Python's json.dumps writes for a broken string)
    replaced by U+FFFD, which the SDK's strict parser accepts."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _error(request_id: Any, code: int, message: str) -> SessionMessage:
    if isinstance(request_id, bool) or not isinstance(request_id, str | int):
        request_id = None  # JSON-RPC: null when the id cannot be read
    return SessionMessage(
        JSONRPCError(jsonrpc="2.0", id=request_id, error=ErrorData(code=code, message=message))
    )


def repaired(exc: Exception) -> SessionMessage:
    """A line the SDK could not read, as a message: repaired, or the JSON-RPC error it gets.

    The SDK drops such lines without a word, and a client waits for its answer forever: a
    Python client sends a broken string as a lone surrogate (`\\ud800`), which Python reads
    but the SDK's parser refuses. That line is repaired and answered like any other.
    """
    errors = exc.errors() if isinstance(exc, ValidationError) else []
    raw: Any = errors[0]["input"] if errors else None
    if errors and errors[0]["type"] == "json_invalid":
        try:
            raw = json.loads(raw)
        except (TypeError, ValueError):
            return _error(None, PARSE_ERROR, "parse error: the line is not JSON")
        try:
            return SessionMessage(
                jsonrpc_message_adapter.validate_python(_without_surrogates(raw), by_name=False)
            )
        except ValidationError:
            pass
    request_id = raw.get("id") if isinstance(raw, dict) else None
    return _error(
        request_id,
        INVALID_REQUEST,
        "invalid request: not a JSON-RPC 2.0 message (jsonrpc, method, id)",
    )


async def serve_stdio(server: MCPServer) -> None:
    """Serve `server` on stdin/stdout until the input ends and every request is answered."""
    lowlevel = server._lowlevel_server
    outstanding = _Outstanding()
    to_server, from_client = anyio.create_memory_object_stream[SessionMessage | Exception](16)
    to_client, from_server = anyio.create_memory_object_stream[SessionMessage](16)
    async with stdio_server() as (read_stream, write_stream):

        async def pump_in() -> None:
            async with to_server:
                async for message in read_stream:
                    if isinstance(message, Exception):
                        message = repaired(message)
                        if isinstance(message.message, JSONRPCError):
                            log.info("a malformed line: %s", message.message.error.message)
                            await write_stream.send(message)
                            continue
                        log.info("a line with lone surrogates: read them as U+FFFD")
                    outstanding.read(message)
                    await to_server.send(message)
                await outstanding.settled()

        async def pump_out() -> None:
            async with write_stream:
                async for message in from_server:
                    outstanding.written(message)
                    await write_stream.send(message)

        async def run() -> None:
            async with to_client:
                await lowlevel.run(from_client, to_client, lowlevel.create_initialization_options())

        async with anyio.create_task_group() as group:
            group.start_soon(pump_in)
            group.start_soon(pump_out)
            group.start_soon(run)
