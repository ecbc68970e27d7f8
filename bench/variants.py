"""Benchmark variants: generation time per variant, and a roster batch against LaTeX alone.

1. Draw, solve, check and render N variants without PDFs: milliseconds per variant
   (target <= 50 ms).
2. Build a roster of S students with PDFs and --jobs 2, then compile the very same
   .tex files with latexmk alone, 2 at a time, in the same run: the ratio batch /
   latexmk-alone (target <= 1.3).

    python bench/variants.py [--variants 200] [--students 200] [--jobs 2]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from solver.build.pipeline import prepare
from solver.variants.batch import run_batch
from solver.variants.draw import draw


def generation(count: int) -> list[float]:
    warm = draw(0)  # warm caches (SymPy, Jinja2 templates, trained models, figures)
    prepare(warm.solved, warm.variant, notebooks=False)
    seconds = []
    for seed in range(1, count + 1):
        start = time.perf_counter()
        drawn = draw(seed)
        prepare(drawn.solved, drawn.variant, notebooks=False)  # the notebooks' execution: bench/notebooks.py
        seconds.append(time.perf_counter() - start)
    return seconds


def latexmk_alone(tex_files: list[Path], jobs: int) -> float:
    def compile_one(tex: Path) -> None:
        subprocess.run(
            ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", tex.name],
            cwd=tex.parent,
            check=True,
            capture_output=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(compile_one, tex_files))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=200)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    seconds = generation(args.variants)
    print(
        f"generation without PDFs: {args.variants} variants, mean {1000 * statistics.fmean(seconds):.1f} ms, "
        f"median {1000 * statistics.median(seconds):.1f} ms, max {1000 * max(seconds):.1f} ms per variant"
    )
    if args.students <= 0:
        return 0
    with tempfile.TemporaryDirectory(prefix="hw6-bench-") as tmp:
        tmp = Path(tmp)
        roster = tmp / "roster.csv"
        with roster.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name"])
            writer.writerows((f"s{i:04d}", f"Student {i}") for i in range(args.students))
        start = time.perf_counter()
        result = run_batch(roster, tmp / "batch", jobs=args.jobs, progress=False)
        batch_seconds = time.perf_counter() - start
        assert not result.failed, result.failed
        copies = []
        for folder in sorted((tmp / "batch").iterdir()):
            if folder.is_dir():
                for kind in ("problems", "solutions"):
                    target = tmp / "alone" / f"{folder.name}-{kind}"
                    target.mkdir(parents=True)
                    for item in folder.iterdir():
                        if item.suffix != ".pdf" and item.is_file():
                            shutil.copy(item, target)
                    if (folder / "figures").is_dir():
                        shutil.copytree(folder / "figures", target / "figures")
                    copies.append(target / f"{kind}.tex")
        alone_seconds = latexmk_alone(copies, args.jobs)
    print(f"batch of {args.students} students with PDFs, --jobs {args.jobs}: {batch_seconds:.1f} s")
    print(f"latexmk alone on the same {len(copies)} .tex files, {args.jobs} at a time: {alone_seconds:.1f} s")
    print(f"ratio batch / latexmk alone: {batch_seconds / alone_seconds:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
