"""HTTP for providers: one pooled client per provider, identifying User-Agent, retries, cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from weatherbot import __version__
from weatherbot.errors import ProviderError
from weatherbot.providers.cache import DiskCache

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 3
MAX_RETRY_AFTER_S = 10.0

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def user_agent(contact: str | None = None) -> str:
    """`weatherbot/0.1.0 (+https://github.com/weatherbot/weatherbot; contact)`."""
    tail = "+https://github.com/weatherbot/weatherbot" + (f"; {contact}" if contact else "")
    return f"weatherbot/{__version__} ({tail})"


def _client(user_agent_text: str) -> Any:
    # One connection pool per process and User-Agent, reused across questions in `chat`.
    import httpx2

    with _clients_lock:
        client = _clients.get(user_agent_text)
        if client is None:
            client = httpx2.Client(
                headers={"User-Agent": user_agent_text, "Accept-Encoding": "gzip"},
                timeout=httpx2.Timeout(15.0, connect=5.0),
                follow_redirects=True,
            )
            _clients[user_agent_text] = client
        return client


class HttpClient:
    """GET JSON with retries and backoff, mapping failures to ProviderError codes."""

    def __init__(
        self,
        title: str,
        cache: DiskCache | None,
        *,
        contact: str | None = None,
        refresh: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.title = title
        self.cache = cache
        self.refresh = refresh
        self._sleep = sleep
        self._ua = user_agent(contact)

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any],
        ttl_s: float,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, float | None]:
        """(parsed JSON, cache age in seconds or None when fetched now)."""
        key = url + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params))
        if self.cache is not None and not self.refresh:
            hit = self.cache.get(key, ttl_s)
            if hit is not None:
                return hit[0], hit[1]
        data = self._fetch(url, params, headers or {})
        if self.cache is not None:
            self.cache.put(key, data)
        return data, None

    def _fetch(self, url: str, params: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
        import httpx2

        client = _client(self._ua)
        delay = 0.5
        for attempt in range(1, MAX_ATTEMPTS + 1):
            last_try = attempt == MAX_ATTEMPTS
            try:
                response = client.get(url, params=dict(params), headers=dict(headers))
            except httpx2.TimeoutException as exc:
                if last_try:
                    raise ProviderError(
                        "timeout", f"{self.title} did not answer in time", hint="try again later"
                    ) from exc
            except httpx2.HTTPError as exc:
                if last_try:
                    raise ProviderError(
                        "unavailable",
                        f"cannot reach {self.title}",
                        hint="check your network, or use --offline",
                    ) from exc
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise ProviderError(
                            "bad_data", f"{self.title} sent a malformed response"
                        ) from exc
                if response.status_code not in RETRY_STATUSES or last_try:
                    raise _status_error(self.title, response)
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None:
                    delay = retry_after
            self._sleep(delay)
            delay = min(delay * 2, 4.0)
        raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return None


def _reason(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("reason", "detail", "title", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    return ""


def _status_error(title: str, response: Any) -> ProviderError:
    status = response.status_code
    reason = _reason(response)
    detail = f": {reason}" if reason else ""
    if status == 429:
        return ProviderError(
            "rate_limited", f"{title} is rate limiting requests (HTTP 429){detail}",
            hint="wait a minute and try again",
        )  # fmt: skip
    if status >= 500:
        return ProviderError("upstream_error", f"{title} failed (HTTP {status}){detail}")
    if status in (401, 403):
        return ProviderError(
            "unauthorized", f"{title} refused the request (HTTP {status}){detail}",
            hint="check the provider's API key",
        )  # fmt: skip
    if status == 404:
        return ProviderError("not_covered", f"{title} has no data for this place{detail}")
    return ProviderError("bad_request", f"{title} rejected the request (HTTP {status}){detail}")
