"""``vector`` parts whose key is a family of solutions of a linear system (6b with rank < columns).

The key gives ``value: {"family": "[2 - t1, 1, t1]", "free": ["t1"]}`` and the
``system`` (``matrix``, ``rhs``). A student's vector is graded by membership,
exactly: a filter of numbers is right when it satisfies every equation. A
parametric answer (``[2 - t, 1, t]``, any of the usual parameter names) is right
when every member satisfies the system and its parameters span the whole
solution set (as many independent directions as the system has free unknowns).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .algebra import Space
from .answers import as_list, key_fraction, prefixed, scalar_text
from .feedback import NOT_EQUAL, count_text, join
from .graders import Grader
from .grid import read_vector
from .limits import AnswerError
from .verdicts import Verdict, correct, incorrect

PARAMETER_NAMES = ("t", "s", "r", "a", "b", "c", "k", *(f"t{i}" for i in range(1, 10)), *(f"s{i}" for i in range(1, 4)))

Vector = list[Fraction]


class FamilyGrader(Grader):
    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        system = spec["system"]
        self.matrix = [[key_fraction(v, "system.matrix") for v in row] for row in system["matrix"]]
        self.rhs = [key_fraction(v, "system.rhs") for v in system["rhs"]]
        self.columns = len(self.matrix[0])
        self.free = self.columns - _rank(self.matrix)
        names = tuple(dict.fromkeys([*spec["value"].get("free", ()), *PARAMETER_NAMES]))
        self.space = Space(names, seed=part_id)
        constant, directions = self.affine(as_list(spec["value"]["family"]))
        if not self.solves(constant, directions) or _rank(directions) != self.free:
            raise ValueError("the key's family does not solve its own system")

    def affine(self, entries: list) -> tuple[Vector, list[Vector]]:
        """The answer as constant + sum of parameter * direction, or AnswerError."""
        if len(entries) != self.columns:
            raise AnswerError(count_text(self.columns, len(entries)))
        constant: Vector = []
        by_name: dict[int, Vector] = {}
        for index, entry in enumerate(entries):
            try:
                value = self.space.read(scalar_text(entry, "a number or expression"))
            except AnswerError as error:
                raise prefixed(f"entry {index + 1}", error) from None
            if value.pair is None or not value.pair[1].is_ground:
                raise AnswerError(f"entry {index + 1}: expected a number or a linear expression in parameters")
            numerator, denominator = value.pair
            scale = _fraction(denominator.LC)
            constant.append(Fraction(0))
            for monomial, coefficient in numerator.terms():
                if sum(monomial) > 1:
                    raise AnswerError(f"entry {index + 1}: the parameters must appear linearly")
                amount = _fraction(coefficient) / scale
                if sum(monomial) == 0:
                    constant[index] += amount
                else:
                    vector = by_name.setdefault(monomial.index(1), [Fraction(0)] * self.columns)
                    vector[index] += amount
        return constant, list(by_name.values())

    def solves(self, constant: Vector, directions: list[Vector]) -> bool:
        zero = [Fraction(0)] * len(self.rhs)
        return _apply(self.matrix, constant) == self.rhs and all(_apply(self.matrix, d) == zero for d in directions)

    def check(self, answer: Any) -> Verdict:
        constant, directions = self.affine(read_vector(answer))
        if not self.solves(constant, directions):
            return incorrect(join(NOT_EQUAL, "not every equation of the system holds"))
        if not directions:
            return correct("one member of the family of solutions")
        span = _rank(directions)
        if span < self.free:
            return incorrect(f"describes only part of the solutions: {span} of {self.free} free directions")
        return correct()


def _fraction(coefficient: Any) -> Fraction:
    return Fraction(int(coefficient.numerator), int(coefficient.denominator))


def _apply(matrix: list[Vector], vector: Vector) -> Vector:
    return [sum((a * x for a, x in zip(row, vector, strict=True)), Fraction(0)) for row in matrix]


def _rank(rows: list[Vector]) -> int:
    """Exact rank by Gaussian elimination over the rationals."""
    work = [list(row) for row in rows]
    rank, columns = 0, len(work[0]) if work else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(work)) if work[r][column] != 0), None)
        if pivot is None:
            continue
        work[rank], work[pivot] = work[pivot], work[rank]
        for r in range(len(work)):
            if r != rank and work[r][column] != 0:
                factor = work[r][column] / work[rank][column]
                work[r] = [a - factor * b for a, b in zip(work[r], work[rank], strict=True)]
        rank += 1
    return rank


def vector_grader(part_id: str, spec: Mapping[str, Any]) -> Grader:
    """The grader of a ``vector`` part: by membership when the key is a family, else entry by entry."""
    from .lists import ListGrader

    if isinstance(spec.get("value"), Mapping) and "family" in spec["value"] and "system" in spec:
        return FamilyGrader(part_id, spec)
    if spec.get("value") is None and "system" in spec:
        return NoSolutionGrader(part_id, spec)
    return ListGrader(part_id, spec)


# What a student may write when no filter exists (case, spaces and a final full stop ignored).
NO_SOLUTION_WORDS = frozenset(
    ["none", "no filter", "no such filter", "no filter exists", "no solution", "impossible", "does not exist"]
)


class NoSolutionGrader(Grader):
    """A ``vector`` whose key is "no filter fits" (value None, a ``reason``, an inconsistent ``system``):
    "none" or "no filter" is right, any filter wrong (it cannot satisfy every equation)."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        system = spec["system"]
        matrix = [[key_fraction(v, "system.matrix") for v in row] for row in system["matrix"]]
        rhs = [key_fraction(v, "system.rhs") for v in system["rhs"]]
        if _rank(matrix) == _rank([[*row, b] for row, b in zip(matrix, rhs, strict=True)]):
            raise ValueError("the key says no filter fits, but its system has a solution")

    def check(self, answer: Any) -> Verdict:
        if isinstance(answer, str) and " ".join(answer.lower().split()).rstrip(".") in NO_SOLUTION_WORDS:
            return correct()
        if isinstance(answer, (list, tuple)) or (isinstance(answer, str) and answer.lstrip().startswith("[")):
            return incorrect("no filter satisfies every equation of this system, so no filter is right")
        raise AnswerError("expected a filter (a list of numbers), or 'no filter' when none exists")
