"""Running cells with nbclient and keeping only what is the same on every run.

The outputs are stored; execution timestamps, kernel ids and the kernel's
version details are not, so the same cells execute to the same outputs on the
same machine and library versions. A run is cached under the hash of its
cells' sources, the data it reads and the libraries that print, plot and train
(``solver.io.cache``), so executing it again is a read.

:func:`run` also returns the files the cells write that the caller names (a
JSON of results, a network's saved weights), their bytes kept in the same cache
entry: a problem reads its numbers from what the notebook computed, and the
notebook built later from the same sources is a cache hit, so the two agree by
construction.
"""

from __future__ import annotations

import atexit
import base64
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import nbformat

from ..io import signals
from ..io.cache import Cache, cache_key
from ..kernel.errors import InputFileError, NotebookFailed
from .build import METADATA, SOLUTION, notebook
from .cells import Cell

CACHE_KIND = "notebook-run"
FORMAT = 3  # bump when the normalisation changes what a run's outputs hold
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
    from nbclient import NotebookClient  # nbclient and jupyter only where a notebook is executed

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
    from jupyter_core.utils import ensure_event_loop  # as nbclient above

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


class Ran(NamedTuple):
    """What one run of cells left: the ``shown`` cells' outputs (cell id -> nbformat outputs as plain
    JSON data) and the files they wrote that were asked for (path relative to the kernel's folder ->
    bytes)."""

    outputs: dict[str, list[Any]]
    files: dict[str, bytes]


def run(
    cells: Sequence[Cell],
    shown: Sequence[str],
    cache: Cache,
    data_folders: Mapping[str, Path],
    keep: Sequence[str] = (),
    *,
    warm: bool = False,
) -> Ran:
    """``cells`` (their solution sources) run in order in one fresh kernel, from the cache when it has
    them. The kernel runs in a scratch folder where ``data/<key>`` is each data folder (the paths the
    notebooks name). Every file the cells write there is cached with the outputs (so the key does not
    depend on what a caller reads, and the notebook build of the same cells is a hit); the files whose
    relative path matches one of the ``keep`` patterns (fnmatch, e.g. ``"weights-1k.npz"``,
    ``"results/*.json"``) come back. A pattern that matches no file is an error: the cells did not
    write what the caller reads.

    ``warm=True`` (a batch's per-variant runs): when the cells are definitions (given, TODO and
    setup cells) and test cells and read no data folder, the definitions run once in a kernel kept for the life of the
    process and each run executes only its test cells there (each re-binds every input it uses),
    which saves starting a kernel and importing its libraries per variant. The outputs are the
    ones a fresh kernel prints (tests/test_notebooks.py compares them); HW6_WARM_KERNELS=0 turns
    it off.
    """
    config = {
        "format": FORMAT,
        "libraries": _versions(),
        "data": {key: _data_digest(folder) for key, folder in sorted(data_folders.items())},
        "sources": [cell.solution for cell in cells],
    }
    key = cache_key(CACHE_KIND, config)
    stored = _from_entry(cache.read_json(CACHE_KIND, key), shown)
    if stored is not None:
        return Ran(stored.outputs, _kept(stored.files, keep))
    if warm and not data_folders and _warmable(cells):  # a problem that reads data keeps fresh kernels
        node, files = _executed_or_failed(
            notebook(list(cells), solution=True), lambda running: _warm_executed(running, cells, data_folders)
        )
    else:
        with tempfile.TemporaryDirectory(prefix="hw6-notebook-") as scratch:
            _link_data(Path(scratch), data_folders)
            node, files = _executed_or_failed(
                notebook(list(cells), solution=True),
                lambda running: (executed(running, cwd=scratch), _written(Path(scratch))),
            )
    outputs = {cell.id: [dict(output) for output in cell.outputs] for cell in node.cells if cell.id in shown}
    entry = {
        "outputs": outputs,
        "files": {name: base64.b64encode(data).decode("ascii") for name, data in files.items()},
    }
    cache.write_json(CACHE_KIND, key, entry)
    # the same plain JSON data whether it was cached or not
    ran = _from_entry(cache.read_json(CACHE_KIND, key), shown) or Ran(json.loads(json.dumps(outputs)), files)
    return Ran(ran.outputs, _kept(ran.files, keep))


def run_outputs(
    cells: Sequence[Cell], shown: Sequence[str], cache: Cache, data_folders: Mapping[str, Path], *, warm: bool = False
) -> dict[str, list[Any]]:
    """The outputs of the ``shown`` cells of :func:`run` (what a notebook build needs)."""
    return run(cells, shown, cache, data_folders, warm=warm).outputs


def _link_data(scratch: Path, data_folders: Mapping[str, Path]) -> None:
    for data_key, folder in data_folders.items():
        (scratch / "data").mkdir(exist_ok=True)
        (scratch / "data" / data_key).symlink_to(folder.resolve(), target_is_directory=True)


# --------------------------------------------------------------------------- warm kernels

#: The roles of the cells that only define things (run once in a warm kernel).
DEFINITION_ROLES = ("given", "todo", "setup")


def _warmable(cells: Sequence[Cell]) -> bool:
    return (
        os.environ.get("HW6_WARM_KERNELS", "1") != "0"
        and not any(cell.alone for cell in cells)
        and any(cell.role == "test" for cell in cells)
        and all(cell.role in (*DEFINITION_ROLES, "test") for cell in cells if cell.kind == "code")
    )


