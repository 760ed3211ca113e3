"""Servers for tests that HTTP libraries will not be: a raw socket server whose routes write
on the socket themselves (a reset, a trickle, silence). Everything listens on 127.0.0.1."""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator


def http_head(content_length: int | None, content_type: str | None = "application/json") -> bytes:
    lines = ["HTTP/1.1 200 OK", "Connection: close"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class RawServer(socketserver.ThreadingTCPServer):
    """Answers each path with a behaviour written on the socket itself. Handler threads are
    joined by server_close(); `stop` ends every wait at once."""

    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RawHandler)
        self.stop = threading.Event()
        self.routes: dict[str, Callable[[socket.socket, RawServer], None]] = {}
        self.hits: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # body bytes the trickle managed to send
        self.lock = threading.Lock()

    def route(self, path: str, behaviour: Callable[[socket.socket, RawServer], None]) -> str:
        self.routes[path] = behaviour
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def client_gone(self, conn: socket.socket, seconds: float) -> None:
        """Wait until the client closes the connection (or `seconds`, or the test ends)."""
        until = time.monotonic() + seconds
        while not self.stop.is_set() and time.monotonic() < until:
            readable, _, _ = select.select([conn], [], [], 0.05)
            if readable:
                try:
                    if not conn.recv(4096):
                        return
                except OSError:
                    return


class _RawHandler(socketserver.BaseRequestHandler):
    server: RawServer

    def handle(self) -> None:
        conn = self.request
        conn.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            data = conn.recv(4096)
            if not data:
                return
            head += data
        path = head.split(b" ", 2)[1].decode()
        with self.server.lock:
            self.server.hits[path] += 1
        self.server.routes[path](conn, self.server)


@contextlib.contextmanager
def raw_server() -> Iterator[RawServer]:
    """A RawServer serving until the block ends; then every wait ends and threads are joined."""
    server = RawServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()  # joins the handler threads
        thread.join(5)
