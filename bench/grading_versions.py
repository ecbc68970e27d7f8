"""Grading speed of this tree against another checkout (e.g. the commit before a change), same run.

Each round grades the Problem 1 corpus of ``bench/grading.py`` once in a fresh
process per tree, alternating the trees, and keeps each tree's best CPU-time
rate (CPU time, not wall time: the machine is shared). Prints both rates and
their ratio.

    git worktree add --detach /tmp/before <commit>
    python bench/grading_versions.py /tmp/before [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys, time
sys.path.insert(0, ".")
import bench.grading as b
from solver.build.pipeline import answer_key, read_params, solve_all
from solver.engine.runner import compile_key, grade_answer
parts = answer_key(solve_all(read_params(None)))["parts"]
graders, items = compile_key(parts), b.corpus(parts)
for part, text, _, _ in items:
    grade_answer(graders, part, text)
best = 0.0
for _ in range(5):
    start = time.process_time()
    for part, text, _, _ in items:
        grade_answer(graders, part, text)
    best = max(best, len(items) / (time.process_time() - start))
print(best)
"""


def rate(tree: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tree, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="a checkout of the commit to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parents[1]
    ours, theirs = [], []
    for _ in range(args.rounds):
        theirs.append(rate(args.baseline))
        ours.append(rate(here))
    print(f"baseline {args.baseline}: {max(theirs):8.0f} checks/s (best of {args.rounds} rounds)")
    print(f"this tree:              {max(ours):8.0f} checks/s")
    print(f"ratio:                  {max(ours) / max(theirs):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
