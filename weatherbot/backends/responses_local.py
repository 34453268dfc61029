"""Responses threads kept here: for servers without the Conversations API, or that ignore it.

Such a thread is the local history the `chat` backend keeps (events.Message, in the state
store); each request carries it as Responses input items, and within a turn the whole turn so
far (question, function calls, outputs), never only the new outputs: a server that ignores
`conversation` may ignore `previous_response_id` as well. Which servers need it is found out
once per base URL (server_facts).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from weatherbot.backends.responses_wire import get_field, get_text
from weatherbot.events import Message

NO_CONVERSATIONS_NOTICE = (
    "this server has no Conversations API ({request} answered {status}); weatherbot keeps the "
    "conversation here and sends it with each question"
)
IGNORED_CONVERSATION_NOTICE = (
    "this server ignores conversations (a response asked to join {conversation} came back "
    "without it); weatherbot keeps the conversation here and sends it with each question"
)
# Status codes that say "no such endpoint" for POST /conversations (it takes no model name).
NO_ENDPOINT = (404, 405, 501)


def is_local(thread_id: str) -> bool:
    """A thread id weatherbot made (LocalThreads), not a server Conversation."""
    return thread_id.startswith("local_")


def user_item(text: str) -> dict[str, Any]:
    """A user message as an input item."""
    return {"role": "user", "content": text}


def call_item(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    """A function call the model made, sent back as context."""
    return {"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}


def output_item(call_id: str, output: str) -> dict[str, Any]:
    """A tool's output for one call."""
    return {"type": "function_call_output", "call_id": call_id, "output": output}


def history_items(history: Iterable[Message]) -> list[dict[str, Any]]:
    """A stored history as Responses input items, oldest first."""
    items: list[dict[str, Any]] = []
    for message in history:
        if message.role == "user":
            items.append(user_item(message.content))
        elif message.role == "tool" and message.tool_call_id is not None:
            items.append(output_item(message.tool_call_id, message.content))
        elif message.role == "assistant":
            if message.content:
                items.append({"role": "assistant", "content": message.content})
            items.extend(call_item(c.call_id, c.name, c.arguments) for c in message.tool_calls)
    return items


def joined(response: Any) -> bool:
    """Whether a response says which conversation it joined (OpenAI: `{"id": "conv_…"}`)."""
    conversation = get_field(response, "conversation")
    if isinstance(conversation, str):
        return bool(conversation)
    return bool(get_text(conversation, "id"))
