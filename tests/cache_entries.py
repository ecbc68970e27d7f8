"""Reading and rewriting stored cache entries in tests: the data behind an entry's header, and an
entry re-sealed around other data (an edit that keeps the header right, so only the data's own
checks can refuse it)."""

from __future__ import annotations

from pathlib import Path

from solver.io.cache import MAGIC, sealed


def entry_data(path: Path) -> bytes:
    stored = path.read_bytes()
    assert stored.startswith(MAGIC), path
    return stored.split(b"\n", 2)[2]


def reseal(path: Path, data: bytes) -> None:
    """``data`` stored at ``path`` as a correct entry of its kind (the folder) and key (the stem)."""
    path.write_bytes(sealed(data, path.parent.name, path.stem, path.suffix.lstrip(".")))
