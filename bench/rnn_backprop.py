"""Benchmark Problem 1: the exact solver against the naive SymPy route, same run.

The naive route builds the nested expression w*(u_T + w*(... )), expands it
and differentiates; it takes seconds at T = 50 and hits Python's recursion
limit around T = 100. The solver keeps values as linear-in-u polynomials.

    python bench/rnn_backprop.py [--steps 3 50 200 1000]
"""

from __future__ import annotations

import argparse
import sys
import time

import sympy as sp

from solver.problems import rnn_backprop as rb


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_all(steps: int) -> None:
    """Every answer the naive way: forward values, adjoints by diff, edges, total."""
    u = sp.symbols(f"u1:{steps + 1}")
    node_values, h = [], sp.Integer(0)
    for u_i in u:
        a = u_i + h
        h = rb.W * a
        node_values += [a, h]
    y = h
    sp.expand(sp.diff(y, rb.W))
    for value in node_values:
        sp.expand(value)
    # The edges: differentiate y with respect to each step's own copy of w.
    copies = sp.symbols(f"v1:{steps + 1}")
    h = sp.Integer(0)
    for u_i, v in zip(u, copies, strict=False):
        h = v * (u_i + h)
    for v in copies:
        sp.expand(sp.diff(h, v).subs({c: rb.W for c in copies}))


def naive_y_and_dydw(steps: int) -> None:
    """The route the issue measured: expand y, differentiate it."""
    rb.naive_solve(steps)


def exact_all(steps: int, with_key: bool) -> None:
    solution = rb.solve(rb.Params(steps))
    if with_key:
        rb.parts(solution)  # every answer printed as SymPy text and LaTeX


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[3, 50, 200, 1000])
    parser.add_argument("--naive-limit", type=int, default=60, help="largest T to try the naive route on")
    args = parser.parse_args()
    print("solve = forward values, adjoints, edges, total, dy/dw (exact);  + key = also printed as text and LaTeX")
    print(
        "naive y = expand(y), diff (the issue's baseline);  naive all = every answer through nested SymPy expressions"
    )
    header = ("T", "solve", "solve + key", "naive y", "ratio", "naive all", "ratio")
    print("".join(f"{h:>15}" for h in header))
    for steps in args.steps:
        repeat = 5 if steps <= 50 else 1
        solve_time = best_of(lambda steps=steps: exact_all(steps, False), repeat)
        full_time = best_of(lambda steps=steps: exact_all(steps, True), repeat)
        row = [f"{steps}", f"{solve_time:.4f}s", f"{full_time:.4f}s"]
        for baseline in (naive_y_and_dydw, naive_all):
            if steps > args.naive_limit:
                row += ["skipped", "-"]
                continue
            try:
                naive_time = best_of(lambda baseline=baseline, steps=steps: baseline(steps), 1)
                row += [f"{naive_time:.3f}s", f"{naive_time / full_time:.0f}x"]
            except RecursionError:
                row += ["RecursionError", "-"]
        print("".join(f"{c:>15}" for c in row))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
