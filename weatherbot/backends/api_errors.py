"""The one line a user sees for a failed model-API request: the server's words and advice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from weatherbot.backends.error_bodies import MAX_SERVER_MESSAGE_CHARS as MAX_SERVER_MESSAGE_CHARS
from weatherbot.backends.error_bodies import server_message as server_message
from weatherbot.errors import APIError, AuthError, ConfigError, WeatherbotError


def _retry_hint(exc: Any, default: str) -> str:
    """`default`, or the wait the server asked for when it is longer than weatherbot waits."""
    from weatherbot.backends.transport import MAX_RETRY_WAIT_S, retry_wait

    response = getattr(exc, "response", None)
    wait = retry_wait(response) if response is not None else None
    if wait is None or wait <= MAX_RETRY_WAIT_S:
        return default
    return f"the server asks to wait {wait:.0f} s before trying again"


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
# ('model "x" not found, try pulling it first'), LiteLLM ("Invalid model name passed in
# model=x"), others ("unknown model", "no such model"). Not "Invalid model" alone: servers say
# that of a model that exists but cannot take the request.
_MODEL_MISSING = re.compile(
    r"\bmodel\b.{0,200}?\b(does not exist|not found|not exist|is not available)"
    r"|\b(unknown|no such) model\b|\binvalid model name\b",
    re.IGNORECASE,
)
MODEL_FLAG_ADVICE = "choose one with --model"
MODELS_HINT = f"weatherbot models lists the models this server offers; {MODEL_FLAG_ADVICE}"
KEY_HINT = "check OPENAI_API_KEY"
BASE_URL_HINT = "check OPENAI_BASE_URL: it should be the API's address, usually ending in /v1"
# A rejected request that is about the credentials, in words no other 400 uses.
_NAMES_KEY = re.compile(
    r"\bapi[ _-]?keys?\b|\b(auth|authentication|authori[sz]ation|unauthori[sz]ed|credentials?"
    r"|token|bearer)\b|\b(invalid|incorrect|wrong|missing|expired|revoked|virtual) key\b",
    re.IGNORECASE,
)
_NAMES_MODEL = re.compile(r"\bmodels?\b", re.IGNORECASE)
# A 404 about one object (a thread, run, conversation or response by its id), not a path.
_OBJECT_MISSING = re.compile(
    r"\bno (assistant|thread|run|message|conversation|response|item)s? found"
    r"|\b(asst|thread|run|msg|step|conv|resp|item|fc)_\w",
    re.IGNORECASE,
)
# The endpoint families weatherbot calls, and the part of a path that names one.
_ENDPOINT = re.compile(
    r"^(?P<prefix>.*?)/(?P<family>chat/completions|responses|conversations|assistants|threads"
    r"|models)(?=/|$)"
)
# Answers that mean "ask again later", not "this request is wrong".
_RETRYABLE = frozenset({408, 409, 425, 429})


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


def endpoint(exc: Exception) -> str | None:
    """The request that failed, as "POST /v1/responses" (no query: it may hold anything)."""
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    path = getattr(url, "path", None)
    if not isinstance(path, str):
        return None
    return f"{getattr(request, 'method', 'GET')} {path}"


def path_missing(exc: Exception) -> bool:
    """A 404 (or 405) for the endpoint itself: no such path here, not a model or one object."""
    import openai

    status = getattr(exc, "status_code", None)
    if not isinstance(exc, openai.APIStatusError) or status not in (404, 405):
        return False
    return not model_not_found(exc) and not _OBJECT_MISSING.search(server_message(exc))


def missing_path_hint(exc: Exception) -> str:
    """Advice for a missing endpoint: another backend, or the base URL, by which one it is."""
    where = endpoint(exc)
    match = _ENDPOINT.match(where.split(" ", 1)[1]) if where else None
    # No /v1 (or any prefix) before the endpoint: the base URL is the likelier mistake.
    if match is None or not match["prefix"] or match["family"] in ("chat/completions", "models"):
        return BASE_URL_HINT
    root = f"{match['prefix']}/{match['family']}"
    if match["family"] == "conversations":
        return f"this server has no {root} (the Conversations API): try --backend chat"
    return f"this server has no {root}: try --backend chat"


def _rejected(exc: Exception, what: str, status: int) -> WeatherbotError:
    """A 4xx that is the request's fault: the server's words, and a hint only when they say."""
    said = server_message(exc)
    message = f"{what} rejected the request (HTTP {status}): {said}"
    hints = [KEY_HINT] if _NAMES_KEY.search(said) else []
    if _NAMES_MODEL.search(said):
        hints.append(MODELS_HINT)
    hint = "; ".join(hints) or None
    # Sending it again gets the same answer: exit 2 when a setting must change, else exit 1.
    if hints and hints[0] == KEY_HINT:
        return AuthError(message, hint=hint)
    if hints:
        return ConfigError(message, hint=hint)
    return APIError(message, hint=hint)


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
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        where = endpoint(exc) or "the request"
        if path_missing(exc):
            return APIError(
                f"{what} has no {where} (HTTP {status}): {server_message(exc)}",
                hint=missing_path_hint(exc),
            )
        if status == 404:
            return APIError(f"{what} answered 404 for {where}: {server_message(exc)}")
        if 400 <= status < 500 and status not in _RETRYABLE:
            return _rejected(exc, what, status)
        return APIError(
            f"{what} failed (HTTP {status}): {server_message(exc)}",
            hint=_retry_hint(exc, "try again in a moment"),
        )
    if isinstance(exc, openai.APIError):
        return APIError(f"{what} failed: {server_message(exc)}", hint="try again in a moment")
    return APIError(f"{what} failed: {type(exc).__name__}: {exc}")
