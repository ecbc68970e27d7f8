"""Gradescope autograder output (``/autograder/results/results.json``).

The shape follows Gradescope's autograder specification: a top-level
``score``, ``output`` and ``tests``; each test has ``name``, ``number``,
``score``, ``max_score``, ``status`` (passed/failed) and ``output``.
Parts graded by a person (written, personal, data) become hidden tests worth
nothing: their output is the reference answer, for staff only. Expected answers
of graded parts never appear in any output. Gradescope renders ``output`` as
HTML, and feedback may quote a student's text: every output is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .. import __version__
from .runner import StudentResult, summary
from .verdicts import CORRECT, UNGRADED


def results_json(result: StudentResult) -> dict[str, Any]:
    tests = []
    for part in result.parts.values():
        test: dict[str, Any] = {
            "name": f"Part {part.part}",
            "number": part.part,
            "score": part.score,
            "max_score": part.max_score,
            "output": html.escape(part.status + (f": {part.feedback}" if part.feedback else ""), quote=False),
        }
        if part.status == UNGRADED:
            test["visibility"] = "hidden"
        else:
            test["status"] = "passed" if part.status == CORRECT else "failed"
        tests.append(test)
    counts = summary([result])
    totals = ", ".join(f"{counts[s]} {s}" for s in ("correct", "incorrect", "invalid") if s in counts)
    output = f"Checked by hw6 {__version__}: {totals or 'nothing to grade'}."
    if result.notes:
        output += "\n" + "\n".join(f"Note: {note}" for note in result.notes)
    output = f"Student: {result.student}\n{output}"
    return {
        "score": result.score,
        "output": html.escape(output, quote=False),
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def file_name(student: str, taken: set[str]) -> str:
    """``<student>.json`` with only safe characters, unique within ``taken``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"
    name, number = f"{stem}.json", 2
    while name in taken:
        name, number = f"{stem}-{number}.json", number + 1
    taken.add(name)
    return name
