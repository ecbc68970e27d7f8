"""The grader of ``numbers``: measured values, right within the key's tolerance."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .algebra import Space
from .answers import as_list, prefixed, scalar_text
from .feedback import count_text, entries_text, join
from .graders import Grader, exact_number, tolerance_rule
from .limits import AnswerError
from .verdicts import Verdict, correct, incorrect


class NumbersGrader(Grader):
    """``numbers``: measured values, right within the key's tolerance.

    ``tolerance`` (absolute) or ``rtol`` (relative) may be given; by default a
    value may differ by half a unit in the last decimal the key shows. With a
    ``below`` extra (one bound per entry) the values are the student's own
    measurements: each is right when it is at least 0 and below its bound.
    """

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.numbers = Space((), seed=part_id)
        self.scalar = not isinstance(spec["value"], (list, tuple))
        self.ordered = bool(spec.get("ordered", True))
        self.key = [self.number(v) for v in ([spec["value"]] if self.scalar else spec["value"])]
        self.tolerance = tolerance_rule(spec, half=True)
        self.key_tolerances = [
            self.tolerance(v, text) for v, text in zip(self.key, self._texts(spec["value"]), strict=False)
        ]
        below = spec.get("below")
        self.bounds = (
            None
            if below is None
            else [self.number(b) for b in (below if isinstance(below, (list, tuple)) else [below])]
        )

    @staticmethod
    def _texts(value: Any) -> list[str]:
        values = [value] if not isinstance(value, (list, tuple)) else value
        return [scalar_text(v, "a number") for v in values]

    def number(self, raw: Any) -> Fraction:
        return exact_number(self.numbers, raw)

    def check(self, answer: Any) -> Verdict:
        raw = (
            [answer] if self.scalar and not isinstance(answer, (list, tuple)) else as_list(answer, "a list of numbers")
        )
        student = []
        for index, entry in enumerate(raw):
            try:
                student.append(self.number(entry))
            except AnswerError as error:
                raise (error if self.scalar else prefixed(f"entry {index + 1}", error)) from None
        if len(student) != len(self.key):
            hits = 0
            wrong = list(range(len(student)))
        elif self.bounds is not None:
            wrong = [i for i, (s, bound) in enumerate(zip(student, self.bounds, strict=False)) if not 0 <= s < bound]
            hits = len(student) - len(wrong)
        else:
            wrong = [
                i
                for i, (s, k, tol) in enumerate(zip(student, self.key, self.key_tolerances, strict=False))
                if abs(s - k) > tol
            ]
            hits = len(student) - len(wrong)
        if hits == len(self.key) and len(student) == len(self.key):
            return correct()
        credit = Fraction(hits, max(len(self.key), len(student), 1))
        if self.scalar:
            if self.bounds is not None:
                return incorrect("not below the target")
            return incorrect("not within the tolerance of the expected value")
        details = [entries_text(wrong)] if len(student) == len(self.key) else [count_text(len(self.key), len(student))]
        return incorrect(join(*details), credit)