class _WarmKernel:
    """A kernel that ran the definition cells, in a scratch folder of its own, shut down at exit."""

    def __init__(self, definitions: Any, data_folders: Mapping[str, Path]):
        from jupyter_core.utils import ensure_event_loop
        from nbclient import NotebookClient
        from nbclient.util import run_sync

        self.scratch = Path(tempfile.mkdtemp(prefix="hw6-warm-kernel-"))
        _link_data(self.scratch, data_folders)
        self.client = NotebookClient(
            definitions,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(self.scratch)}},
        )
        self.client.km = self.client.create_kernel_manager()
        atexit.register(self.close)
        with signals.recorded(ensure_event_loop()):
            run_sync(self.client.async_start_new_kernel)(env={**os.environ, **KERNEL_ENV}, stderr=subprocess.DEVNULL)
            run_sync(self.client.async_start_new_kernel_client)()
        self.execute(definitions)
        self.outputs = {cell.id: cell.outputs for cell in normalised(definitions).cells if "outputs" in cell}

    def execute(self, node: Any, skip: Sequence[str] = ()) -> None:
        from jupyter_core.utils import ensure_event_loop

        self.client.nb = node  # nbclient puts each executed cell back into its notebook
        try:
            with signals.recorded(ensure_event_loop()):
                for index, cell in enumerate(node.cells):
                    if cell.cell_type == "code" and cell.id not in skip:
                        self.client.execute_cell(cell, index)
        finally:
            signals.reinstall()
            signals.raise_if_received()

    def close(self) -> None:
        atexit.unregister(self.close)
        try:
            self.client._cleanup_kernel()
        except Exception:  # a kernel already gone at exit: nothing to shut down
            pass
        shutil.rmtree(self.scratch, ignore_errors=True)


_WARM: dict[str, _WarmKernel] = {}


def _warm_executed(node: Any, cells: Sequence[Cell], data_folders: Mapping[str, Path]) -> tuple[Any, dict[str, bytes]]:
    """``node``'s test cells executed in the warm kernel of its definitions (started on first use);
    the definition cells get the outputs they printed there. A kernel that failed is dropped."""
    definitions = [cell for cell in cells if cell.role in DEFINITION_ROLES or cell.kind != "code"]
    key = cache_key(
        "warm-kernel", {"sources": [c.solution for c in definitions], "data": sorted(map(str, data_folders.values()))}
    )
    try:
        if key not in _WARM:
            _WARM[key] = _WarmKernel(notebook(definitions, solution=True), data_folders)
        kernel = _WARM[key]
        for path in kernel.scratch.iterdir():  # what an earlier run wrote is not this run's
            if path.name != "data":
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        for cell in node.cells:
            if cell.id in kernel.outputs:
                cell.outputs = nbformat.from_dict([dict(o) for o in kernel.outputs[cell.id]])
        kernel.execute(node, skip=tuple(kernel.outputs))
    except Exception:
        stale = _WARM.pop(key, None)
        if stale is not None:
            stale.close()
        raise
    return normalised(node), _written(kernel.scratch)


def _from_entry(stored: Any, shown: Sequence[str]) -> Ran | None:
    if not isinstance(stored, dict) or set(stored) != {"outputs", "files"}:
        return None
    outputs, files = stored["outputs"], stored["files"]
    if not isinstance(outputs, dict) or set(outputs) != set(shown) or not isinstance(files, dict):
        return None
    try:
        return Ran(outputs, {name: base64.b64decode(text, validate=True) for name, text in sorted(files.items())})
    except (TypeError, ValueError):
        return None


def _written(scratch: Path) -> dict[str, bytes]:
    """Every file the cells wrote under ``scratch`` (not the data folders), by relative path."""
    names = sorted(
        path.relative_to(scratch).as_posix()
        for path in scratch.rglob("*")
        if path.is_file() and not path.is_symlink() and path.relative_to(scratch).parts[0] != "data"
    )
    return {name: (scratch / name).read_bytes() for name in names}


def _kept(files: Mapping[str, bytes], keep: Sequence[str]) -> dict[str, bytes]:
    """The files whose path matches a ``keep`` pattern; a pattern that matches none is an error."""
    missing = [pattern for pattern in keep if not fnmatch.filter(files, pattern)]
    if missing:
        raise NotebookFailed(f"{SOLUTION}: the cells wrote no file {', '.join(missing)}; nothing was written")
    return {name: data for name, data in files.items() if any(fnmatch.fnmatch(name, p) for p in keep)}


def _executed_or_failed(
    node: Any, execute: Callable[[Any], tuple[Any, dict[str, bytes]]]
) -> tuple[Any, dict[str, bytes]]:
    try:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # see executed()
    except ImportError:
        raise NotebookFailed(
            f"executing {SOLUTION} needs nbclient and ipykernel, which hw6 installs (run scripts/bootstrap again)"
        ) from None
    from jupyter_client.kernelspec import NoSuchKernel  # see executed()

    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        running = nbformat.from_dict(node)  # a fresh copy each time: a failed attempt leaves outputs in it
        try:
            return execute(running)
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
    """What else an executed cell depends on: its outputs print, plot and train with these."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        torch = f"torch {version('torch')}"
    except PackageNotFoundError:
        torch = "no torch"
    return f"numpy {version('numpy')} matplotlib {version('matplotlib')} {torch}"
