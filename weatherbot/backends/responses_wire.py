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

if TYPE_CHECKING:
    import openai

PAGE = 100


class Wire(Mapping[str, Any]):
    """A JSON object read like an SDK model: `item.call_id`; a missing key is AttributeError."""

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
    """JSON objects (also inside lists) as Wire; everything else as it is."""
    if isinstance(value, Mapping):
        return Wire(value)
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


def _segment(value: str) -> str:
    # Ids come from the server and the state file: never let one change the path ("..", "/").
    return quote(value, safe="")


def _json_object(response: Any) -> Wire:
    """The body of a raw response as a Wire, or an APIError saying it was not a JSON object."""
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    if not isinstance(data, Mapping):
        raise APIError(
            "the model API answered with something that is not a JSON object",
            hint="check OPENAI_BASE_URL: it should point at an OpenAI-compatible /v1 API",
        )
    return Wire(data)


class ResponsesAPI:
    """The calls the `responses` backend makes, on one SDK client."""

    def __init__(self, client: openai.OpenAI) -> None:
        self.client = client

    def create_conversation(self, metadata: Mapping[str, str]) -> Wire:
        """POST /conversations."""
        data = self.client.post("/conversations", body={"metadata": dict(metadata)}, cast_to=object)
        return wire(data) if isinstance(data, Mapping) else Wire({})

    def delete_conversation(self, conversation_id: str) -> None:
        """DELETE /conversations/{id}."""
        self.client.delete(f"/conversations/{_segment(conversation_id)}", cast_to=object)

    def conversation_items(self, conversation_id: str, order: str = "asc") -> Iterator[Wire]:
        """Every item of the conversation, page by page."""
        after: str | None = None
        while True:
            query: dict[str, Any] = {"order": order, "limit": PAGE}
            if after:
                query["after"] = after
            page = self.client.get(
                f"/conversations/{_segment(conversation_id)}/items",
                options={"params": query},
                cast_to=object,
            )
            if not isinstance(page, Mapping):
                return
            items = [i for i in page.get("data") or [] if isinstance(i, Mapping)]
            yield from (Wire(i) for i in items)
            after = page.get("last_id")
            if not page.get("has_more") or not items or not isinstance(after, str):
                return

    def add_items(self, conversation_id: str, items: list[dict[str, Any]]) -> None:
        """POST /conversations/{id}/items."""
        self.client.post(
            f"/conversations/{_segment(conversation_id)}/items",
            body={"items": items},
            cast_to=object,
        )

    def create(self, body: Mapping[str, Any]) -> tuple[Wire, Mapping[str, str]]:
        """POST /responses (background): the response and the headers (poll hints)."""
        import httpx2

        raw = self.client.post("/responses", body=dict(body), cast_to=httpx2.Response)
        return _json_object(raw), raw.headers

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

    def retrieve(self, response_id: str) -> tuple[Wire, Mapping[str, str]]:
        """GET /responses/{id}: the response and the headers (poll hints)."""
        import httpx2

        raw = self.client.get(f"/responses/{_segment(response_id)}", cast_to=httpx2.Response)
        return _json_object(raw), raw.headers

    def cancel(self, response_id: str) -> None:
        """POST /responses/{id}/cancel."""
        self.client.post(f"/responses/{_segment(response_id)}/cancel", cast_to=object)
