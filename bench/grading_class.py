"""Benchmark the class path end to end: ``hw6 check class.csv --json`` against parse_expr + .equals, same run.

A synthetic class (every expression part of the homework's key answered the
ways of :mod:`tests.support.synthetic_answers`: right, wrong, modelled mistakes,
junk) is written as a CSV and graded by the CLI in a subprocess: start-up,
the key, reading the cells, the workers, the JSON report. It runs twice: first
with no checked key in the cache (the key is solved and cross-checked, then
kept), then again (the key read back); the trained networks come from the
usual cache either way. The subprocess may write bytecode, as an installed hw6
has it, even when PYTHONDONTWRITEBYTECODE is set here. The baseline is
PrairieLearn's method (``sympy.parse_expr`` with implicit multiplication and
``^`` as power, then ``.equals``) on the same class's plain ASCII answers, in
this process (it never sees the junk: it would evaluate it). Ratios are printed
per second of wall time and per second of CPU (the machine may be shared: CPU
time is the steadier one).

    python bench/grading_class.py [--students 1000] [--jobs 2] [--baseline 300]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support: the synthetic answers

from solver.build.pipeline import answer_key, read_params, solve_all  # noqa: E402
from solver.engine.feedback import NO_ANSWER  # noqa: E402
from tests.support.synthetic_answers import synthetic_answer  # noqa: E402

PLAIN = re.compile(r"[\w\s+\-*/^().]+")


def write_class(parts: dict, students: int, path: Path) -> list[tuple[str, str, str]]:
    """The CSV, and its (part, answer, label) expression answers that plain parse_expr reads."""
    rng = random.Random(182)
    ids = [p for p, s in parts.items() if s["kind"] in ("expr", "expr_list")]
    plain = []
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *ids])
        for number in range(students):
            row = [f"student-{number:04d}"]
            for part_id in ids:
                answer, label = synthetic_answer(parts[part_id], rng)
                row.append(json.dumps(answer) if isinstance(answer, list) else answer)
                if isinstance(answer, str) and label != "invalid" and PLAIN.fullmatch(answer):
                    plain.append((part_id, answer, label))
            writer.writerow(row)
    return plain


def baseline(parts: dict, items: list[tuple[str, str, str]]) -> tuple[float, float]:
    """parse_expr + .equals: (answers per wall second, per CPU second), key parsing included."""
    import sympy as sp
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    transformations = standard_transformations + (implicit_multiplication_application, convert_xor)
    wall, cpu = time.perf_counter(), time.process_time()
    for part_id, text, _ in items:
        local = {name: sp.Symbol(name) for name in parts[part_id]["symbols"]}
        key = parse_expr(parts[part_id]["value"], local_dict=local, transformations=transformations)
        try:
            parse_expr(text, local_dict=local, transformations=transformations).equals(key)
        except Exception:  # noqa: BLE001, S110 - the baseline's failures are its verdict
            pass
    return len(items) / (time.perf_counter() - wall), len(items) / (time.process_time() - cpu)


def in_process_rate(parts: dict, path: Path) -> float:
    """The same class graded in this process, one core, no time limit: answers per CPU second."""
    from solver.engine.runner import compile_key, grade_answer
    from solver.grading.submissions import read_submissions

    submissions, _ = read_submissions(path, parts)
    graders = compile_key(parts)
    cpu, count = time.process_time(), 0
    for submission in submissions:
        for part_id, answer in submission.answers.items():
            grade_answer(graders, part_id, answer)
            count += 1
    return count / (time.process_time() - cpu)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cache_without_keys(folder: Path) -> Path:
    """A cache folder holding the usual cache's entries except its checked keys."""
    folder.mkdir()
    usual = Path("output/.cache")
    for kind in usual.iterdir() if usual.is_dir() else ():
        if kind.name != "checked-key":
            (folder / kind.name).symlink_to(kind.resolve(), target_is_directory=True)
    return folder


def run_cli(command: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return done, time.perf_counter() - wall, children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=300, help="answers the baseline grades")
    args = parser.parse_args(argv)

    parts = answer_key(solve_all(read_params(None)))["parts"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "class.csv"
        plain = write_class(parts, args.students, path)
        cache = cache_without_keys(Path(tmp) / "cache")
        command = [sys.executable, "-m", "solver", "check", str(path), "--json", "--jobs", str(args.jobs)]
        command += ["--cache-dir", str(cache)]
        runs = [run_cli(command), run_cli(command)]  # the key built and checked, then read back
        in_process = in_process_rate(parts, path)
        distinct = distinct_answers(path)
    for done, _, _ in runs:
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
    if runs[0][0].stdout != runs[1][0].stdout:
        print("the two runs graded differently", file=sys.stderr)
        return 1
    results = json.loads(runs[1][0].stdout)
    answers = sum(1 for r in results for p in r["parts"].values() if p["status"] != "ungraded")
    answers -= sum(1 for r in results for p in r["parts"].values() if p["feedback"] == NO_ANSWER)
    sample = random.Random(7).sample(plain, min(args.baseline, len(plain)))
    base_wall, base_cpu = baseline(parts, sample)
    print(
        f"class: {args.students} students, {answers} answers ({distinct} distinct), "
        f"hw6 check --json --jobs {args.jobs} in a subprocess"
    )
    print(f"parse_expr + .equals:     {base_wall:9.1f} answers/s wall, {base_cpu:7.1f} per CPU second ({len(sample)})")
    print(f"hw6 in this process:      {in_process:9.0f} answers per CPU second (grading only, every answer)")
    for label, (_, wall, cpu) in zip(("key built and checked", "key from the cache"), runs, strict=True):
        print(
            f"hw6 end to end, {label}: {wall:5.2f} s wall, {cpu:5.2f} s CPU: {answers / wall:6.0f} answers/s wall, "
            f"{answers / cpu:6.0f} per CPU second; {answers / wall / base_wall:4.0f}x wall, "
            f"{answers / cpu / base_cpu:4.0f}x CPU"
        )
    print(f"in-process grading alone: {in_process / base_cpu:.0f}x CPU")
    return 0


def distinct_answers(path: Path) -> int:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return len({(column, cell) for row in rows[1:] for column, cell in zip(rows[0][1:], row[1:], strict=True) if cell})


if __name__ == "__main__":
    sys.exit(main())
