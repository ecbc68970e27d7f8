"""One batch at a time per output folder: a lock file that records its owner's pid.

The lock is an advisory ``flock`` on ``DIR/.hw6-batch.lock``, so the kernel releases it when
its owner dies however it dies; the pid written into the file is for the message a second
batch prints. A lock file left by a dead process is simply taken over.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..kernel.errors import OutputError

LOCK_NAME = ".hw6-batch.lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[Path]:
    """Hold the batch lock of ``folder`` for the ``with`` block, or raise OutputError (exit 2)."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write output there ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputError(
                f"{folder}: busy: another hw6 batch (pid {owner}) is writing there; wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
        os.ftruncate(fd, 0)
    finally:
        os.close(fd)
