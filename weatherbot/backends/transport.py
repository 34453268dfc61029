"""The HTTP client under the SDK: an overall deadline per request, and fast, named failures.

httpx timeouts are per operation: a server that trickles a byte every half second, or streams
without end, never trips a read timeout, so WEATHERBOT_API_TIMEOUT is enforced here as the
limit on one whole request (headers and body). The SDK retries every connection error and
timeout twice with a back-off (a refused connection took 3-5 s, a silent server 186 s); a
server that is not there or does not answer will not be there a second later, so those are
raised as openai errors, which the SDK passes on without retrying. 429s, 5xx and connections
reset mid-request are still retried by the SDK.

Imported only by `openai_client.make_client`, after the SDK.
"""

from __future__ import annotations

import codecs
import errno
import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import openai


def origin(request: httpx2.Request) -> str:
    """Scheme, host and port of a request's URL: the server the user configured."""
    url = request.url
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


def _reason(exc: BaseException) -> str:
    """Why a connection could not be made, in a few words."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return "the host name does not resolve"
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "connection refused"
        if isinstance(cause, TimeoutError | httpx2.ConnectTimeout):
            return "no answer to the connection attempt"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip()
    return text.split("\n")[0][:120] if text else type(exc).__name__


class Unreachable(openai.APIConnectionError):
    """No connection could be made to the server (refused, unknown host, no answer)."""

    def __init__(self, request: httpx2.Request, reason: str) -> None:
        self.origin = origin(request)
        self.reason = reason
        super().__init__(message=f"cannot reach {self.origin}: {reason}", request=request)


class Silent(openai.APITimeoutError):
    """The server took the request but sent nothing for the whole timeout."""

    def __init__(self, request: httpx2.Request, seconds: float) -> None:
        self.origin = origin(request)
        self.seconds = seconds
        super().__init__(request=request)


class DeadlinePassed(openai.APITimeoutError):
    """The server was still sending when the request's overall deadline passed."""

    def __init__(self, request: httpx2.Request, seconds: float) -> None:
        self.origin = origin(request)
        self.seconds = seconds
        super().__init__(request=request)


class NotTheAPI(openai.APIError):
    """A success reply that is not the API's JSON (a proxy's HTML page, a wrong URL)."""

    def __init__(self, request: httpx2.Request, what: str) -> None:
        self.origin = origin(request)
        self.what = what
        super().__init__(
            f"{self.origin} answered with {what}, not a JSON object", request, body=None
        )


def _not_json_object(response: httpx2.Response) -> str | None:
    """What a success reply is instead of a JSON object, or None when it is one."""
    body = response.content
    ctype = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    if not body.strip():
        return "an empty body"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"bytes that are not UTF-8 ({ctype})"
    try:
        value = json.loads(text)
    except ValueError:
        # RecursionError is a RuntimeError: a reply nested 100,000 deep is not the API either.
        start = " ".join(text.split())[:40]
        return f"{ctype} ({start!r})"
    except RecursionError:
        return "JSON nested too deep to read"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}"
    return None


class _BoundedStream(httpx2.SyncByteStream):
    """A response body that stops at the deadline; a read timeout becomes `Silent`."""

    def __init__(
        self,
        inner: Any,
        request: httpx2.Request,
        deadline: float,
        budget: float,
        clock: Callable[[], float],
        events: bool,
    ) -> None:
        self._inner = inner
        self._events = events
        self._request = request
        self._deadline = deadline
        self._budget = budget
        self._clock = clock

    def __iter__(self) -> Iterator[bytes]:
        # The SDK decodes events strictly: one bad byte in a stream would end the answer.
        # Bad bytes become U+FFFD; a character split across chunks is kept whole.
        repair = codecs.getincrementaldecoder("utf-8")("replace") if self._events else None
        try:
            for chunk in self._inner:
                if self._clock() > self._deadline:
                    raise DeadlinePassed(self._request, self._budget)
                yield chunk if repair is None else repair.decode(chunk).encode("utf-8")
        except httpx2.ReadTimeout as exc:
            raise Silent(self._request, self._budget) from exc
        if repair is not None:
            yield repair.decode(b"", final=True).encode("utf-8")

    def close(self) -> None:
        """Close the connection's body."""
        self._inner.close()


class DeadlineClient(httpx2.Client):
    """An httpx client whose requests end within `budget` seconds, headers and body together."""

    def __init__(
        self, budget: float, clock: Callable[[], float] = time.monotonic, **kwargs: Any
    ) -> None:
        # The SDK's own defaults (connection limits, redirects), as its internal client has.
        kwargs.setdefault("limits", openai.DEFAULT_CONNECTION_LIMITS)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)
        self._budget = budget
        self._clock = clock

    def send(self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any) -> Any:
        """Send `request`; fail at once, without the SDK's retries, if nobody is there."""
        deadline = self._clock() + self._budget
        try:
            response = super().send(request, stream=True, **kwargs)
        except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
            raise Unreachable(request, _reason(exc)) from exc
        except httpx2.TimeoutException as exc:
            raise Silent(request, self._budget) from exc
        events = response.headers.get("content-type", "").startswith("text/event-stream")
        response.stream = _BoundedStream(
            response.stream, request, deadline, self._budget, self._clock, events
        )
        if not stream:
            try:
                response.read()
            except BaseException:
                response.close()
                raise
            # Every success reply of the API that is not a stream is a JSON object; anything
            # else (a captive portal, a proxy's error page) would fail deep in the SDK's models.
            if response.is_success:
                problem = _not_json_object(response)
                if problem is not None:
                    raise NotTheAPI(request, problem)
        return response
