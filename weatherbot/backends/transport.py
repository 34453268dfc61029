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

import errno
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


class _BoundedStream(httpx2.SyncByteStream):
    """A response body that stops at the deadline; a read timeout becomes `Silent`."""

    def __init__(
        self,
        inner: Any,
        request: httpx2.Request,
        deadline: float,
        budget: float,
        clock: Callable[[], float],
    ) -> None:
        self._inner = inner
        self._request = request
        self._deadline = deadline
        self._budget = budget
        self._clock = clock

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._inner:
                if self._clock() > self._deadline:
                    raise DeadlinePassed(self._request, self._budget)
                yield chunk
        except httpx2.ReadTimeout as exc:
            raise Silent(self._request, self._budget) from exc

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
        response.stream = _BoundedStream(
            response.stream, request, deadline, self._budget, self._clock
        )
        if not stream:
            try:
                response.read()
            except BaseException:
                response.close()
                raise
        return response
