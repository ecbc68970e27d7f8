"""Benchmark Problem 4: the solution notebook's training, timed in CPU seconds and wall seconds.

Runs Problem 4's solution cells (the ones the build executes, from the homework's
parameters or ``--epochs``/``--networks``) in this process, in a scratch folder where
``data/names`` is the given folder, and prints the training cell's wall and CPU
seconds, the whole run's, the test and balanced accuracy the notebook printed, and the
load average before and after (the machine may be shared: the CPU seconds say more
than the wall seconds then). The build runs the same cells in a kernel, once per
configuration and data (cached).

    python bench/names_training.py --names-dir ../shared/data/names [--epochs 2] [--networks 1]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path

from solver.kernel.params import from_mapping
from solver.problems.names_classifier import notebook
from solver.problems.names_classifier.data import folder_facts, load_names
from solver.problems.names_classifier.params import Params
from solver.problems.names_classifier.solve import shown_names
from solver.problems.names_classifier.training import split_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names-dir", type=Path, required=True)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--networks", type=int)
    args = parser.parse_args()
    changes = {k: v for k, v in (("epochs", args.epochs), ("networks", args.networks)) if v is not None}
    params = from_mapping(Params, {"training": changes}, "names_classifier")
    data = load_names(args.names_dir)
    split = split_of(params.training, data)
    cells = notebook.problem_cells(
        params, notebook.DataFacts(*folder_facts(args.names_dir)), shown_names(params, data, split)
    )
    load_before = os.getloadavg()
    namespace: dict = {}
    printed: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "data").mkdir()
        (Path(scratch) / "data" / "names").symlink_to(args.names_dir.resolve(), target_is_directory=True)
        here = Path.cwd()
        os.chdir(scratch)
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            for cell in cells:
                if cell.kind == "code":
                    out = io.StringIO()
                    with contextlib.redirect_stdout(out):
                        exec(compile(cell.solution, cell.name, "exec"), namespace)
                    printed[cell.name] = out.getvalue()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            timing = json.loads(Path(notebook.TIMING_FILE).read_text())
        finally:
            os.chdir(here)
    config = params.training
    print(f"{config.networks} network(s), {config.epochs} epochs, batches of {config.batch_size}")
    print(f"training cell: {timing['cpu_seconds']:.1f} CPU s, {timing['wall_seconds']:.1f} s wall")
    print(f"all of Problem 4's cells: {cpu:.1f} CPU s, {wall:.1f} s wall")
    print(printed["p4-evaluate"].rstrip())
    print(f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
