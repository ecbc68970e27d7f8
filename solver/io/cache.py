"""A content-addressed cache for expensive results (trained models, figures, notebook outputs, keys).

An entry's key is a hash of everything that determines it (its configuration,
hw6's version and a format tag the caller bumps when the computation changes),
so a changed input can never be served a stale result. Files are written
through a temporary file and a rename: a crash never leaves half an entry.

An entry is never trusted: its file starts with a header naming what it holds (kind, key,
suffix, hw6's version) and the SHA-256 of the rest, and it is used only when all of these
are the ones asked for. A damaged entry (a flipped bit, a changed digit that leaves valid
JSON), one moved or copied under another key (two seeds' entries swapped), or a path that is
not a regular file (a FIFO would block the read) is a miss: the result is computed again and
the entry replaced, and hw6 says so once per kind. A file without a header (an older hw6's)
is a silent miss. Entries are also kept in memory for the life of the process (a bounded
LRU), so a batch, a stress run or a test session computes each one once even without a
folder. :func:`memoized` keeps whole Python objects the same way, for results that are
costly to rebuild even from a stored entry (e.g. a trained network evaluated on its test set).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import warnings
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..kernel.errors import Hw6Error, InputWarning
from .files import write_bytes_atomic


def cache_key(kind: str, config: Any) -> str:
    """A stable hash of ``config`` (JSON data) under ``kind``, including hw6's version."""
    text = json.dumps({"kind": kind, "hw6": __version__, "config": config}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_MEMORY: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_MEMORY_ENTRIES = 256
_OBJECTS: OrderedDict[tuple[str, str], Any] = OrderedDict()
_OBJECT_ENTRIES = 8
T = TypeVar("T")


class Cache:
    """Entries under ``folder/<kind>/<key>.<suffix>``, and in memory; ``folder=None``: memory only."""

    def __init__(self, folder: str | os.PathLike | None):
        self.folder = Path(folder) if folder is not None else None

    def path(self, kind: str, key: str, suffix: str) -> Path | None:
        return None if self.folder is None else self.folder / kind / f"{key}.{suffix}"

    def read_bytes(self, kind: str, key: str, suffix: str) -> bytes | None:
        """The entry's bytes, or None when it is missing or fails its checks (see the module)."""
        remembered = _MEMORY.get((kind, key, suffix))
        if remembered is not None:
            _MEMORY.move_to_end((kind, key, suffix))
            return remembered
        path = self.path(kind, key, suffix)
        if path is None:
            return None
        stored = read_regular(path)
        if stored is None:
            return None
        data, problem = unsealed(stored, kind, key, suffix)
        if data is None:
            if problem is not None:
                _say_once(kind, f"{path}: {problem}; it is computed again and replaced")
            return None
        _remember((kind, key, suffix), data)
        return data

    def write_bytes(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        """Store an entry; a cache that cannot be written is skipped, never an error."""
        _remember((kind, key, suffix), data)
        path = self.path(kind, key, suffix)
        if path is None:
            return
        try:
            write_bytes_atomic(path, sealed(data, kind, key, suffix))
        except (OSError, Hw6Error):
            pass

    def read_json(self, kind: str, key: str) -> Any | None:
        data = self.read_bytes(kind, key, "json")
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    def write_json(self, kind: str, key: str, value: Any) -> None:
        self.write_bytes(kind, key, "json", json.dumps(value, sort_keys=True).encode("utf-8"))


MAGIC = b"hw6-cache-entry 1\n"
_MISSING_ERRORS = (errno.ENOENT, errno.ENOTDIR)
_TOLD: set[str] = set()  # kinds whose damaged entry was reported in this process


def _header(kind: str, key: str, suffix: str, data: bytes) -> dict[str, str]:
    return {"kind": kind, "key": key, "suffix": suffix, "hw6": __version__, "sha256": hashlib.sha256(data).hexdigest()}


def sealed(data: bytes, kind: str, key: str, suffix: str) -> bytes:
    """What is stored: the header line naming the entry and its digest, then the data."""
    header = json.dumps(_header(kind, key, suffix, data), sort_keys=True, separators=(",", ":"))
    return MAGIC + header.encode("ascii") + b"\n" + data


def unsealed(stored: bytes, kind: str, key: str, suffix: str) -> tuple[bytes | None, str | None]:
    """(the data, None) when ``stored`` is the entry asked for and intact; else (None, why), the
    reason None for a file of an older format."""
    if not stored.startswith(MAGIC):
        return None, None
    line_end = stored.find(b"\n", len(MAGIC))
    if line_end < 0:
        return None, "the cache entry is cut short"
    data = stored[line_end + 1 :]
    try:
        header = json.loads(stored[len(MAGIC) : line_end].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None, "the cache entry's header is damaged"
    expected = _header(kind, key, suffix, data)
    if not isinstance(header, dict) or any(header.get(k) != expected[k] for k in ("kind", "key", "suffix", "hw6")):
        return None, "the cache entry is not the one its name says (moved, copied or another version's)"
    if header.get("sha256") != expected["sha256"]:
        return None, "the cache entry is damaged (its contents do not match their digest)"
    return data, None


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file; None (said once) for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno not in _MISSING_ERRORS:
            _say_once(
                path.parent.name, f"{path}: the cache entry cannot be read ({exc.strerror}); it is computed again"
            )
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            _say_once(path.parent.name, f"{path}: the cache entry is not a regular file; it is computed again")
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _say_once(kind: str, message: str) -> None:
    if kind not in _TOLD:
        _TOLD.add(kind)
        warnings.warn(message, InputWarning, stacklevel=3)


def _remember(entry: tuple[str, str, str], data: bytes) -> None:
    _MEMORY[entry] = data
    _MEMORY.move_to_end(entry)
    while len(_MEMORY) > _MEMORY_ENTRIES:
        _MEMORY.popitem(last=False)


def memoized(kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, run once per process for ``(kind, key)`` (a bounded LRU of objects).

    The result is shared: callers must treat it as read-only.
    """
    entry = (kind, key)
    if entry in _OBJECTS:
        _OBJECTS.move_to_end(entry)
        return _OBJECTS[entry]
    value = compute()
    _OBJECTS[entry] = value
    while len(_OBJECTS) > _OBJECT_ENTRIES:
        _OBJECTS.popitem(last=False)
    return value


def forget_memory(kind: str | None = None) -> None:
    """Drop the in-memory entries and objects (tests that measure what a cold run does), or only
    the entries of ``kind``."""
    if kind is not None:
        for entry in [entry for entry in _MEMORY if entry[0] == kind]:
            del _MEMORY[entry]
        return
    _MEMORY.clear()
    _OBJECTS.clear()
    _TOLD.clear()
