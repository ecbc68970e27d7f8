"""Running a notebook with nbclient and keeping only what is the same on every run.

The outputs are stored; execution timestamps, kernel ids and the kernel's
version details are not, so the same notebook executes to the same bytes on
the same machine and library versions. A run is cached under the hash of the
unexecuted notebook (``solver.io.cache``), so executing again is a read.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from ..core.errors import InputFileError
from ..io.cache import Cache
from ..io.files import write_bytes_atomic
from .build import METADATA, to_bytes

CACHE_KIND = "notebook-execution"
FORMAT = 1  # bump when the normalisation changes what an executed notebook holds
CELL_TIMEOUT = 600  # seconds per cell; the training cell is the slowest
#: Plots render headless and the same everywhere (no Tk, no screen); one BLAS thread, as the build trains.
KERNEL_ENV = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}


def executed(node: Any, *, cwd: str | Path, timeout: int = CELL_TIMEOUT, allow_errors: bool = False) -> Any:
    """``node`` with every cell run in a fresh kernel inside ``cwd`` and its outputs normalised."""
    from nbclient import NotebookClient  # only executing needs nbclient and ipykernel

    node = nbformat.from_dict(node)
    env = {**os.environ, **KERNEL_ENV}
    client = NotebookClient(
        node,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own start-up notices are not ours to show
    return normalised(node)


def normalised(node: Any) -> Any:
    """Fixed notebook metadata, and no per-run fields in the cells."""
    node["metadata"] = nbformat.from_dict(METADATA)
    for cell in node["cells"]:
        cell["metadata"].pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
    return node


def execute_file(path: Path, cache: Cache, names_dir: Path) -> bool:
    """Execute the notebook at ``path`` in place; True when the cache had it.

    It runs in a scratch folder where ``data/names`` is ``names_dir`` (the path the notebook
    names, so the stored notebook names no folder of this machine); what it writes there
    (submission_log.json) is dropped: the build writes its own.
    """
    try:
        raw = path.read_bytes()
        node = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except (OSError, UnicodeDecodeError, nbformat.reader.NotJSONError) as exc:
        raise InputFileError(f"{path}: not a readable notebook ({exc})") from None
    key = hashlib.sha256(raw + _versions().encode() + _data_digest(names_dir).encode()).hexdigest()
    stored = cache.read_bytes(CACHE_KIND, key, "ipynb")
    if stored is None:
        with tempfile.TemporaryDirectory(prefix="hw6-notebook-") as scratch:
            (Path(scratch) / "data").mkdir()
            (Path(scratch) / "data" / "names").symlink_to(names_dir.resolve(), target_is_directory=True)
            stored = to_bytes(executed(node, cwd=scratch))
        cache.write_bytes(CACHE_KIND, key, "ipynb", stored)
        hit = False
    else:
        hit = True
    write_bytes_atomic(path, stored)
    return hit


def _data_digest(names_dir: Path) -> str:
    """A hash of the names files (their names and bytes): the notebook trains on them."""
    digest = hashlib.sha256()
    try:
        for file in sorted(names_dir.glob("*.txt")):
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError as exc:
        raise InputFileError(f"{names_dir}: cannot be read ({exc.strerror})") from None
    return digest.hexdigest()


def _versions() -> str:
    """What else an executed notebook depends on: its outputs print and plot with these."""
    from importlib.metadata import version

    return f" format {FORMAT} numpy {version('numpy')} matplotlib {version('matplotlib')}"
