"""How FeedClient refuses a response far over its size limit (a script, not a test).

    .venv/bin/python bench/refuse_large_response.py [--gib 2] [--case declared|chunked|both]

A server thread on 127.0.0.1 answers with a body of --gib GiB (default 2) generated on the fly,
1 MiB at a time: never held in memory by the server. It is fetched with FeedClient and the default
FetchLimits (max_bytes 256 MiB), once with a Content-Length and once chunked without one. For
each it prints the error, the seconds, the bytes the server managed to send before the client
stopped (whole 1 MiB writes handed to the kernel: what sat in socket buffers counts as sent, a
write cut short does not), and the process's peak memory (ru_maxrss) before and after. ru_maxrss
is a high-water mark for the whole process (server thread included), so the declared case runs
first; --case runs one alone.
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from connectors.http import FeedClient, FeedError, FetchLimits

MIB = 1024 * 1024


def chunks(total: int) -> Iterator[bytes]:
    """The body, 1 MiB at a time, each chunk made when it is needed."""
    sent = 0
    while sent < total:
        size = min(MIB, total - sent)
        yield b"x" * size
        sent += size


class LargeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, total: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.total = total
        self.sent: dict[str, int] = {}
        self.done: dict[str, threading.Event] = {}

    def url(self, path: str) -> str:
        self.done[path] = threading.Event()
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: LargeServer
    protocol_version = "HTTP/1.1"  # chunked transfer

    def do_GET(self) -> None:
        declared = self.path == "/declared"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if declared:
            self.send_header("Content-Length", str(self.server.total))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        try:
            for chunk in chunks(self.server.total):
                if declared:
                    self.wfile.write(chunk)
                else:
                    self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sent += len(chunk)
            if not declared:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up
        finally:
            self.server.sent[self.path] = sent
            self.server.done[self.path].set()

    def log_message(self, *args) -> None:
        pass


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_case(server: LargeServer, client: FeedClient, path: str, label: str) -> None:
    url = server.url(path)
    before = peak_mib()
    started = time.monotonic()
    try:
        document = client.fetch(url)
        outcome = f"NOT REFUSED: {len(document.body or b'')} bytes read"
    except FeedError as exc:
        outcome = str(exc)
    seconds = time.monotonic() - started
    finished = server.done[path].wait(30)
    after = peak_mib()
    sent = server.sent.get(path, -1)
    print(f"{label}")
    print(f"  error:       {outcome}")
    print(f"  seconds:     {seconds:.2f}")
    print(
        f"  server sent: {sent:,} bytes ({sent / MIB:.1f} MiB) of {server.total:,}"
        + ("" if finished else " (server still sending after 30 s)")
    )
    print(f"  peak memory: {before:.1f} MiB before, {after:.1f} MiB after (ru_maxrss)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="size of the response in GiB")
    parser.add_argument("--case", choices=["declared", "chunked", "both"], default="both")
    args = parser.parse_args(argv)
    total = int(args.gib * 1024 * MIB)

    server = LargeServer(total)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    client = FeedClient()  # default RetryPolicy and FetchLimits
    limits = FetchLimits()
    print(
        f"Python {sys.version.split()[0]}; response of {total:,} bytes; max_bytes "
        f"{limits.max_bytes:,} ({limits.max_bytes / MIB:.0f} MiB), chunk_bytes "
        f"{limits.chunk_bytes:,}; peak memory at start {peak_mib():.1f} MiB"
    )
    try:
        if args.case in ("declared", "both"):
            run_case(server, client, "/declared", f"With Content-Length: {total}")
        if args.case in ("chunked", "both"):
            run_case(server, client, "/chunked", "Chunked, no Content-Length")
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


if __name__ == "__main__":
    main()
