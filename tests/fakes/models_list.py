"""`GET /v1/models` for the fake API servers, in the shapes real servers send.

OpenAI lists `id`, `object`, `created`, `owned_by` and, for a model with an announced
retirement, `shutdown_date`; Ollama lists `name:tag` ids owned by "library"; vLLM adds `root`,
`parent`, `max_model_len` and `permission`, never a date. `serve_models` adds the route to a
running fake (routes are looked up per request), leaving every other route as it was.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.server import FakeServer, Request, Response

OPENAI_MODELS: list[dict[str, Any]] = [
    {"id": "gpt-5.6-luna", "object": "model", "created": 1764547200, "owned_by": "system"},
    {"id": "gpt-5.4-mini", "object": "model", "created": 1756684800, "owned_by": "system"},
    {
        "id": "gpt-4o-mini",
        "object": "model",
        "created": 1721172741,
        "owned_by": "system",
        "shutdown_date": "2027-01-14",
    },
]
OLLAMA_MODELS: list[dict[str, Any]] = [
    {"id": "qwen2.5:latest", "object": "model", "created": 1733011200, "owned_by": "library"},
    {"id": "llama3.1:8b", "object": "model", "created": 1730419200, "owned_by": "library"},
]
VLLM_MODELS: list[dict[str, Any]] = [
    {
        "id": "Qwen/Qwen2.5-7B-Instruct",
        "object": "model",
        "created": 1733011200,
        "owned_by": "vllm",
        "root": "Qwen/Qwen2.5-7B-Instruct",
        "parent": None,
        "max_model_len": 32768,
        "permission": [{"id": "modelperm-1", "object": "model_permission"}],
    }
]


def serve_models(fake: FakeServer, models: list[dict[str, Any]]) -> None:
    """Answer `GET /v1/models` on `fake` with `models`."""

    def listing(_request: Request) -> Response:
        return Response(200, {"object": "list", "data": models})

    fake.route("GET", "/v1/models")(listing)
