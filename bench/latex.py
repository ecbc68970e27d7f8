"""Benchmark LaTeX: per-sheet time of three ways to compile, and a roster batch old path against new.

1. The same S sheets (problems and solutions of S/2 variants), each compiled from a
   fresh folder by bare latexmk, by one pdflatex pass, and by one pass from the
   precompiled preamble format (built once first, its time shown apart): mean
   seconds per sheet and the ratio latexmk / format (target >= 2).
2. A batch of N students with PDFs and --jobs J, first with ``HW6_LATEX=latexmk``
   (every sheet through latexmk, the old path), then as hw6 runs by default
   (single pass from the format, built inside the run): the ratio old / new
   (target >= 1.8).

    python bench/latex.py [--sheets 20] [--students 200] [--jobs 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from solver.build.pipeline import prepare, stage
from solver.render import texformat
from solver.variants.batch import run_batch
from solver.variants.draw import draw

FLAGS = ["-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"]
ENV = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")


def sheets(count: int, root: Path) -> list[Path]:
    """``count`` .tex files of different variants, each in its own folder with its figures."""
    files: list[Path] = []
    seed = 0
    while len(files) < count:
        drawn = draw(seed)
        staged = stage(prepare(drawn.solved, drawn.variant, notebooks=False), root)  # only the .tex files matter
        for kind in ("problems", "solutions")[: count - len(files)]:
            files.append(staged.staging / f"{kind}.tex")
        seed += 1
    return files


def timed(command: list[str], tex: Path, work: Path) -> float:
    """Seconds to run ``command`` on a fresh copy of ``tex``'s folder (staged: no sheet PDF, no .aux yet)."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(tex.parent, work, ignore=shutil.ignore_patterns("*.aux", "*.log", "*.fdb_latexmk", "*.fls"))
    start = time.perf_counter()
    subprocess.run([*command, tex.name], cwd=work, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def per_sheet(count: int, tmp: Path) -> None:
    files = sheets(count, tmp / "sheets")
    preamble = texformat.preamble_of(files[0].read_text(encoding="utf-8"))
    assert preamble is not None
    start = time.perf_counter()
    fmt = texformat.format_for(preamble, tmp / "cache")
    format_seconds = time.perf_counter() - start
    assert fmt is not None, "the preamble format could not be built (is mylatexformat installed?)"
    ways = {
        "bare latexmk": ["latexmk", "-pdf", "-quiet", *FLAGS],
        "single pdflatex pass": ["pdflatex", *FLAGS],
        "single pass, precompiled format": ["pdflatex", f"-fmt={fmt}", *FLAGS],
    }
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for tex in files:  # interleaved, so a busy moment of the machine hurts every way alike
        for name, command in ways.items():
            seconds[name].append(timed(command, tex, tmp / "work"))
    print(f"per sheet, {len(files)} sheets, mean (median) seconds; format built once in {format_seconds:.2f} s")
    for name, values in seconds.items():
        print(f"  {name:34} {statistics.fmean(values):6.2f} ({statistics.median(values):.2f})")
    ratio = statistics.fmean(seconds["bare latexmk"]) / statistics.fmean(seconds["single pass, precompiled format"])
    print(f"ratio bare latexmk / precompiled format: {ratio:.2f} (target >= 2)")


def batch(students: int, jobs: int, tmp: Path) -> None:
    roster = tmp / "roster.csv"
    with roster.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        writer.writerows((f"s{i:04d}", f"Student {i}") for i in range(students))
    warm = draw(0)  # figures and templates in memory for both runs alike
    prepare(warm.solved, warm.variant)
    runs = {}
    for name, mode in (("old (latexmk on every sheet)", "latexmk"), ("new (single pass, format)", "")):
        os.environ["HW6_LATEX"] = mode
        texformat.forget()
        start = time.perf_counter()
        result = run_batch(roster, tmp / f"batch-{mode or 'new'}", jobs=jobs, progress=False)
        runs[name] = time.perf_counter() - start
        assert not result.failed, result.failed
    os.environ.pop("HW6_LATEX")
    print(f"batch of {students} students with PDFs, --jobs {jobs}:")
    for name, value in runs.items():
        print(f"  {name:34} {value:7.1f} s  ({value / students:.2f} s per student)")
    old, new = runs.values()
    print(f"ratio old / new: {old / new:.2f} (target >= 1.8)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=20)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw6-bench-latex-") as tmp:
        if args.sheets > 0:
            per_sheet(args.sheets, Path(tmp))
        if args.students > 0:
            batch(args.students, args.jobs, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
