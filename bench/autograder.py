"""Time per submission of the Gradescope autograder, against starting its Python.

Exports the autograder for one seed, unpacks it, runs its setup.sh into a fresh venv (pip
downloads the grading dependencies the first time), then times run_autograder on a filled
answers template. The baseline is the same venv's ``python -c pass`` and ``import solver``,
measured in the same run: what no grader can avoid.

    python bench/autograder.py [--runs 5] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from solver.cli import main as hw6
    from solver.grading.answer_format import template_text
    from solver.grading.check import checked_parts
    from solver.kernel.problem import BuildContext
    from solver.variants.draw import draw

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        assert hw6(["export", "gradescope", "--seed", str(args.seed), "--out", str(base / "ag.zip")]) == 0
        print(f"zip: {(base / 'ag.zip').stat().st_size:,} bytes")
        with zipfile.ZipFile(base / "ag.zip") as archive:
            archive.extractall(base / "source")
        env = {**os.environ, "AUTOGRADER_ROOT": str(base), "PYTHON": sys.executable}
        print(f"setup.sh: {timed(['bash', str(base / 'source' / 'setup.sh')], env):.1f} s")
        drawn = draw(args.seed, BuildContext())
        parts = checked_parts(drawn.solved, drawn.variant)
        lines = []
        for line in template_text(parts, "").splitlines():
            if line and not line.startswith("#"):
                label = line.split(":   #")[0]
                line = (
                    f"{label}: {json.dumps(parts[json.loads(label) if label.startswith(chr(34)) else label]['value'])}"
                )
            lines.append(line)
        (base / "submission").mkdir()
        (base / "submission" / "answers.yaml").write_text("\n".join(lines) + "\n")
        (base / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "a@b.c", "id": 1}]}))
        python = str(base / "hw6-venv" / "bin" / "python")
        bare = [timed([python, "-c", "pass"], env) for _ in range(args.runs)]
        imports = [
            timed([python, "-c", "import solver.export.autograder, solver.build.pipeline"], env)
            for _ in range(args.runs)
        ]
        grading = [timed(["bash", str(base / "source" / "run_autograder")], env) for _ in range(args.runs)]
        results = json.loads((base / "results" / "results.json").read_text())
        assert results["score"] > 0 and all(t.get("status") != "failed" for t in results["tests"]), results["output"]
        for label, times in (("python -c pass", bare), ("import hw6", imports), ("run_autograder", grading)):
            median = statistics.median(times)
            print(f"{label:16s} median {median:.2f} s  ({median / statistics.median(bare):.1f}x python start)")


if __name__ == "__main__":
    main()
