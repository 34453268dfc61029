"""A tiny threaded HTTP server on 127.0.0.1 for fakes: routes, JSON, SSE, request log, faults."""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Response:
    """What a handler returns: JSON (`body`), raw bytes, or an SSE stream (`events`)."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # SSE: an iterable of (event name or None, data); sent as they are produced. Data that is
    # bytes goes out as is (invalid UTF-8 in a stream); an endless iterable is an endless stream.
    events: Iterable[tuple[str | None, str | bytes]] | None = None
    # Fault: the stream breaks after this many SSE events; `cut` says how.
    drop_after: int | None = None
    # "mid-chunk": half of the next event is sent, then the connection closes (a dropped
    # Wi-Fi or a proxy timeout: httpx raises RemoteProtocolError); "boundary": the connection
    # closes between events without the terminating chunk; "clean": the body ends properly,
    # just without the rest of the events (a server that forgets its terminal event).
    cut: str = "mid-chunk"
    # Fault: send the body (JSON, raw or SSE) one byte at a time, this many seconds apart.
    trickle: float | None = None
    # Fault: these bytes are the whole reply, status line and headers included (trickled with
    # `trickle`; an endless iterable never finishes its headers).
    raw_reply: bytes | Iterable[bytes] | None = None
    # Fault: reset the connection (TCP RST) without sending a byte of the response.
    reset: bool = False
    # Fault: never answer (until the server stops); the client's read timeout must fire.
    hang: bool = False


Handler = Callable[[Request], Response]


def sse(event: str | None, data: Any) -> tuple[str | None, str]:
    """One SSE event; `data` is JSON-encoded unless already a string."""
    return event, data if isinstance(data, str) else json.dumps(data)


class FakeServer:
    """Register routes with `route`, then `start()`; `base_url` points at it."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Faults queued per (method, path regex): a list of Responses served before the route.
        self._faults: list[tuple[str, re.Pattern[str], Response]] = []
        # Applied to every Response before it is sent: a test changes how replies misbehave
        # (cut mode, extra events) without replacing the routes.
        self.rewrites: list[Callable[[Response], None]] = []
        # Set by stop(): releases handlers stuck in a `hang` fault.
        self._released = threading.Event()

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler

        return register

    def inject(self, method: str, pattern: str, response: Response, times: int = 1) -> None:
        """Serve `response` instead of the route for the next `times` matching requests."""
        with self._lock:
            for _ in range(times):
                self._faults.append((method, re.compile(f"^{pattern}$"), response))

    def count(self, method: str | None = None, pattern: str = ".*") -> int:
        """How many requests matched a method and path pattern."""
        rx = re.compile(f"^{pattern}$")
        return sum(
            1 for r in self.requests if (method is None or r.method == method) and rx.match(r.path)
        )

    def _dispatch(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            for i, (method, rx, response) in enumerate(self._faults):
                if method == request.method and rx.match(request.path):
                    del self._faults[i]
                    return response
        for method, rx, handler in self._routes:
            match = rx.match(request.path)
            if method == request.method and match:
                request.params = match.groupdict()
                return handler(request)
        return Response(404, {"error": {"message": f"no route {request.method} {request.path}"}})

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start() first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, each request stalls 40 ms.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                request = Request(
                    self.command,
                    parts.path,
                    query,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                response = fake._dispatch(request)
                for rewrite in fake.rewrites:
                    rewrite(response)
                if response.hang:
                    fake._released.wait(timeout=60)
                if response.reset or response.hang:
                    # SO_LINGER 0: closing sends RST, as a crashed proxy or server would.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                if response.raw_reply is not None:
                    self.close_connection = True
                    parts = [response.raw_reply] if isinstance(response.raw_reply, bytes) else None
                    try:
                        for part in parts or response.raw_reply:
                            self._write(part, response.trickle)
                            if fake._released.is_set():
                                return
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if response.events is not None:
                    self._send_sse(response)
                    return
                if response.raw is not None:
                    payload = response.raw
                    ctype = "application/octet-stream"
                else:
                    payload = json.dumps(response.body).encode()
                    ctype = "application/json"
                self.send_response(response.status)
                self.send_header("Content-Type", response.headers.pop("Content-Type", ctype))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self._write(payload, response.trickle)

            def _write(self, data: bytes, trickle: float | None) -> None:
                if trickle is None:
                    self.wfile.write(data)
                    self.wfile.flush()
                    return
                for i in range(len(data)):
                    if fake._released.wait(trickle):
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()

            def _send_sse(self, response: Response) -> None:
                # Chunked, as real servers send SSE: a cut is then visible to the client.
                self.send_response(response.status)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.close_connection = True
                assert response.events is not None
                try:
                    for n, (event, data) in enumerate(_iterate(response.events)):
                        body = data if isinstance(data, bytes) else data.encode()
                        chunk = (f"event: {event}\n" if event else "").encode()
                        chunk += b"data: " + body + b"\n\n"
                        if response.drop_after is not None and n >= response.drop_after:
                            if response.cut == "mid-chunk":
                                half = chunk[: max(1, len(chunk) // 2)]
                                self.wfile.write(f"{len(chunk):x}\r\n".encode() + half)
                                self.wfile.flush()
                            elif response.cut == "clean":
                                self.wfile.write(b"0\r\n\r\n")
                            return
                        self._write(
                            f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n", response.trickle
                        )
                        if fake._released.is_set():
                            return
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    return

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        # A short poll interval: stop() waits up to one interval for the serving thread.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._released.clear()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _iterate(
    events: Iterable[tuple[str | None, str | bytes]],
) -> Iterator[tuple[str | None, str | bytes]]:
    yield from events
