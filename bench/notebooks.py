"""Benchmark the solution notebook's execution: cold, cached, and per variant of a batch.

1. The homework's solution notebook executed cold (fresh cache, fresh kernels) and then
   read back from the cache (memory cleared): the ratio cached / cold.
2. V variants with one shared cache, as a batch builds them (only each variant's test
   cells run; the study, the training and Problem 4 are shared), against the same
   variants each executed cold, as without the shared entries: the ratio shared / alone
   per variant.
The solves are done (and cached) before any timing: only the notebooks are measured.

    python bench/notebooks.py [--variants 6] [--names-dir ../shared/data/names]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from solver.build.pipeline import Solved, answer_key, notebook_contributions, solve_all
from solver.io.cache import Cache, forget_memory
from solver.notebooks.execute import CACHE_KIND
from solver.notebooks.solution import notebook_files
from solver.problems import BuildContext
from solver.variants.draw import draw


def timed(solved: list[Solved], context: BuildContext) -> float:
    key = answer_key(solved)
    contributions = notebook_contributions(solved, context)
    start = time.perf_counter()
    _, checks = notebook_files(contributions, key["parts"], Cache(context.cache_dir))
    seconds = time.perf_counter() - start
    assert checks and all(c.agrees for c in checks), checks
    return seconds


def cold(solved: list[Solved], context: BuildContext) -> float:
    """Without any executed run: the solves stay cached, the notebook's entries go."""
    assert context.cache_dir is not None
    shutil.rmtree(context.cache_dir / CACHE_KIND, ignore_errors=True)
    forget_memory()
    return timed(solved, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=6)
    parser.add_argument("--names-dir", type=Path, help="include Problem 4 (trains on these names)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw6-bench-notebooks-") as tmp:
        folders = {"names": args.names_dir} if args.names_dir else {}
        context = BuildContext(cache_dir=Path(tmp) / "cache", data_folders=folders)
        homework = solve_all({}, context)
        first = cold(homework, context)
        forget_memory()
        cached = timed(homework, context)
        print(
            f"homework{' with Problem 4' if folders else ''}: cold {first:.1f} s, cached {cached:.3f} s, ratio {cached / first:.4f}"
        )

        variants = [draw(seed, context).solved for seed in range(1, args.variants + 1)]
        timed(homework, context)  # the shared runs are in the cache, as after a batch's first student
        shared = [timed(solved, context) for solved in variants]
        alone = [cold(solved, context) for solved in variants]
        per_shared, per_alone = statistics.mean(shared), statistics.mean(alone)
        print(
            f"{args.variants} variants: {per_shared:.2f} s each with the shared runs cached, {per_alone:.2f} s each "
            f"executed alone; ratio {per_shared / per_alone:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
