"""The openai client for the API backends, the mapping of its errors, and the poll schedule."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from weatherbot import __version__
from weatherbot.backends import sdk_import
from weatherbot.errors import APIError, AuthError, ConfigError, WeatherbotError
from weatherbot.redaction import redact
from weatherbot.settings import Settings

if TYPE_CHECKING:
    import openai

    from weatherbot.backends.base import Runtime

# Before any backend imports openai: its type packages load lazily (sdk_import.py says why).
sdk_import.install()

API_CONNECT_TIMEOUT_S = 5.0
API_MAX_RETRIES = 2
# A run or response still pending after this long gets one note (a pipe shows no spinner).
LONG_WAIT_S = 30.0


def long_wait_notice(what: str, status: str, deadline_s: float) -> str:
    """The note for a run or response that is taking long: how long it may still take."""
    return (
        f"the {what} is still {status.replace('_', ' ')} after {LONG_WAIT_S:.0f} s; "
        f"weatherbot waits up to {deadline_s / 60:.0f} minutes (Ctrl-C cancels it)"
    )


# The longest pause between polls a server's `openai-poll-after-ms` can ask for.
MAX_POLL_HINT_S = 5.0


def make_client(settings: Settings, backend: str) -> openai.OpenAI:
    """An OpenAI client for `settings` (one per process: it keeps one connection pool)."""
    import httpx2
    import openai

    from weatherbot.backends.transport import DeadlineClient

    if not settings.api_key and settings.base_url is None:
        raise ConfigError(
            f"the {backend} backend needs OPENAI_API_KEY",
            hint="set OPENAI_API_KEY (or put it in .env), or use --backend offline",
        )
    # Local servers (Ollama, llama.cpp) accept any key, but the SDK insists on one.
    key = settings.api_key.reveal() if settings.api_key else "not-needed"
    timeout = httpx2.Timeout(
        settings.api_timeout, connect=min(API_CONNECT_TIMEOUT_S, settings.api_timeout)
    )
    return openai.OpenAI(
        api_key=key,
        base_url=settings.base_url,
        timeout=timeout,
        max_retries=API_MAX_RETRIES,
        default_headers={"User-Agent": f"weatherbot/{__version__}"},
        http_client=DeadlineClient(settings.api_timeout, timeout=timeout),
    )


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


def nested_tools(schemas: tuple[Mapping[str, Any], ...]) -> list[dict[str, Any]]:
    """Neutral tool schemas in the nested form Assistants and Chat Completions take."""
    return [
        {
            "type": "function",
            "function": {
                "name": schema["name"],
                "description": schema.get("description", ""),
                "parameters": schema["parameters"],
            },
        }
        for schema in (s.get("function", s) for s in schemas)
    ]


class SdkClient:
    """One SDK client (so one connection pool) per backend, created on first use."""

    name: str
    runtime: Runtime
    _client: openai.OpenAI | None = None

    @property
    def client(self) -> openai.OpenAI:
        """The SDK client, created on first use."""
        if self._client is None:
            self._client = make_client(self.runtime.settings, self.name)
        return self._client

    def close(self) -> None:
        """Release the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None


def usage_dict(usage: Any) -> dict[str, Any] | None:
    """An SDK usage object (run, response or completion) as a plain dict."""
    if usage is None:
        return None
    dumped = usage.model_dump() if hasattr(usage, "model_dump") else usage
    return dict(dumped) if isinstance(dumped, Mapping) else None


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


class PollSchedule:
    """Poll delays: quick for the first 0.3 s, then backing off to 1 s; a server hint wins.

    With zero-latency servers most responses finish before the first poll, so the first one
    comes after 20 ms and the gaps stay at most 50 ms until 0.3 s: a run that ends in that
    time is noticed within 60 ms. After that the gaps grow so that a run longer than 2 s is
    polled at most 5 times per second of its run time on average, and about once a second
    after a few seconds (benchmarks/run.py measures both).
    """

    # 50 ms gaps leave room for the poll request itself within the 60 ms promise.
    STEPS = (0.02, 0.04, *(0.05,) * 5, 0.34, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 1.0)

    def __init__(self, sleep: Callable[[float], None]) -> None:
        self._sleep = sleep
        self._n = 0

    def reset(self) -> None:
        """Start from the quick end again (after submitting tool outputs)."""
        self._n = 0

    def next_delay(self, headers: Mapping[str, str] | None = None) -> float:
        """The delay before the next poll, honouring `openai-poll-after-ms` when present."""
        hint = (headers or {}).get("openai-poll-after-ms")
        if hint is not None:
            try:
                # A server asking for a day's pause (or a minute) must not hold the turn.
                return min(MAX_POLL_HINT_S, max(0.0, int(hint) / 1000))
            except ValueError:
                pass
        delay = self.STEPS[min(self._n, len(self.STEPS) - 1)]
        self._n += 1
        return delay

    def wait(self, headers: Mapping[str, str] | None = None) -> None:
        """Sleep for the next delay."""
        self._sleep(self.next_delay(headers))
