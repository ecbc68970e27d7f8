"""Benchmark a batch's time per student against another revision's code, in one run (a shared CPU's load hits both).

Each side runs in a subprocess of this virtual environment: the other revision from a
``git archive`` of it (first on PYTHONPATH), this checkout as installed. Each warms its own
cache with two students (the shared study and training runs), then times a batch of N other
students with PDFs and --jobs J: the per-student time a class pays. Problem 4 is left out
(it needs the names data, and is the same code on both sides). Prints both and new / base.

    python bench/batch_versus.py [--base main] [--students 8] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURE = """
import csv, sys, tempfile, time
from pathlib import Path
from solver.variants.batch import run_batch
try:
    from solver.kernel.problem import BuildContext
except ImportError:  # a revision before the layers moved
    from solver.core.problem import BuildContext

def roster(path, ids):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        writer.writerows((i, f"Student {i}") for i in ids)
    return path

students, jobs = int(sys.argv[1]), int(sys.argv[2])
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    context = BuildContext(cache_dir=tmp / "cache", skip=frozenset({"names_classifier"}))
    run_batch(roster(tmp / "warm.csv", ["w0", "w1"]), tmp / "warm", jobs=jobs, context=context, progress=False)
    start = time.perf_counter()
    ids = [f"s{i:03d}" for i in range(students)]
    result = run_batch(roster(tmp / "class.csv", ids), tmp / "out", jobs=jobs, context=context, progress=False)
    assert not result.failed, result.failed
    print(time.perf_counter() - start)
"""


def seconds(students: int, jobs: int, tree: Path | None) -> float:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(students), str(jobs)],
        cwd=tree or ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="the revision to compare with (default: main)")
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw6-bench-versus-") as tmp:
        archive = subprocess.run(["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        base = seconds(args.students, args.jobs, Path(tmp))
        new = seconds(args.students, args.jobs, None)
    print(f"batch of {args.students} students with PDFs, --jobs {args.jobs}, warm cache, Problem 4 left out:")
    print(f"  {args.base:10} {base:7.1f} s  ({base / args.students:.2f} s per student)")
    print(f"  {'this tree':10} {new:7.1f} s  ({new / args.students:.2f} s per student)")
    print(f"ratio this / {args.base}: {new / base:.2f} (target <= 1.2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
