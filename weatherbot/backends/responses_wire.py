"""The Responses and Conversations endpoints through the SDK client's generic request methods.

The SDK's `client.responses` resource imports its streaming helpers and event types (about
0.7 s of CPU), and parsing the first `Response` builds pydantic schemas for its unions (about
0.5 s more): together they made a `responses` turn cost twice a `chat` turn. The client's
documented `post`/`get`/`delete` methods keep everything that matters (auth, retries, timeouts,
the SDK's error classes, SSE parsing) and return the JSON as it came; `Wire` gives it the
attribute access the backend reads it with. Wire shapes: reference/openai-protocols.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from weatherbot.errors import APIError
from weatherbot.tools.execute import ToolCall

if TYPE_CHECKING:
    import openai

PAGE = 100


class Wire(Mapping[str, Any]):
    """A JSON object read like an SDK model: `item.call_id`; a missing key is AttributeError.

    Fields the server may leave out or send with another type are read with `get_text`,
    `get_list` and `get_object` below, which treat them as absent.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return wire(self._data[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Wire({self._data!r})"


def wire(value: Any) -> Any:
    """JSON objects (also the items of a list) as Wire; everything else as it is."""
    if isinstance(value, Mapping):
        return Wire(value)
    if isinstance(value, list):
        # One level only: a list of lists nested 900 deep must not exhaust the stack.
        return [Wire(v) if isinstance(v, Mapping) else v for v in value]
    return value


def _segment(value: str) -> str:
    # Ids come from the server and the state file: never let one change the path ("..", "/").
    segment = quote(value, safe="")
    # quote() keeps dots, and a "." or ".." segment is resolved away by URL normalisation.
    return segment.replace(".", "%2E") if segment in (".", "..") else segment


NOT_AN_OBJECT = "the model API answered with something that is not a JSON object"
NOT_AN_OBJECT_HINT = "check OPENAI_BASE_URL: it should point at an OpenAI-compatible /v1 API"


def _object(data: Any, *, needs_id: bool = False) -> Wire:
    """A parsed body as a Wire, or one clear APIError when it is not the object expected."""
    if not isinstance(data, Mapping):
        raise APIError(NOT_AN_OBJECT, hint=NOT_AN_OBJECT_HINT)
    if needs_id and not (isinstance(data.get("id"), str) and data["id"]):
        raise APIError("the model API answered without an id", hint=NOT_AN_OBJECT_HINT)
    return Wire(data)


def _json_object(response: Any, *, needs_id: bool = False) -> Wire:
    """The body of a raw response as a Wire (see `_object`)."""
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    return _object(data, needs_id=needs_id)


class ResponsesAPI:
    """The calls the `responses` backend makes, on one SDK client."""

    def __init__(self, client: openai.OpenAI) -> None:
        self.client = client

    def _json(self, method: str, path: str, **options: Any) -> Any:
        """One request whose body is parsed by the SDK (`cast_to=object`: the JSON as it came)."""
        try:
            return getattr(self.client, method)(path, cast_to=object, **options)
        except ValueError:
            # The SDK parses a body labelled JSON with json.loads: a broken one ends here.
            raise APIError(NOT_AN_OBJECT, hint=NOT_AN_OBJECT_HINT) from None

    def create_conversation(self, metadata: Mapping[str, str]) -> Wire:
        """POST /conversations."""
        data = self._json("post", "/conversations", body={"metadata": dict(metadata)})
        return _object(data, needs_id=True)

    def delete_conversation(self, conversation_id: str) -> None:
        """DELETE /conversations/{id}."""
        self._json("delete", f"/conversations/{_segment(conversation_id)}")

    def conversation_items(self, conversation_id: str, order: str = "asc") -> Iterator[Wire]:
        """Every item of the conversation, page by page."""
        after: str | None = None
        while True:
            query: dict[str, Any] = {"order": order, "limit": PAGE}
            if after:
                query["after"] = after
            page = self._json(
                "get",
                f"/conversations/{_segment(conversation_id)}/items",
                options={"params": query},
            )
            page = _object(page)
            items = [i for i in page.get("data") or [] if isinstance(i, Mapping)]
            yield from (Wire(i) for i in items)
            after = page.get("last_id")
            if not page.get("has_more") or not items or not isinstance(after, str):
                return

    def add_items(self, conversation_id: str, items: list[dict[str, Any]]) -> None:
        """POST /conversations/{id}/items."""
        self._json(
            "post", f"/conversations/{_segment(conversation_id)}/items", body={"items": items}
        )

    def answer_open_calls(self, conversation_id: str, output: str) -> bool:
        """Give every unanswered function call of the conversation `output`; True if any.

        Best effort (False when the conversation cannot be read or written).
        """
        import openai

        try:
            orphans = open_calls(list(self.conversation_items(conversation_id)))
            if not orphans:
                return False
            self.add_items(
                conversation_id,
                [
                    {"type": "function_call_output", "call_id": call_id, "output": output}
                    for call_id in orphans
                ],
            )
        except openai.OpenAIError:
            return False
        return True

    def create(self, body: Mapping[str, Any]) -> tuple[Wire, Mapping[str, str]]:
        """POST /responses (background): the response and the headers (poll hints)."""
        import httpx2

        raw = self.client.post("/responses", body=dict(body), cast_to=httpx2.Response)
        return _json_object(raw, needs_id=True), raw.headers

    def stream(self, body: Mapping[str, Any]) -> Any:
        """POST /responses with stream=true: an SDK Stream of events (plain dicts)."""
        import openai

        return self.client.post(
            "/responses",
            body={**body, "stream": True},
            cast_to=object,
            stream=True,
            stream_cls=openai.Stream[object],
        )

    def resume_stream(self, response_id: str, starting_after: int | None) -> Any:
        """GET /responses/{id}?stream=true: a background response's events after event N."""
        import openai

        params: dict[str, Any] = {"stream": "true"}
        if starting_after is not None:
            params["starting_after"] = starting_after
        return self.client.get(
            f"/responses/{_segment(response_id)}",
            options={"params": params},
            cast_to=object,
            stream=True,
            stream_cls=openai.Stream[object],
        )

    def retrieve(self, response_id: str) -> tuple[Wire, Mapping[str, str]]:
        """GET /responses/{id}: the response and the headers (poll hints)."""
        import httpx2

        raw = self.client.get(f"/responses/{_segment(response_id)}", cast_to=httpx2.Response)
        return _json_object(raw, needs_id=True), raw.headers

    def cancel(self, response_id: str) -> None:
        """POST /responses/{id}/cancel."""
        self._json("post", f"/responses/{_segment(response_id)}/cancel")


# -- what the Responses wire format carries ------------------------------------------------


def responses_tools(schemas: tuple[Mapping[str, Any], ...]) -> list[dict[str, Any]]:
    """Neutral tool schemas in the Responses (flat) format."""
    out = []
    for schema in schemas:
        inner = schema.get("function", schema)
        out.append(
            {
                "type": "function",
                "name": inner["name"],
                "description": inner.get("description", ""),
                "parameters": inner["parameters"],
                # Omitted, the server turns it into strict mode, which rejects optional params.
                "strict": False,
            }
        )
    return out


# Readers of server data: a field that is missing or of the wrong type counts as absent (a
# reply that parses as JSON can still be any shape: `{"id": "resp_1"}`, a chat completion).


def get_field(obj: Any, name: str) -> Any:
    """`obj[name]` (objects as Wire), or None when `obj` is not a JSON object or lacks it."""
    return wire(obj.get(name)) if isinstance(obj, Mapping) else None


def get_text(obj: Any, name: str) -> str | None:
    """A string field; None when missing or not a string (an id of 42, NaN or a list)."""
    value = get_field(obj, name)
    return value if isinstance(value, str) else None


def get_list(obj: Any, name: str) -> list[Any]:
    """A list field; empty when missing or not a list."""
    value = get_field(obj, name)
    return value if isinstance(value, list) else []


def get_object(obj: Any, name: str) -> Wire | None:
    """An object field; None when missing or not an object."""
    value = get_field(obj, name)
    return value if isinstance(value, Wire) else None


def output_text(response: Any) -> str:
    """The concatenated `output_text` parts of the response's message items."""
    parts: list[str] = []
    for item in get_list(response, "output"):
        if get_text(item, "type") != "message":
            continue
        for part in get_list(item, "content"):
            if get_text(part, "type") == "output_text":
                parts.append(get_text(part, "text") or "")
    return "".join(parts)


def function_calls(items: Any) -> list[ToolCall]:
    """The function_call items among output items, as ToolCalls keyed by `call_id`.

    An item without a string `call_id` is skipped: no output could be sent back for it. One
    without a name becomes a call of the tool "", which gets an `unknown_tool` output.
    """
    calls = []
    for item in items if isinstance(items, list) else []:
        call_id = get_text(item, "call_id")
        if get_text(item, "type") == "function_call" and call_id:
            calls.append(
                ToolCall(call_id, get_text(item, "name") or "", get_field(item, "arguments"))
            )
    return calls


def item_text(item: Any) -> str:
    """The text of a conversation message item (a string or content parts)."""
    content = get_field(item, "content")
    if isinstance(content, str):
        return content
    return "".join(get_text(part, "text") or "" for part in get_list(item, "content"))


def open_calls(items: Any) -> list[str]:
    """The call ids of function_call items with no function_call_output among `items`."""
    answered = {
        get_text(i, "call_id") for i in items if get_text(i, "type") == "function_call_output"
    }
    return [
        call_id
        for i in items
        if get_text(i, "type") == "function_call"
        and (call_id := get_text(i, "call_id"))
        and call_id not in answered
    ]
