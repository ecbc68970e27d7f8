"""Running cells with nbclient and keeping only what is the same on every run.

The outputs are stored; execution timestamps, kernel ids and the kernel's
version details are not, so the same cells execute to the same outputs on the
same machine and library versions. A run is cached under the hash of its
cells' sources, the data it reads and the libraries that print and plot
(``solver.io.cache``), so executing it again is a read.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat

from ..io import signals
from ..io.cache import Cache, cache_key
from ..kernel.errors import InputFileError, NotebookFailed
from .build import METADATA, SOLUTION, notebook
from .cells import Cell

CACHE_KIND = "notebook-run"
FORMAT = 2  # bump when the normalisation changes what a run's outputs hold
CELL_TIMEOUT = 600  # seconds per cell; the training cells are the slowest
#: Starting a kernel can fail for reasons of the moment (two kernels drawing the same free port, a busy
#: machine): a run whose kernel died is tried again, with a fresh kernel, this many times in all.
KERNEL_ATTEMPTS = 3
#: Plots render headless and the same everywhere (no Tk, no screen); one BLAS thread, as the build trains.
KERNEL_ENV = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}


def executed(node: Any, *, cwd: str | Path, timeout: int = CELL_TIMEOUT, allow_errors: bool = False) -> Any:
    """``node`` with every cell run in a fresh kernel inside ``cwd`` and its outputs normalised;
    raises nbclient's errors (CellExecutionError, CellTimeoutError, DeadKernelError). A
    NotebookNode is executed in place (so a failed cell's error output stays in it)."""
    from nbclient import NotebookClient

    node = node if isinstance(node, nbformat.NotebookNode) else nbformat.from_dict(node)
    env = {**os.environ, **KERNEL_ENV}
    client = NotebookClient(
        node,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    from jupyter_core.utils import ensure_event_loop

    try:
        with signals.recorded(ensure_event_loop()):  # the loop nbclient runs on, and sets its signal handlers on
            client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own start-up notices are not ours
    finally:
        atexit.unregister(client._cleanup_kernel)  # nbclient leaves it registered when the kernel did not start
        signals.reinstall()  # nbclient put the default handlers back
        signals.raise_if_received()  # nbclient shut the kernel down on SIGINT/SIGTERM: hw6 stops, not retries
    return normalised(node)


def normalised(node: Any) -> Any:
    """Fixed notebook metadata, no per-run fields in the cells, and each run of printed text as one
    output (how the kernel split it into messages depends on timing)."""
    node["metadata"] = nbformat.from_dict(METADATA)
    for cell in node["cells"]:
        cell["metadata"].pop("execution", None)
        merged: list[Any] = []
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
            last = merged[-1] if merged else None
            if output["output_type"] == "stream" and last is not None and last["output_type"] == "stream":
                if last["name"] == output["name"]:
                    last["text"] += output["text"]
                    continue
            merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
    return node


def run_outputs(
    cells: Sequence[Cell], shown: Sequence[str], cache: Cache, data_folders: Mapping[str, Path]
) -> dict[str, list[Any]]:
    """The outputs of the ``shown`` cells when ``cells`` (their solution sources) run in order in one
    fresh kernel, from the cache when it has them. The kernel runs in a scratch folder where
    ``data/<key>`` is each data folder (the paths the notebooks name); what it writes there is dropped.
    """
    config = {
        "format": FORMAT,
        "libraries": _versions(),
        "data": {key: _data_digest(folder) for key, folder in sorted(data_folders.items())},
        "sources": [cell.solution for cell in cells],
    }
    key = cache_key(CACHE_KIND, config)
    stored = cache.read_json(CACHE_KIND, key)
    if isinstance(stored, dict) and set(stored) == set(shown):
        return stored
    with tempfile.TemporaryDirectory(prefix="hw6-notebook-") as scratch:
        for data_key, folder in data_folders.items():
            (Path(scratch) / "data").mkdir(exist_ok=True)
            (Path(scratch) / "data" / data_key).symlink_to(folder.resolve(), target_is_directory=True)
        node = _executed_or_failed(notebook(list(cells), solution=True), scratch)
    outputs = {cell.id: [dict(output) for output in cell.outputs] for cell in node.cells if cell.id in shown}
    cache.write_json(CACHE_KIND, key, outputs)
    return cache.read_json(CACHE_KIND, key) or outputs  # the same plain JSON data whether it was cached or not


def _executed_or_failed(node: Any, scratch: str) -> Any:
    try:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError:
        raise NotebookFailed(
            f"executing {SOLUTION} needs nbclient and ipykernel, which hw6 installs (run scripts/bootstrap again)"
        ) from None
    from jupyter_client.kernelspec import NoSuchKernel

    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        running = nbformat.from_dict(node)  # a fresh copy each time: a failed attempt leaves outputs in it
        try:
            return executed(running, cwd=scratch)
        except CellExecutionError as exc:
            failed = next(
                (c.id for c in running.cells if any(o.output_type == "error" for o in c.get("outputs", []))), "?"
            )
            raise NotebookFailed(
                f"{SOLUTION}: cell {failed} raised {exc.ename}: {exc.evalue}; nothing was written"
            ) from None
        except CellTimeoutError:
            raise NotebookFailed(f"{SOLUTION}: a cell ran longer than {CELL_TIMEOUT} s; nothing was written") from None
        except (DeadKernelError, NoSuchKernel, RuntimeError) as exc:  # RuntimeError: the kernel did not start
            if attempt == KERNEL_ATTEMPTS or isinstance(exc, NoSuchKernel):
                raise NotebookFailed(f"{SOLUTION}: the Python kernel failed ({exc}); nothing was written") from None
    raise AssertionError("unreachable")


_DIGESTS: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def _data_digest(folder: Path) -> str:
    """A hash of the folder's files (their names and bytes), computed again only when one changes."""
    try:
        files = sorted(path for path in folder.rglob("*") if path.is_file())
        stamp = tuple((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
        if (str(folder), stamp) not in _DIGESTS:
            digest = hashlib.sha256()
            for path in files:
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
            _DIGESTS[(str(folder), stamp)] = digest.hexdigest()
    except OSError as exc:
        raise InputFileError(f"{folder}: cannot be read ({exc.strerror})") from None
    return _DIGESTS[(str(folder), stamp)]


def _versions() -> str:
    """What else an executed cell depends on: its outputs print and plot with these."""
    from importlib.metadata import version

    return f"numpy {version('numpy')} matplotlib {version('matplotlib')}"
