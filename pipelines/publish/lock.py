"""One aggregation at a time per catalogue folder: an advisory lock held for the whole run.

The operating system releases the lock when the holding process ends, so a crashed run never
leaves the catalogue locked.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path


class CatalogueBusy(RuntimeError):
    """Another run holds the catalogue folder."""


class CatalogueLock:
    def __init__(self, catalogue_dir: Path) -> None:
        self.path = Path(catalogue_dir) / ".lock"
        self._handle = None

    def acquire(self, holder: str) -> None:
        """Take the lock or raise CatalogueBusy naming who holds it; never waits."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            current = handle.read().strip() or "another process"
            handle.close()
            raise CatalogueBusy(
                f"the catalogue at {self.path.parent} is being written by {current}; "
                "this run stops without changing anything (try again when that run has finished)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"{holder} (pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC)"
        )
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> CatalogueLock:
        self.acquire("a command-line run")
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
