"""grading's core imports with only the standard library, numpy and sympy (it ships alone to platforms)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

CORE = (
    "limits", "tokens", "syntax", "budget", "algebra", "complexity", "answers", "verdicts",
    "feedback", "graders", "lists", "sequences", "numbers", "kinds", "runner",
)  # fmt: skip

PROBE = textwrap.dedent(
    """
    import importlib, importlib.abc, json, sys

    BLOCKED = ("yaml", "jinja2", "matplotlib", "torch")

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"blocked: {name}")
            return None

    sys.meta_path.insert(0, Block())
    for module in sys.argv[1].split(","):
        importlib.import_module("solver.engine." + module)
    from solver.engine.kinds import compile_part

    grader = compile_part("1b", {"kind": "expr", "value": "3*w**2*u1", "symbols": ["w", "u1"]})
    verdicts = [grader.grade(text).status for text in ("3 w^2 u1", "3 w u1")]
    loaded = sorted(m for m in sys.modules if m.startswith("solver.") and not m.startswith("solver.engine"))
    print(json.dumps({"verdicts": verdicts, "loaded": loaded}))
    """
)


def test_grading_core_imports_without_yaml_jinja_matplotlib_or_the_rest_of_solver():
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(CORE)], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["verdicts"] == ["correct", "incorrect"], report
    assert report["loaded"] == [], f"grading's core imported {report['loaded']}"


def test_core_reads_the_kinds_from_the_one_registry():
    from solver.engine import kinds
    from solver.kernel import problem

    assert problem.PART_KINDS is kinds.PART_KINDS
    assert set(kinds.LIST_KINDS) <= set(kinds.GRADED_KINDS) < set(kinds.PART_KINDS)
    assert set(kinds.UNGRADED_KINDS) == {"data", "written", "personal"}
