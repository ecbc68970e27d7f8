"""Graders of list-shaped answers with exact entries: ``expr_list``, ``vector`` and ``matrix``."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .algebra import Value
from .answers import (
    MAX_ENTRIES,
    as_list,
    as_matrix,
    looks_numeric,
    prefixed,
    scalar_text,
    split_outside_brackets,
    split_top_level,
    word,
)
from .feedback import NOT_EQUAL, compile_mistakes, count_text, entries_text, find_mistake, join
from .graders import Grader, read_key, space_for
from .grid import RAGGED, read_matrix, read_vector
from .limits import AnswerError
from .tokens import without_math_delimiters
from .verdicts import Verdict, correct, incorrect


class ListGrader(Grader):
    """``expr_list`` and ``vector``: per-entry credit, wrong entries named.

    A vector key may also be a word (``"none"``): then the answer must be that
    word or one of ``accepted``.
    """

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        value = spec["value"]
        self.ordered = bool(spec.get("ordered", True))
        self.space = space_for(part_id, spec)
        self.key = self.read_key_value(value)
        self.accepted = [self.read_key_value(v) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, self.read_key_value)

    def read_key_value(self, value: Any) -> list[Value] | str:
        if isinstance(value, str) and not split_top_level(value)[1:] and not looks_numeric(value):
            return word(value)
        return [read_key(self.space, entry) for entry in as_list(value)]

    def read_answer(self, answer: Any) -> list[Value] | str:
        words = [v for v in (self.key, *self.accepted, *(m.value for m in self.mistakes)) if isinstance(v, str)]
        if isinstance(answer, str) and words and not looks_numeric(answer):
            return word(answer)  # "none", "no solution": compared as words
        values = []
        entries = read_vector(answer) if self.kind == "vector" else expression_entries(answer)
        for index, entry in enumerate(entries):
            try:
                values.append(self.space.read(scalar_text(entry, "a number or expression")))
            except AnswerError as error:
                raise prefixed(f"entry {index + 1}", error) from None
        return values

    def same(self, answer: list[Value] | str, target: list[Value] | str) -> bool:
        if isinstance(answer, str) or isinstance(target, str):
            return answer == target
        return len(answer) == len(target) and self.matched(answer, target)[0] == len(target)

    def matched(self, answer: list[Value], target: list[Value]) -> tuple[int, list[int]]:
        """How many entries match, and the 0-based positions of the answer's wrong ones."""
        if self.ordered:
            wrong = [i for i, value in enumerate(answer) if i >= len(target) or not value.same(target[i])]
            return len(answer) - len(wrong), wrong
        unused = list(range(len(target)))
        wrong = []
        for i, value in enumerate(answer):
            hit = next((j for j in unused if value.same(target[j])), None)
            if hit is None:
                wrong.append(i)
            else:
                unused.remove(hit)
        return len(answer) - len(wrong), wrong

    def check(self, answer: Any) -> Verdict:
        student = self.read_answer(answer)
        if any(self.same(student, target) for target in (self.key, *self.accepted)):
            return correct()
        mistake = find_mistake(self.mistakes, lambda value: self.same(student, value))
        if isinstance(self.key, str) or isinstance(student, str):
            return incorrect(mistake or NOT_EQUAL)
        hits, wrong = self.matched(student, self.key)
        credit = Fraction(hits, max(len(self.key), len(student), 1))
        details = [entries_text(wrong)] if wrong and len(student) <= len(self.key) else []
        if len(student) != len(self.key):
            details.append(count_text(len(self.key), len(student)))
        near = self.near_miss(student)
        if near:
            details.append(near)
        return incorrect(join(mistake, *details), credit)

    def near_miss(self, student: list[Value]) -> str | None:
        """Decimals close to exact fractions: say that exact values are wanted."""
        for value, target in zip(student, self.key, strict=False):
            if not isinstance(target, Value):
                return None
            a, b = value.pair, target.pair
            if a and b and all(p.is_ground for p in (*a, *b)) and not value.same(target):
                x, y = (self.space.ground(pair, 0) for pair in (a, b))
                if y and abs(x - y) <= abs(y) / 100:
                    return "some entries are close to the expected values: give exact numbers (fractions, not rounded decimals)"
        return None


