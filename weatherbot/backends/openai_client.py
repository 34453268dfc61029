"""The openai client for the API backends and the poll schedule (errors: api_errors.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from weatherbot import __version__
from weatherbot.backends import sdk_import
from weatherbot.errors import ConfigError
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
            hint="set OPENAI_API_KEY in the environment or in .env, or use --backend offline",
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
