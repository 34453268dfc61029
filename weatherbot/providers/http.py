"""HTTP for providers: one pooled client per provider, identifying User-Agent, retries."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from weatherbot import __version__
from weatherbot.errors import ProviderError
from weatherbot.text_safety import MESSAGE_MAX, plain_text

if TYPE_CHECKING:
    import httpx2

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 3
FIRST_DELAY_S = 0.5
MAX_RETRY_AFTER_S = 10.0
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 15.0
PROJECT_URL = "https://github.com/weatherbot/weatherbot"

Sleep = Callable[[float], None]
# A provider's own reading of an error response (its error object), or None for the generic one.
ErrorMapper = Callable[["httpx2.Response"], ProviderError | None]


@dataclass(frozen=True)
class Fetched:
    """A GET answer with the headers that matter for caching; `data` is None on 304."""

    data: Any
    not_modified: bool = False
    last_modified: str | None = None
    expires: str | None = None
    date: str | None = None


# One connection pool per provider and process, so `chat` reuses connections across questions.
_clients: dict[tuple[str, str], httpx2.Client] = {}
_clients_lock = threading.Lock()


def user_agent(contact: str | None = None) -> str:
    """`weatherbot/<version> (+https://github.com/weatherbot/weatherbot; <contact>)`."""
    tail = f"+{PROJECT_URL}" + (f"; {contact}" if contact else "")
    return f"weatherbot/{__version__} ({tail})"


def shared_client(provider: str, user_agent_text: str) -> httpx2.Client:
    """The process-wide pooled client for one provider (created on first use)."""
    # Imported here: the sample provider and `--help` never pay for the HTTP stack.
    import httpx2

    with _clients_lock:
        client = _clients.get((provider, user_agent_text))
        if client is None:
            client = httpx2.Client(
                headers={"User-Agent": user_agent_text, "Accept-Encoding": "gzip"},
                timeout=httpx2.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
                follow_redirects=True,
            )
            _clients[(provider, user_agent_text)] = client
        return client


class HttpClient:
    """GET JSON with retries and exponential backoff, mapping failures to ProviderError codes.

    `title` names the provider in messages ("Open-Meteo did not answer in time"); `client`
    replaces the shared pool (tests pass one with a mock transport).
    """

    def __init__(
        self,
        title: str,
        *,
        contact: str | None = None,
        sleep: Sleep = time.sleep,
        client: httpx2.Client | None = None,
        attempts: int = MAX_ATTEMPTS,
        timeout_s: float | None = None,
    ) -> None:
        self.title = title
        self.user_agent = user_agent(contact)
        self._sleep = sleep
        self._client = client
        # A status line must not hang a prompt: `now` asks once, briefly.
        self.attempts = max(1, attempts)
        self.timeout_s = timeout_s

    @property
    def client(self) -> httpx2.Client:
        """The underlying pooled client."""
        if self._client is None:
            self._client = shared_client(self.title, self.user_agent)
        return self._client

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
        on_error: ErrorMapper | None = None,
    ) -> Any:
        """The parsed JSON body of a successful GET; ProviderError otherwise.

        `on_error` lets a provider turn its own error bodies into a clearer ProviderError.
        """
        return _json_body(self.title, self._get(url, params, headers, on_error))

    def get_conditional(
        self,
        url: str,
        params: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
        if_modified_since: str | None = None,
        on_error: ErrorMapper | None = None,
    ) -> Fetched:
        """A GET that may be answered 304 (then `not_modified`, no data), with cache headers."""
        sent = dict(headers or {})
        if if_modified_since:
            sent["If-Modified-Since"] = if_modified_since
        response = self._get(url, params, sent, on_error)
        last_modified = response.headers.get("Last-Modified")
        expires = response.headers.get("Expires")
        served = response.headers.get("Date")
        if response.status_code == 304:
            return Fetched(None, True, last_modified or if_modified_since, expires, served)
        return Fetched(_json_body(self.title, response), False, last_modified, expires, served)

    def _get(
        self,
        url: str,
        params: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        on_error: ErrorMapper | None,
    ) -> httpx2.Response:
        import httpx2

        sent_headers = {"User-Agent": self.user_agent, **(headers or {})}
        delay = FIRST_DELAY_S
        timeout: Any = (
            httpx2.USE_CLIENT_DEFAULT
            if self.timeout_s is None
            else httpx2.Timeout(self.timeout_s, connect=min(self.timeout_s, CONNECT_TIMEOUT_S))
        )
        for attempt in range(1, self.attempts + 1):
            last_try = attempt == self.attempts
            wait = delay
            try:
                response = self.client.get(
                    url, params=dict(params), headers=sent_headers, timeout=timeout
                )
            except httpx2.TimeoutException as exc:
                if last_try:
                    raise ProviderError(
                        "timeout", f"{self.title} did not answer in time", hint="try again later"
                    ) from exc
            except httpx2.InvalidURL as exc:
                raise ProviderError(
                    "unavailable",
                    f"the {self.title} address {url!r} is not a valid URL",
                    hint="check the provider URL setting",
                ) from exc
            except httpx2.HTTPError as exc:
                if last_try:
                    raise ProviderError(
                        "unavailable",
                        f"cannot reach {self.title}",
                        hint="check your network connection, or use --offline",
                    ) from exc
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUSES or last_try:
                    mapped = on_error(response) if on_error is not None else None
                    raise mapped or status_error(self.title, response)
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None:
                    wait = retry_after
            self._sleep(wait)
            delay *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")


def _json_body(title: str, response: httpx2.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError) as exc:  # RecursionError: nested 100,000 deep
        raise ProviderError(
            "bad_data", f"{title} sent a malformed response", hint="try again later"
        ) from exc


def _retry_after(value: str | None) -> float | None:
    # Only the delay-seconds form; an HTTP-date falls back to our own backoff.
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _reason(response: httpx2.Response) -> str:
    """The provider's own one-line explanation (Open-Meteo's `reason`, NWS's `detail`, ...).

    Plain text, capped: it ends up in messages, notes and tool outputs, like any provider text.
    """
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return ""
    if not isinstance(body, dict):
        return ""
    for key in ("reason", "detail", "title", "message"):
        if isinstance(body.get(key), str):
            return plain_text(body[key], MESSAGE_MAX)
    error = body.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return plain_text(error["message"], MESSAGE_MAX)
    return ""


def status_error(title: str, response: httpx2.Response) -> ProviderError:
    """The ProviderError for an HTTP error status."""
    status = response.status_code
    reason = _reason(response)
    detail = f": {reason}" if reason else ""
    if status == 429:
        return ProviderError(
            "rate_limited",
            f"{title} is limiting requests (HTTP 429){detail}",
            hint="wait a minute and try again",
        )
    if status >= 500:
        return ProviderError(
            "upstream_error", f"{title} failed (HTTP {status}){detail}", hint="try again later"
        )
    if status in (401, 403):
        return ProviderError(
            "unauthorized",
            f"{title} refused the request (HTTP {status}){detail}",
            hint="check the provider's API key and User-Agent contact",
        )
    return ProviderError("bad_request", f"{title} rejected the request (HTTP {status}){detail}")
