"""Reading untrusted text and CSV files, with the standard library only.

This is the one bounded reader behind every input file (parameters, options, answers, rosters,
class CSVs, manifests); :mod:`solver.io.files` re-exports it for the rest of hw6, and it lives
here because the grading package must import without PyYAML or anything else outside the
standard library. A file is refused before it is read when it is not a regular file (a FIFO
would block forever, ``/dev/zero`` never ends) or is larger than its limit, and the read itself
stops one byte past the limit in case the file grows meanwhile.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path


class InputRejected(ValueError):
    """An input file cannot be used; the message is one line naming the file.

    :class:`solver.kernel.errors.InputFileError` derives from it, so ``except InputRejected``
    catches both, and the CLI reports either as one line with exit code 2.
    """

    exit_code = 2


def _limit_text(max_bytes: int) -> str:
    return f"{max_bytes // 2**20} MiB" if max_bytes >= 2**20 else f"{max_bytes:,} bytes"


def read_bytes(
    path: str | os.PathLike, max_bytes: int, what: str = "a file", error: type[Exception] = InputRejected
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or ``error`` naming the file."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused right after.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, expected {what}") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{path}: is a folder, expected {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{path}: not a regular file (a device, pipe or socket), expected {what}")
        if info.st_size > max_bytes:
            raise error(f"{path}: larger than {_limit_text(max_bytes)}")
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise error(f"{path}: larger than {_limit_text(max_bytes)}")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_text(
    path: str | os.PathLike, max_bytes: int, what: str = "a text file", error: type[Exception] = InputRejected
) -> str:
    """A UTF-8 text file (a byte-order mark is dropped) of at most ``max_bytes``."""
    raw = read_bytes(path, max_bytes, what, error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}: line {line} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def read_csv_rows(
    path: str | os.PathLike,
    max_bytes: int,
    what: str = "a CSV file",
    *,
    max_cell: int = 1 << 20,
    error: type[Exception] = InputRejected,
) -> list[list[str]]:
    """Every row of a UTF-8 CSV file; a malformed file is ``error`` naming the file and line."""
    text = read_text(path, max_bytes, what, error)
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, max_cell))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:
        raise error(f"{path}: line {reader.line_num}: not a valid CSV file ({exc})") from None
    finally:
        csv.field_size_limit(previous)
