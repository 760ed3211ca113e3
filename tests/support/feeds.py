"""The fixture feeds served over real HTTP on 127.0.0.1."""

import contextlib
import http.server
import shutil
import threading
from functools import partial
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@contextlib.contextmanager
def served_fixture_feeds(folder: Path):
    """The fixture feeds copied to `folder` and served on 127.0.0.1 (Last-Modified / 304
    included): yields the folder and the base URL; the server is stopped at the end."""
    shutil.copytree(FIXTURES / "feeds", folder, dirs_exist_ok=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
