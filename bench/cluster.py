"""Benchmark the cost of one student and of the Dask scheduler, for planning a course-sized batch.

1. Per student, on this machine: draw and solve a variant, run the NumPy
   cross-checks, render the sheets and key, execute the solution notebook's
   test cells (its other runs are shared), compile both PDFs (single pass from
   the precompiled format); mean seconds of each step over N students.
2. The scheduler's overhead per task: M tasks that do nothing, submitted at once
   to a ``local:W`` cluster (already started) — wall seconds per task — and a
   batch of S students without PDFs run locally and on the cluster in the same
   run (ratio cluster / local; with W workers on 2 cores it shows the overhead,
   not a speed-up).
3. What that implies for 50,000 students on this machine, 10 workers and 100.

    python bench/cluster.py [--students 10] [--tasks 500] [--workers 2] [--batch 40]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

from solver.build.pipeline import compile_staged, prepare, run_checks, stage
from solver.variants import cluster
from solver.variants.batch import run_batch
from solver.variants.draw import draw

COURSE = 50_000


def per_student(count: int, tmp: Path) -> dict[str, float]:
    warm = draw(0)
    compile_staged(stage(prepare(warm.solved, warm.variant), tmp / "warm"), prepare(warm.solved, warm.variant))
    steps: dict[str, list[float]] = {
        "draw and solve": [],
        "cross-checks": [],
        "render": [],
        "solution notebook": [],
        "compile 2 PDFs": [],
    }
    for seed in range(1, count + 1):
        start = time.perf_counter()
        drawn = draw(seed)
        steps["draw and solve"].append(time.perf_counter() - start)
        start = time.perf_counter()
        run_checks(drawn.solved)
        checks = time.perf_counter() - start
        steps["cross-checks"].append(checks)
        start = time.perf_counter()
        prepare(drawn.solved, drawn.variant, notebooks=False)  # runs the checks again: subtract them
        render = max(0.0, time.perf_counter() - start - checks)
        steps["render"].append(render)
        start = time.perf_counter()
        sheets = prepare(drawn.solved, drawn.variant)  # executes the variant's test cells (the rest is shared)
        steps["solution notebook"].append(max(0.0, time.perf_counter() - start - checks - render))
        staged = stage(sheets, tmp / "out")
        start = time.perf_counter()
        compile_staged(staged, sheets)
        steps["compile 2 PDFs"].append(time.perf_counter() - start)
        staged.discard()
    return {name: statistics.fmean(values) for name, values in steps.items()}


def overhead(scheduler: str, tasks: int) -> float:
    with cluster.connect(scheduler) as client:
        client.submit(cluster._nothing, -1, pure=False).result()  # workers up and warm
        start = time.perf_counter()
        futures = [client.submit(cluster._nothing, i, pure=False) for i in range(tasks)]
        client.gather(futures)
        return (time.perf_counter() - start) / tasks


def batch_ratio(scheduler: str, students: int, tmp: Path) -> tuple[float, float]:
    roster = tmp / "roster.csv"
    with roster.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        writer.writerows((f"s{i:04d}", f"Student {i}") for i in range(students))
    start = time.perf_counter()
    run_batch(roster, tmp / "local", pdf=False, progress=False)
    local = time.perf_counter() - start
    start = time.perf_counter()
    run_batch(roster, tmp / "remote", pdf=False, progress=False, scheduler=scheduler)
    return local, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=40)
    args = parser.parse_args()
    scheduler = f"local:{args.workers}"
    with tempfile.TemporaryDirectory(prefix="hw6-bench-cluster-") as tmp:
        steps = per_student(args.students, Path(tmp))
        total = sum(steps.values())
        print(f"per student, mean of {args.students} (seconds):")
        for name, value in steps.items():
            print(f"  {name:16} {value:6.3f}")
        print(f"  {'total':16} {total:6.3f}")
        per_task = overhead(scheduler, args.tasks)
        print(f"scheduler overhead: {1000 * per_task:.2f} ms per task ({args.tasks} empty tasks, {scheduler})")
        if args.batch > 0:
            local, remote = batch_ratio(scheduler, args.batch, Path(tmp))
            print(
                f"batch of {args.batch} without PDFs: local {local:.1f} s, {scheduler} {remote:.1f} s "
                f"(ratio cluster / local {remote / local:.2f}, cluster start-up included)"
            )
    # The scheduler handles tasks one after another, so its overhead adds up over the whole course
    # whatever the number of workers; the work itself divides among them.
    print(f"{COURSE} students at {total:.2f} s each (one single-threaded worker per core):")
    for label, workers in (("this machine (2 cores)", 2), ("10 workers", 10), ("100 workers", 100)):
        hours = COURSE * (total / workers + per_task) / 3600
        print(f"  {label:24} {hours:6.2f} h")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
