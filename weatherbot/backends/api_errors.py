"""The one line a user sees for a failed model-API request: the server's words and advice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from weatherbot.errors import APIError, AuthError, ConfigError, WeatherbotError
from weatherbot.redaction import redact

# A server's error message is quoted in one line: a 300 KB one is cut to this.
MAX_SERVER_MESSAGE_CHARS = 300


def server_message(exc: Any) -> str:
    """The server's own error message from an SDK exception, on one line, cut to a few lines."""
    text = " ".join(redact(_server_text(exc)).split())
    if len(text) > MAX_SERVER_MESSAGE_CHARS:
        text = text[: MAX_SERVER_MESSAGE_CHARS - 1].rstrip() + "…"
    return text


def _retry_hint(exc: Any, default: str) -> str:
    """`default`, or the wait the server asked for when it is longer than weatherbot waits."""
    from weatherbot.backends.transport import MAX_RETRY_WAIT_S, retry_wait

    response = getattr(exc, "response", None)
    wait = retry_wait(response) if response is not None else None
    if wait is None or wait <= MAX_RETRY_WAIT_S:
        return default
    return f"the server asks to wait {wait:.0f} s before trying again"


def _server_text(exc: Any) -> str:
    """The server's own error message from an SDK exception (its body), else its text."""
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping):
        error = body.get("error", body)
        if isinstance(error, Mapping) and isinstance(error.get("message"), str):
            return str(error["message"])
        # Ollama and llama.cpp send {"error": "text"}.
        if isinstance(error, str):
            return error
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return str(getattr(exc, "message", exc))


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _origin(exc: Any) -> str | None:
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    if url is None:
        return None
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


def map_connection_error(exc: Exception, what: str) -> WeatherbotError | None:
    """The one line for a connection that failed: unreachable, silent, too slow or dropped."""
    import openai

    from weatherbot.backends.transport import DeadlinePassed, NotTheAPI, Silent, Unreachable

    if isinstance(exc, NotTheAPI):
        return APIError(
            f"{what} at {exc.origin} answered with {exc.what}, not a JSON object",
            hint="check OPENAI_BASE_URL: it should be the API's address, usually ending in /v1",
        )
    if isinstance(exc, Unreachable):
        hint = "check that the server is running and OPENAI_BASE_URL is right"
        if exc.origin.endswith("api.openai.com"):
            hint = "check your network connection"
        return APIError(f"cannot reach {what} at {exc.origin}: {exc.reason}", hint=hint)
    if isinstance(exc, DeadlinePassed):
        return APIError(
            f"{what} at {exc.origin} was still sending after {_seconds(exc.seconds)}, "
            "so weatherbot stopped waiting",
            hint="try again; WEATHERBOT_API_TIMEOUT sets the limit",
        )
    if isinstance(exc, Silent):
        return APIError(
            f"{what} at {exc.origin} did not answer within {_seconds(exc.seconds)}",
            hint="try again in a moment; WEATHERBOT_API_TIMEOUT sets how long to wait",
        )
    if isinstance(exc, openai.APITimeoutError):
        return APIError(f"{what} did not answer in time", hint="try again; check your network")
    if isinstance(exc, openai.APIConnectionError):
        where = _origin(exc)
        return APIError(
            f"the connection to {what}{f' at {where}' if where else ''} dropped",
            hint="try again in a moment",
        )
    return None


def cut_mid_answer(exc: Exception, what: str) -> APIError:
    """The error for a stream cut after part of the answer was shown and not recoverable."""
    where = _origin(exc)
    return APIError(
        f"the connection to {what}{f' at {where}' if where else ''} dropped mid-answer; "
        "the answer above is incomplete",
        hint="ask again",
    )


# How servers say a model name is wrong: OpenAI ("The model 'x' does not exist or you do not
# have access to it", code model_not_found), vLLM ("The model `x` does not exist."), Ollama
# ('model "x" not found, try pulling it first'), others ("unknown model", "no such model").
# Not "Invalid model": servers say that of a model that exists but cannot take the request.
_MODEL_MISSING = re.compile(
    r"\bmodel\b.{0,200}?\b(does not exist|not found|not exist|is not available)"
    r"|\b(unknown|no such) model\b",
    re.IGNORECASE,
)
MODELS_HINT = "weatherbot models lists the models this server offers; choose one with --model"


def model_not_found(exc: Exception) -> bool:
    """A 404, or a 400, that says the requested model does not exist on the server."""
    import openai

    if not isinstance(exc, openai.NotFoundError | openai.BadRequestError):
        return False
    body = getattr(exc, "body", None)
    error = body.get("error", body) if isinstance(body, Mapping) else None
    if isinstance(error, Mapping) and error.get("code") == "model_not_found":
        return True
    return bool(_MODEL_MISSING.search(server_message(exc)))


def map_openai_error(exc: Exception, what: str = "the model API") -> WeatherbotError:
    """A one-line WeatherbotError for an openai SDK exception (never includes the key)."""
    import openai

    connection = map_connection_error(exc, what)
    if connection is not None:
        return connection

    if isinstance(exc, openai.AuthenticationError):
        return AuthError(
            "your API key was rejected (HTTP 401)",
            hint="check OPENAI_API_KEY, or use --backend offline",
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return AuthError(
            f"{what} refused the request (HTTP 403): {server_message(exc)}",
            hint="check that your key has access to this model and endpoint",
        )
    if isinstance(exc, openai.RateLimitError):
        return APIError(
            f"{what} is rate limiting us (HTTP 429): {server_message(exc)}",
            hint=_retry_hint(exc, "wait a moment and try again, or check your plan's quota"),
        )
    if model_not_found(exc):
        # A configuration error, as a wrong flag is: nothing to retry until the name changes.
        status = getattr(exc, "status_code", 404)
        return ConfigError(
            f"{what} has no such model (HTTP {status}): {server_message(exc)}", hint=MODELS_HINT
        )
    if isinstance(exc, openai.NotFoundError):
        return APIError(
            f"{what} answered 404: {server_message(exc)}",
            hint="check OPENAI_BASE_URL and the model name (--model)",
        )
    if isinstance(exc, openai.APIStatusError):
        return APIError(
            f"{what} failed (HTTP {exc.status_code}): {server_message(exc)}",
            hint=_retry_hint(exc, "try again in a moment"),
        )
    if isinstance(exc, openai.APIError):
        return APIError(f"{what} failed: {server_message(exc)}", hint="try again in a moment")
    return APIError(f"{what} failed: {type(exc).__name__}: {exc}")
