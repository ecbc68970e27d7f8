"""Reading what ``hw6 check --json`` printed for a class: one record per student, checked field by field.

The file is data staff produced, but it may have been edited or cut short, so every field is
checked and a wrong one is an :class:`InputFileError` naming the student and the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..io.files import json_records, read_text
from ..kernel.errors import InputFileError

# ``hw6 check --json`` prints about 12 KiB a student: a class of 50,000 is about 600 MiB, read one
# student at a time (:func:`json_records`), so the limit allows three times that.
MAX_RESULTS_BYTES = 2 * 2**30
STATUSES = ("correct", "incorrect", "invalid", "ungraded")
DEFAULT_VARIANT = "default key"  # students graded without a seed: the homework or a --params file


@dataclass(frozen=True)
class PartGrade:
    status: str
    score: float
    max_score: float
    feedback: str
    mistake: int | None  # index of the key's modelled mistake the answer matched


@dataclass(frozen=True)
class StudentGrades:
    student: str
    seed: int | None
    parts: Mapping[str, PartGrade]
    score: float
    max_score: float

    @property
    def variant(self) -> str:
        return DEFAULT_VARIANT if self.seed is None else f"seed {self.seed}"


def read_results(path: str | Path) -> list[StudentGrades]:
    """The students in ``path`` (a JSON list, or one student's object)."""
    path = Path(path)
    text = read_text(path, MAX_RESULTS_BYTES, "a JSON file")
    students = []
    for number, (_, record) in enumerate(json_records(text, str(path)), start=1):
        if number == 1 and not isinstance(record, Mapping):
            break
        students.append(_student(record, f"{path}: student {number}"))
    if not students:
        raise InputFileError(f"{path}: expected the JSON list that 'hw6 check --json' prints for a class")
    return students


def _student(record: Any, where: str) -> StudentGrades:
    if not isinstance(record, Mapping):
        raise InputFileError(f"{where}: expected an object with student, seed, parts, score and max_score")
    name = record.get("student")
    if not isinstance(name, str):
        raise InputFileError(f"{where}: student: expected a name (text), got {_shown(name)}")
    where = f"{where} ({name[:40]!r})"
    seed = record.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise InputFileError(f"{where}: seed: expected a non-negative integer or null, got {_shown(seed)}")
    parts = record.get("parts")
    if not isinstance(parts, Mapping):
        raise InputFileError(f"{where}: parts: expected an object from part ids to results")
    grades = {str(part_id): _part(part, f"{where}: parts.{part_id}") for part_id, part in parts.items()}
    score = _number(record.get("score"), f"{where}: score")
    max_score = _number(record.get("max_score"), f"{where}: max_score")
    return StudentGrades(name, seed, grades, score, max_score)


def _part(part: Any, where: str) -> PartGrade:
    if not isinstance(part, Mapping):
        raise InputFileError(f"{where}: expected an object with status, score, max_score and feedback")
    status = part.get("status")
    if status not in STATUSES:
        raise InputFileError(f"{where}.status: expected one of {', '.join(STATUSES)}, got {_shown(status)}")
    score = _number(part.get("score"), f"{where}.score")
    max_score = _number(part.get("max_score"), f"{where}.max_score")
    if score > max_score:
        raise InputFileError(f"{where}.score: expected at most max_score ({max_score:g}), got {score:g}")
    feedback = part.get("feedback", "")
    if not isinstance(feedback, str):
        raise InputFileError(f"{where}.feedback: expected text, got {_shown(feedback)}")
    mistake = part.get("mistake")
    if mistake is not None and (isinstance(mistake, bool) or not isinstance(mistake, int) or mistake < 0):
        raise InputFileError(f"{where}.mistake: expected a non-negative integer, got {_shown(mistake)}")
    return PartGrade(status, score, max_score, feedback, mistake)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InputFileError(f"{where}: expected a number, got {_shown(value)}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise InputFileError(f"{where}: expected a number from 0 up, got {_shown(value)}")
    return number


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
