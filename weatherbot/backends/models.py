"""The models a configured server offers (`GET /v1/models`), for `weatherbot models`.

OpenAI's model objects carry `id`, `created`, `owned_by` and, for a model with an announced
retirement, `shutdown_date`; Ollama, vLLM, llama.cpp and LM Studio send the same list shape
with fewer fields (no dates, `owned_by` such as "library" or "vllm"). Whatever is missing is
None here, never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from weatherbot.backends.api_errors import map_openai_error
from weatherbot.backends.catalogue import resolve
from weatherbot.backends.openai_client import make_client
from weatherbot.errors import ConfigError
from weatherbot.settings import Settings

OPENAI_URL = "https://api.openai.com/v1"
NO_SERVER = "no model server is configured; the offline planner needs none"
NO_SERVER_HINT = "set OPENAI_API_KEY to use a model, and OPENAI_BASE_URL for another server"


@dataclass(frozen=True)
class ModelInfo:
    """One model on the server's list."""

    id: str
    owned_by: str | None
    created: str | None  # ISO date, from the server's Unix time
    shutdown_date: str | None  # ISO date when the server announces one
    in_use: bool


def server_url(settings: Settings) -> str:
    """The API base the models are asked of."""
    return (settings.base_url or OPENAI_URL).rstrip("/")


def _date(value: Any) -> str | None:
    """A date from a Unix time or a date string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value.strip():
        return value.strip()[:10] if value[:4].isdigit() else value.strip()[:40]
    return None


def _field(model: Any, name: str) -> Any:
    value = getattr(model, name, None)
    if value is None:
        extra = getattr(model, "model_extra", None) or {}
        value = extra.get(name)
    return value


def is_in_use(model_id: str, wanted: str) -> bool:
    """`wanted` names this model (Ollama lists `qwen2.5:latest` for `qwen2.5`)."""
    return model_id == wanted or model_id == f"{wanted}:latest"


def list_models(settings: Settings) -> list[ModelInfo]:
    """The server's models, sorted by id; the one the settings use is marked."""
    info = resolve(settings)
    if not info.remote:
        raise ConfigError(NO_SERVER, hint=NO_SERVER_HINT)
    client = make_client(settings, info.name)
    try:
        page = client.models.list()
        found = list(page)
    except Exception as exc:
        raise map_openai_error(exc, "the model server") from None
    models: list[ModelInfo] = []
    for model in found:
        model_id = _field(model, "id")
        if not isinstance(model_id, str) or not model_id:
            continue  # an entry without a name cannot be chosen with --model
        owner = _field(model, "owned_by")
        models.append(
            ModelInfo(
                id=model_id,
                owned_by=owner if isinstance(owner, str) and owner else None,
                created=_date(_field(model, "created")),
                shutdown_date=_date(_field(model, "shutdown_date")),
                in_use=is_in_use(model_id, settings.model),
            )
        )
    return sorted(models, key=lambda m: m.id)
