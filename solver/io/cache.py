"""A content-addressed cache for expensive results (trained models, figures).

An entry's key is a hash of everything that determines it (its configuration,
hw6's version and a format tag the caller bumps when the computation changes),
so a changed input can never be served a stale result. Files are written
through a temporary file and a rename: a crash never leaves half an entry, and
an unreadable entry counts as missing. Entries are also kept in memory for the
life of the process (a bounded LRU), so a batch, a stress run or a test session
computes each one once even without a folder. :func:`memoized` keeps whole
Python objects the same way, for results that are costly to rebuild even from
a stored entry (e.g. a trained network evaluated on its test set).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
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
        remembered = _MEMORY.get((kind, key, suffix))
        if remembered is not None:
            _MEMORY.move_to_end((kind, key, suffix))
            return remembered
        path = self.path(kind, key, suffix)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
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
            write_bytes_atomic(path, data)
        except OSError:
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
