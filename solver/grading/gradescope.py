"""Gradescope autograder output (``/autograder/results/results.json``).

The shape follows Gradescope's autograder specification: a top-level ``score``,
``output``, ``stdout_visibility`` and ``tests``; each test has ``name``,
``number``, ``score``, ``max_score``, ``status`` (passed/failed) and ``output``.

Visibility: Gradescope hides a student's total while any test is hidden, so no
test is hidden by default. Parts a person grades (written, personal, data) are
visible tests worth nothing that say so; their reference answers appear in no
output, and neither does the expected answer of a graded part. Staff who want
results held back until they publish them pass ``visibility="after_published"``.
Gradescope renders ``output`` as HTML, and feedback may quote a student's text: every
output is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..engine.runner import StudentResult, summary
from ..engine.verdicts import CORRECT, UNGRADED

VISIBILITIES = ("visible", "after_published")
STAFF_GRADED = "Graded by the course staff, not by the autograder; it adds no points here."


def results_json(
    result: StudentResult,
    *,
    visibility: str = "visible",
    titles: Mapping[str, str] | None = None,
    output: str = "",
    extra_data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``titles`` maps part ids to the title shown after the id; ``output`` is put before the summary."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}, got {visibility!r}")
    tests = []
    for index, part in enumerate(result.parts.values(), start=1):
        title = (titles or {}).get(part.part)
        test: dict[str, Any] = {
            "name": f"{part.part}: {title}" if title else f"Part {part.part}",
            "number": test_number(part.part, index),
            "score": part.score,
            "max_score": part.max_score,
        }
        if part.status == UNGRADED:
            test["output"] = STAFF_GRADED
        else:
            test["status"] = "passed" if part.status == CORRECT else "failed"
            test["output"] = html.escape(part.status + (f": {part.feedback}" if part.feedback else ""), quote=False)
        test["visibility"] = visibility
        tests.append(test)
    counts = summary([result])
    totals = ", ".join(f"{counts[s]} {s}" for s in ("correct", "incorrect", "invalid") if s in counts)
    lines = [f"Student: {result.student}"] + ([output] if output else [])
    lines.append(f"Checked by hw6 {__version__}: {totals or 'nothing to grade'}.")
    lines += [f"Note: {note}" for note in result.notes]
    data: dict[str, Any] = {
        "score": result.score,
        "output": html.escape("\n".join(lines), quote=False),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if extra_data:
        data["extra_data"] = dict(extra_data)
    return data


def test_number(part_id: str, index: int) -> str:
    """``<problem>.<index>``: Gradescope orders tests by number; the index keeps the key's order."""
    match = re.match(r"\d+", part_id)
    return f"{match.group(0)}.{index}" if match else str(index)


def file_name(student: str, taken: set[str]) -> str:
    """``<student>.json`` with only safe characters, unique within ``taken``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"
    name, number = f"{stem}.json", 2
    while name in taken:
        name, number = f"{stem}-{number}.json", number + 1
    taken.add(name)
    return name
