"""The HTTP client under the SDK: an overall deadline per request, and fast, named failures.

httpx timeouts are per operation: a server that trickles a byte every half second (headers
or body), or streams without end, never trips a read timeout, so WEATHERBOT_API_TIMEOUT is
enforced here as the limit on one whole request: every socket read and write of the request
gets at most the time left until its deadline. The SDK retries every connection error and
timeout twice with a back-off (a refused connection took 3-5 s, a silent server 186 s); a
server that is not there or does not answer will not be there a second later, so those are
raised as openai errors, which the SDK passes on without retrying. 429s, 5xx and connections
reset mid-request are still retried by the SDK.

Imported only by `openai_client.make_client`, after the SDK.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore2
import httpx2
import openai

from weatherbot.redaction import redact, shortened

# A server asking to wait longer than this before a retry gets no retry: the user hears it now.
MAX_RETRY_WAIT_S = 5.0

# The deadline of the request this thread is sending or reading (the SDK is synchronous).
_current = threading.local()


def _time_left(timeout: float | None) -> float | None:
    deadline: float | None = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = max(0.001, deadline - time.monotonic())
    return left if timeout is None else min(timeout, left)


class _BoundedNetworkStream(httpcore2.NetworkStream):
    """A connection whose reads and writes wait no longer than the request's time left."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._inner.read(max_bytes, _time_left(timeout))
        _current.received = True
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        return _BoundedNetworkStream(
            self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundedBackend(httpcore2.NetworkBackend):
    """httpcore's network backend, with every connection bounded by the request's deadline."""

    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        return _BoundedNetworkStream(
            self._inner.connect_tcp(host, port, _time_left(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        return _BoundedNetworkStream(
            self._inner.connect_unix_socket(path, _time_left(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bounded_transport(**kwargs: Any) -> httpx2.HTTPTransport:
    """httpx's transport with its connection pool on the bounded network backend.

    httpx does not take a network backend, its pool (httpcore) does: set it there. If a
    release renames these attributes the transport still works, only without the bound, and
    tests/test_faults_stream.py fails on a trickling server.
    """
    transport = httpx2.HTTPTransport(**kwargs)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if pool is not None and backend is not None:
        pool._network_backend = _BoundedBackend(backend)
    return transport


def retry_wait(response: httpx2.Response) -> float | None:
    """The wait a 429/5xx reply asks for in seconds (retry-after-ms or retry-after), if any."""
    for header, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return float(response.headers[header]) / scale
        except (KeyError, ValueError):
            continue
    return None


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
    text = redact(str(exc)).strip()
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
        start = " ".join(shortened(text, 4096).split())[:40]
        return f"{ctype} ({start!r})"
    except RecursionError:
        # Not a ValueError: a reply nested 100,000 deep is not the API either.
        return "JSON nested too deep to read"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}"
    return None


class _BoundedStream(httpx2.SyncByteStream):
    """A response body that ends at its deadline (DeadlinePassed); bad UTF-8 in events repaired."""

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
        chunks = iter(self._inner)
        while True:
            with _deadline(self._deadline):
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                except httpx2.ReadTimeout as exc:
                    # The headers came, so the server answered; it did not finish in time.
                    raise DeadlinePassed(self._request, self._budget) from exc
            if self._clock() > self._deadline:
                raise DeadlinePassed(self._request, self._budget)
            yield chunk if repair is None else repair.decode(chunk).encode("utf-8")
        if repair is not None:
            yield repair.decode(b"", final=True).encode("utf-8")

    def close(self) -> None:
        """Close the connection's body."""
        self._inner.close()


@contextlib.contextmanager
def _deadline(at: float) -> Iterator[None]:
    """This thread's request deadline for a block (the previous one is restored after)."""
    saved = (getattr(_current, "deadline", None), getattr(_current, "received", False))
    _current.deadline, _current.received = at, False
    try:
        yield
    finally:
        _current.deadline, _current.received = saved


def _timed_out(request: httpx2.Request, budget: float) -> Exception:
    """A read that timed out inside `_deadline`: bytes were trickling in, or none came."""
    if getattr(_current, "received", False):
        return DeadlinePassed(request, budget)
    return Silent(request, budget)


class DeadlineClient(httpx2.Client):
    """An httpx client whose requests end within `budget` seconds, headers and body together."""

    def __init__(
        self, budget: float, clock: Callable[[], float] = time.monotonic, **kwargs: Any
    ) -> None:
        # The SDK's own defaults (connection limits, redirects), as its internal client has.
        kwargs.setdefault("follow_redirects", True)
        kwargs.setdefault("transport", bounded_transport(limits=openai.DEFAULT_CONNECTION_LIMITS))
        super().__init__(**kwargs)
        self._budget = budget
        self._clock = clock

    def send(self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any) -> Any:
        """Send `request`; fail at once, without the SDK's retries, if nobody is there."""
        deadline = self._clock() + self._budget
        with _deadline(deadline):
            try:
                response = super().send(request, stream=True, **kwargs)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
                raise Unreachable(request, _reason(exc)) from exc
            except httpx2.TimeoutException as exc:
                raise _timed_out(request, self._budget) from exc
        wait = retry_wait(response)
        if wait is not None and wait > MAX_RETRY_WAIT_S:
            # The SDK would sleep up to a minute per retry, silently; say it at once instead
            # (the SDK reads this header as the server's "do not retry").
            response.headers["x-should-retry"] = "false"
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
