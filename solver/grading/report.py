"""What ``hw6 check`` prints: a table per student, or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..engine.runner import PartResult, StudentResult, summary
from ..engine.verdicts import UNGRADED
from ..io.text import table

TABLE_FEEDBACK = 100  # characters of feedback in a table row; JSON has all of it


def part_json(part: PartResult) -> dict[str, Any]:
    data: dict[str, Any] = {"status": part.status, "score": part.score, "max_score": part.max_score}
    data["feedback"] = part.feedback
    if part.method:
        data["method"] = part.method
    if part.mistake is not None:
        data["mistake"] = part.mistake  # index into the key's mistakes, for hw6 report
    return data


def class_json(results: Sequence[StudentResult]) -> list[dict[str, Any]]:
    """Every student's JSON; students with the same part result share its mapping (written once)."""
    shared: dict[int, tuple[PartResult, dict[str, Any]]] = {}
    return [student_json(result, shared) for result in results]


def student_json(
    result: StudentResult, shared: dict[int, tuple[PartResult, dict[str, Any]]] | None = None
) -> dict[str, Any]:
    parts = {}
    for part_id, part in result.parts.items():
        if shared is None:
            parts[part_id] = part_json(part)
            continue
        if (known := shared.get(id(part))) is None or known[0] is not part:
            known = shared[id(part)] = (part, part_json(part))  # the result is kept: its id stays its own
        parts[part_id] = known[1]
    data: dict[str, Any] = {
        "student": result.student,
        "seed": result.seed,
        "parts": parts,
        "score": result.score,
        "max_score": result.max_score,
    }
    if result.notes:
        data["notes"] = list(result.notes)
    return data


def student_table(result: StudentResult) -> str:
    rows = []
    for part in result.parts.values():
        score = "-" if part.status == UNGRADED else f"{part.score}/{part.max_score}"
        feedback = " ".join(part.feedback.split())
        if len(feedback) > TABLE_FEEDBACK:
            feedback = feedback[: TABLE_FEEDBACK - 1] + "…"
        rows.append((part.part, part.status, score, feedback))
    lines = [
        f"{result.student}: {result.score} / {result.max_score}",
        table(("part", "verdict", "score", "feedback"), rows),
    ]
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def class_tables(results: Sequence[StudentResult]) -> str:
    counts = summary(results)
    totals = ", ".join(f"{counts[s]} {s}" for s in ("correct", "incorrect", "invalid", "ungraded") if s in counts)
    students = f"{len(results)} student" + ("" if len(results) == 1 else "s")
    return "\n\n".join([*(student_table(r) for r in results), f"{students}; answers: {totals or 'none'}"])