class MatrixGrader(Grader):
    """``matrix``: exact entries, per-entry credit, wrong entries named by row and column."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.space = space_for(part_id, spec)
        self.key = self.read(spec["value"], trusted=True)
        self.accepted = [self.read(v, trusted=True) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, lambda v: self.read(v, trusted=True))

    def read(self, value: Any, trusted: bool = False) -> list[list[Value]]:
        rows = as_matrix(value) if trusted else read_matrix(value)
        if sum(len(row) for row in rows) > MAX_ENTRIES:
            raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
        matrix = []
        for r, row in enumerate(rows):
            values = []
            for c, entry in enumerate(row):
                try:
                    text = scalar_text(entry, "a number or expression")
                    values.append(read_key(self.space, text) if trusted else self.space.read(text))
                except AnswerError as error:
                    raise prefixed(f"row {r + 1}, column {c + 1}", error) from None
            matrix.append(values)
        return matrix

    @staticmethod
    def shape(matrix: list[list]) -> tuple[int, ...]:
        widths = {len(row) for row in matrix}
        return (len(matrix), widths.pop()) if len(widths) == 1 else (len(matrix), -1)

    def wrong(self, answer: list[list[Value]], target: list[list[Value]]) -> list[tuple[int, int]] | None:
        if self.shape(answer) != self.shape(target) or -1 in self.shape(answer):
            return None
        return [(r, c) for r, row in enumerate(answer) for c, value in enumerate(row) if not value.same(target[r][c])]

    def check(self, answer: Any) -> Verdict:
        try:
            student = self.read(answer)
        except AnswerError as error:
            if str(error) != RAGGED:
                raise
            rows, columns = self.shape(self.key)
            return incorrect(f"expected a {rows}×{columns} matrix, got {RAGGED}")
        for target in (self.key, *self.accepted):
            if self.wrong(student, target) == []:
                return correct()
        mistake = find_mistake(self.mistakes, lambda value: self.wrong(student, value) == [])
        wrong = self.wrong(student, self.key)
        if wrong is None:
            rows, columns = self.shape(self.key)
            got = "rows of different lengths" if -1 in self.shape(student) else "{}×{}".format(*self.shape(student))
            return incorrect(join(mistake, f"expected a {rows}×{columns} matrix, got {got}"))
        total = sum(len(row) for row in self.key)
        cells = [f"({r + 1}, {c + 1})" for r, c in wrong]
        noun = "entry" if len(cells) == 1 else "entries"
        verb = "is" if len(cells) == 1 else "are"
        detail = f"{noun} {', '.join(cells)} (row, column) {verb} wrong"
        return incorrect(join(mistake, detail), Fraction(total - len(wrong), total))


def expression_entries(answer: Any) -> list:
    """An ``expr_list`` answer's entries: a YAML list, or text whose entries are separated by
    commas, else by semicolons, else one a line (never multiplied into one product). YAML reads
    ``[a; b; c]`` as a list of the one text ``a; b; c``: that text is split the same way."""
    if isinstance(answer, (list, tuple)) and len(answer) == 1 and isinstance(answer[0], str):
        answer = answer[0]
    if isinstance(answer, str) and not split_top_level(answer)[1:]:
        body = without_math_delimiters(answer).strip()
        if len(body) >= 2 and body[0] == "[" and body[-1] == "]":
            body = body[1:-1]
        for separator in (";", "\n"):
            pieces = [piece.strip() for piece in split_top_level_on(body, separator)]
            if len([piece for piece in pieces if piece]) > 1:
                if not all(pieces):
                    raise AnswerError("an empty entry between separators")
                if len(pieces) > MAX_ENTRIES:
                    raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
                return pieces
    return as_list(answer)


def split_top_level_on(text: str, separator: str) -> list[str]:
    pieces = split_outside_brackets(text, separator)
    if separator == "\n":
        pieces = [piece for piece in pieces if piece.strip()]
    elif pieces and not pieces[-1].strip():
        pieces = pieces[:-1]  # a ; at the end
    return pieces
