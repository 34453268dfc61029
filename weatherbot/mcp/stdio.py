"""`weatherbot mcp` over stdio, answering every request that arrived before the input ended.

The SDK ends the server at end of input and cancels the calls still running, so
`printf '...' | weatherbot mcp` (or a client that sends its last request and closes stdin)
would lose the answers it asked for. Here the end of input reaches the server only once every
request read so far has been answered, or after DRAIN_S.
"""

from __future__ import annotations

from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp.types import JSONRPCError, JSONRPCRequest, JSONRPCResponse

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
