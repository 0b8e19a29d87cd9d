"""A small HTTP-aware TCP proxy that injects faults and shapes the link, for sync tests.

It sits between the real sync client and the real server on loopback, reads each HTTP/1.1
request and response whole (Content-Length or chunked), and per request decides what happens:

- ``drop_before``: close the connection without forwarding (the server never sees it);
- ``drop_after``: forward, read the server's answer, then close without sending it (the server
  committed, the client never learns);
- ``truncate``: send only a part of the answer, then close (dropped mid-response);
- ``respond``: answer itself (a 500, a 429 with ``Retry-After``) without asking the server;
- ``delay``: hold the answer back for ``seconds``;
- ``call``: run a callback (say, expire tokens on the server), then forward normally.

A ``Link`` shapes traffic like a mobile connection: half the round-trip time each way per
message and a shared bandwidth per direction. Every byte through the proxy is counted, headers
included, which is what the benchmark reports as bytes on the wire.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

CHUNK = 16 * 1024


@dataclass
class Link:
    """A shaped link: ``rtt`` seconds, bandwidth in bits per second each way."""

    rtt: float = 0.0
    down_bps: float | None = None
    up_bps: float | None = None


class _Pipe:
    """A shared bandwidth budget: chunks queue behind each other like on one radio link."""

    def __init__(self, bps: float | None) -> None:
        self.bps = bps
        self.lock = threading.Lock()
        self.free_at = 0.0

    def send(self, sock: socket.socket, data: bytes) -> None:
        if not self.bps:
            sock.sendall(data)
            return
        for start in range(0, len(data), CHUNK):
            piece = data[start : start + CHUNK]
            with self.lock:
                begin = max(time.monotonic(), self.free_at)
                self.free_at = begin + len(piece) * 8 / self.bps
                done = self.free_at
            delay = done - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sock.sendall(piece)


@dataclass
class Fault:
    """What to do with matching requests: after ``skip`` of them pass, ``times`` are hit."""

    action: str  # drop_before | drop_after | truncate | respond | delay | call
    path: str = "/"  # prefix of the request path
    method: str | None = None
    skip: int = 0
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"error":{"code":"internal_error","message":"Storing.","details":null}}'
    fraction: float = 0.5  # truncate: the share of the answer's bytes that get through
    seconds: float = 0.0  # delay
    fn: Callable[[Request], None] | None = None  # call
    min_bytes: int = 0  # only requests at least this large (headers and body) match
    seen: int = 0
    hit: int = 0

    def matches(self, request: Request) -> bool:
        if self.method is not None and request.method != self.method:
            return False
        if not request.path.startswith(self.path) or len(request.raw) < self.min_bytes:
            return False
        self.seen += 1
        if self.seen <= self.skip or self.hit >= self.times:
            return False
        self.hit += 1
        return True


@dataclass
class Request:
    method: str
    target: str
    raw: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


@dataclass
class Exchange:
    """One request through the proxy, for assertions."""

    method: str
    target: str
    status: int | None
    up_bytes: int
    down_bytes: int
    fault: str | None
    started: float
    finished: float

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


class _Closed(Exception):
    pass


def _read_until(sock: socket.socket, buffer: bytearray, marker: bytes) -> int:
    while True:
        found = buffer.find(marker)
        if found >= 0:
            return found
        data = sock.recv(65536)
        if not data:
            raise _Closed()
        buffer.extend(data)


def _read_exactly(sock: socket.socket, buffer: bytearray, size: int) -> None:
    while len(buffer) < size:
        data = sock.recv(max(65536, size - len(buffer)))
        if not data:
            raise _Closed()
        buffer.extend(data)


def _read_message(sock: socket.socket, buffer: bytearray, *, response: bool) -> bytes:
    """One HTTP/1.1 message from ``sock`` (leftover bytes stay in ``buffer``)."""
    end = _read_until(sock, buffer, b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            name, value = line.split(b":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        position = end
        while True:
            del_at = _read_until_from(sock, buffer, b"\r\n", position)
            size = int(bytes(buffer[position:del_at]).split(b";")[0], 16)
            position = del_at + 2
            _read_exactly(sock, buffer, position + size + 2)
            position += size + 2
            if size == 0:
                break
        total = position
    else:
        length = int(headers.get(b"content-length", b"0") or 0)
        if response and head.split(b" ", 2)[1] in (b"204", b"304"):
            length = 0
        total = end + length
        _read_exactly(sock, buffer, total)
    message = bytes(buffer[:total])
    del buffer[:total]
    return message


def _read_until_from(sock: socket.socket, buffer: bytearray, marker: bytes, start: int) -> int:
    while True:
        found = buffer.find(marker, start)
        if found >= 0:
            return found
        data = sock.recv(65536)
        if not data:
            raise _Closed()
        buffer.extend(data)


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def synthetic_response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    reason = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    lines = [f"HTTP/1.1 {status} {reason.get(status, 'Error')}"]
    merged = {"content-type": "application/json", "content-length": str(len(body))}
    merged.update({k.lower(): v for k, v in headers.items()})
    lines += [f"{name}: {value}" for name, value in merged.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class FaultProxy:
    """Forwards 127.0.0.1:<port> to ``upstream``; see the module docstring."""

    def __init__(self, upstream: str, *, link: Link | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.link = link or Link()
        self.faults: list[Fault] = []
        self.log: list[Exchange] = []
        self.bytes_up = 0
        self.bytes_down = 0
        self._lock = threading.Lock()
        # Requests read but not yet logged. A client can have its whole answer (and its test
        # move on) a moment before the proxy's thread logs the exchange; readers wait for this
        # to reach zero so that they never miss, or clear too early, the last exchange.
        self._in_flight = 0
        self._settled = threading.Condition(self._lock)
        self._up = _Pipe(self.link.up_bps)
        self._down = _Pipe(self.link.down_bps)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.close()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def reset_counters(self) -> None:
        with self._lock:
            self._wait_settled()
            self.log.clear()
            self.bytes_up = self.bytes_down = 0

    def requests(self, path: str = "/") -> list[Exchange]:
        with self._lock:
            self._wait_settled()
            return [e for e in self.log if e.path.startswith(path)]

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every request the proxy has read is in the log and the byte counts."""
        with self._lock:
            self._wait_settled(timeout)

    def _wait_settled(self, timeout: float = 10.0) -> None:
        # Called with the lock held. A request held back on purpose (a ``delay`` fault, a slow
        # link) still settles within its own time; the timeout only guards a hung test.
        if not self._settled.wait_for(lambda: self._in_flight == 0, timeout):
            raise TimeoutError(f"{self._in_flight} request(s) still in flight through the proxy")

    # --- plumbing ------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _fault_for(self, request: Request) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(request):
                    return fault
        return None

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.log.append(exchange)
            self.bytes_up += exchange.up_bytes
            self.bytes_down += exchange.down_bytes

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        link = _Upstream()
        inbox = bytearray()
        try:
            while not self._stopping.is_set():
                try:
                    raw = _read_message(client, inbox, response=False)
                except (_Closed, OSError):
                    return
                with self._lock:
                    self._in_flight += 1
                try:
                    keep_open = self._exchange(client, link, raw)
                finally:
                    with self._lock:
                        self._in_flight -= 1
                        self._settled.notify_all()
                if not keep_open:
                    return
        finally:
            for sock in (client, link.sock):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    with contextlib.suppress(OSError):
                        sock.close()
                    with self._lock:
                        self._sockets.discard(sock)

    def _exchange(self, client: socket.socket, link: _Upstream, raw: bytes) -> bool:
        """Handle one request; False when the client connection is to be closed."""
        line = raw.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        request = Request(method=line[0], target=line[1], raw=raw)
        started = time.monotonic()
        fault = self._fault_for(request)
        action = fault.action if fault else None
        exchange = Exchange(
            request.method, request.target, None, len(raw), 0, action, started, started
        )

        def finish(down_bytes: int = 0) -> None:
            exchange.down_bytes = down_bytes
            exchange.finished = time.monotonic()
            self._record(exchange)

        if fault is not None and fault.action == "call" and fault.fn is not None:
            fault.fn(request)
        if action == "drop_before":
            finish()
            return False
        if self.link.rtt:
            time.sleep(self.link.rtt / 2)
        if action == "respond":
            assert fault is not None
            response = synthetic_response(fault.status, fault.headers, fault.body)
        else:
            if link.sock is None:
                link.sock = socket.create_connection(self.upstream)
                link.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._track(link.sock)
                link.replies = bytearray()
            self._up.send(link.sock, raw)
            try:
                response = _read_message(link.sock, link.replies, response=True)
            except (_Closed, OSError):
                finish()
                return False
        exchange.status = _status(response)
        if action == "drop_after":
            finish()
            return False
        if action == "delay":
            assert fault is not None
            time.sleep(fault.seconds)
        if self.link.rtt:
            time.sleep(self.link.rtt / 2)
        if action == "truncate":
            assert fault is not None
            part = response[: max(1, int(len(response) * fault.fraction))]
            with contextlib.suppress(OSError):
                self._down.send(client, part)
            finish(len(part))
            return False
        try:
            self._down.send(client, response)
        except OSError:  # the client gave up waiting
            finish()
            return False
        finish(len(response))
        return b"\r\nconnection: close" not in response.split(b"\r\n\r\n", 1)[0].lower()


@dataclass
class _Upstream:
    """One client connection's own connection to the server, opened at its first forward."""

    sock: socket.socket | None = None
    replies: bytearray = field(default_factory=bytearray)
