"""A real S3 API (moto's standalone server) behind a small proxy that counts and breaks requests."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """Start ``moto_server`` on 127.0.0.1 and wait until it answers."""
    port = free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto_server did not start within 30 s")


@dataclass(frozen=True)
class Seen:
    """One request as the proxy saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int

    @property
    def key(self) -> str:
        """The object key (without the bucket) for path-style requests."""
        parts = self.path.lstrip("/").split("/", 1)
        return parts[1] if len(parts) > 1 else ""


@dataclass
class Fault:
    """Answer ``status`` (or drop the connection when 0) to matching requests, ``times`` times."""

    matches: Callable[[str, str], bool]
    status: int = 500
    times: int = 1


@dataclass
class ProxyState:
    upstream: str
    seen: list[Seen] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    put_delay: float = 0.0  # seconds each PUT waits, to make a publish slow enough to interrupt
    delay: float = 0.0
    """Seconds every request waits before it is forwarded, as over a distant network (kept by
    ``reset``)."""
    in_flight: int = 0
    peak: int = 0
    """The most requests the proxy held at once since the last ``reset``."""

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()
            self.faults.clear()
            self.put_delay = 0.0
            self.peak = 0

    def _enter(self, step: int) -> None:
        with self.lock:
            self.in_flight += step
            self.peak = max(self.peak, self.in_flight)

    def count(self, method: str, predicate: Callable[[Seen], bool] = lambda s: True) -> int:
        with self.lock:
            return sum(1 for s in self.seen if s.method == method and predicate(s))

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: ProxyState

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _forward(self) -> None:
        self.state._enter(1)
        try:
            self._forward_counted()
        finally:
            self.state._enter(-1)

    def _forward_counted(self) -> None:
        body = self._body()
        # Decided on arrival: a request held below meets the faults of the moment it was sent.
        fault = self.state.take_fault(self.command, self.path)
        if self.command == "PUT" and self.state.put_delay:
            time.sleep(self.state.put_delay)
        if self.state.delay:
            time.sleep(self.state.delay)
        path, _, query = self.path.partition("?")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if fault is not None and fault.status == 0:
            self._record(path, query, headers, 0)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None:
            self._record(path, query, headers, fault.status)
            payload = b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"
            self.send_response(fault.status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        upstream = urlsplit(self.state.upstream)
        assert upstream.hostname is not None, self.state.upstream
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        headers["Content-Length"] = str(len(body))
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        self._record(path, query, headers, response.status)
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        # A HEAD answer states the object's length without a body.
        length = response.getheader("Content-Length") if self.command == "HEAD" else None
        self.send_header("Content-Length", length or str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        connection.close()

    def _record(self, path: str, query: str, headers: dict[str, str], status: int) -> None:
        with self.state.lock:
            self.state.seen.append(Seen(self.command, path, query, headers, status))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # dozens of uploads connect at once; the default backlog is 5


def start_proxy(upstream: str, delay: float = 0.0) -> tuple[ThreadingHTTPServer, ProxyState, str]:
    """A counting proxy in front of ``upstream``; each request waits ``delay`` seconds first."""
    state = ProxyState(upstream, delay=delay)
    handler = type("Handler", (_ProxyHandler,), {"state": state})
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, f"http://127.0.0.1:{server.server_port}"
