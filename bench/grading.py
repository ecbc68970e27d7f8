"""Benchmark grading: hw6's parser and exact comparison against parse_expr + .equals, same run.

The baseline is PrairieLearn's method: ``sympy.parse_expr`` (with implicit
multiplication and ``^`` as power) and ``expr.equals(key)``. It runs only here,
on the trusted corpus, never on student input. The corpus is every Problem 1
expression part written in the forms of :mod:`tests.support.synthetic_answers`,
plus wrong forms and the key's modelled mistakes; verdicts are compared on the
forms both methods read (plain ASCII), and hw6's alone on LaTeX and Unicode.
Then a synthetic class is graded through the worker processes.

    python bench/grading.py [--students 1000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support: the synthetic answers

from solver.build.pipeline import answer_key, read_params, solve_all  # noqa: E402
from solver.engine.runner import compile_key, grade_answer, grade_submissions, summary  # noqa: E402
from solver.grading.submissions import Submission  # noqa: E402
from tests.support.synthetic_answers import equivalent_forms, synthetic_answer, wrong_forms  # noqa: E402


def corpus(parts: dict) -> list[tuple[str, str, str, bool]]:
    """(part id, answer text, expected verdict, readable by parse_expr) for every expression part."""
    rng = random.Random(2023)
    items = []
    for part_id, spec in parts.items():
        if spec["kind"] != "expr":
            continue
        symbols = spec["symbols"]
        items += [(part_id, f.text, "correct", f.ascii) for f in equivalent_forms(spec["value"], symbols)]
        items += [(part_id, f.text, "incorrect", f.ascii) for f in wrong_forms(spec["value"], symbols, rng)]
        items += [
            (part_id, m["value"], "incorrect", True) for m in spec.get("mistakes", []) if _only(m["value"], symbols)
        ]
    return items


def _only(text: str, symbols: list[str]) -> bool:
    """Mistakes of 1c may use u1...; the baseline reads only the part's own symbols."""
    import re

    return set(re.findall(r"[A-Za-z]\w*", text)) <= set(symbols)


def hw6_rate(graders, items, seconds: float = 2.0) -> tuple[float, list[str]]:
    verdicts = [grade_answer(graders, part, text).status for part, text, _, _ in items]
    checks, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for part, text, _, _ in items:
            grade_answer(graders, part, text)
        checks += len(items)
    return checks / (time.perf_counter() - start), verdicts


def baseline(parts, items) -> tuple[float, list[str]]:
    """parse_expr + .equals, on trusted text only."""
    import sympy as sp
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    transformations = standard_transformations + (implicit_multiplication_application, convert_xor)
    verdicts, start = [], time.perf_counter()
    for part, text, _, _ in items:
        local = {name: sp.Symbol(name) for name in parts[part]["symbols"]}
        key = parse_expr(parts[part]["value"], local_dict=local, transformations=transformations)
        try:
            answer = parse_expr(text, local_dict=local, transformations=transformations)
            verdicts.append("correct" if answer.equals(key) else "incorrect")
        except Exception:  # noqa: BLE001 - the baseline's failures are its verdict
            verdicts.append("invalid")
    return len(items) / (time.perf_counter() - start), verdicts


def synthetic_class(parts: dict, students: int) -> tuple[list[Submission], list[dict[str, str]]]:
    rng = random.Random(182)
    submissions, expected = [], []
    for number in range(students):
        answers, labels = {}, {}
        for part_id, spec in parts.items():
            if spec["kind"] in ("expr", "expr_list"):
                answers[part_id], labels[part_id] = synthetic_answer(spec, rng)
        submissions.append(Submission(f"student-{number:04d}", answers))
        expected.append(labels)
    return submissions, expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    parts = answer_key(solve_all(read_params(None)))["parts"]
    graders = compile_key(parts)
    items = corpus(parts)
    shared = [item for item in items if item[3]]

    rate, verdicts = hw6_rate(graders, items)
    wrong = [(item, v) for item, v in zip(items, verdicts, strict=False) if v != item[2]]
    print(f"corpus: {len(items)} answers to {len({i[0] for i in items})} parts ({len(shared)} in plain ASCII)")
    print(
        f"hw6 (one core):            {rate:9.0f} checks/s; {len(items) - len(wrong)}/{len(items)} verdicts as expected"
    )
    for (part, text, expected, _), verdict in wrong:
        print(f"  unexpected: {part} {text!r}: {verdict}, expected {expected}")

    shared_rate, shared_verdicts = hw6_rate(graders, shared, seconds=1.0)
    base_rate, base_verdicts = baseline(parts, shared)
    same = sum(a == b for a, b in zip(shared_verdicts, base_verdicts, strict=False))
    print(f"parse_expr + .equals:      {base_rate:9.1f} checks/s on the ASCII forms")
    print(
        f"ratio:                     {shared_rate / base_rate:9.0f}x faster (hw6 {shared_rate:.0f} checks/s on the same forms)"
    )
    print(f"verdicts identical:        {same}/{len(shared)}")
    for item, ours, theirs in zip(shared, shared_verdicts, base_verdicts, strict=False):
        if ours != theirs:
            print(f"  differ: {item[0]} {item[1]!r}: hw6 {ours}, baseline {theirs}")

    submissions, expected = synthetic_class(parts, args.students)
    start = time.perf_counter()
    results = grade_submissions(parts, submissions, jobs=args.jobs, graders=graders)
    elapsed = time.perf_counter() - start
    answers = sum(len(s.answers) for s in submissions)
    agree = sum(
        r.parts[p].status == label for r, labels in zip(results, expected, strict=False) for p, label in labels.items()
    )
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary(results).items()))
    print(
        f"class: {args.students} students x {len(expected[0])} parts = {answers} answers with {args.jobs} workers "
        f"in {elapsed:.1f} s ({answers / elapsed:.0f} answers/s): {counts}; {agree}/{answers} as generated"
    )
    return 0 if not wrong and same == len(shared) else 1


if __name__ == "__main__":
    sys.exit(main())
