"""Graders of list-shaped answers with exact entries: ``expr_list``, ``vector`` and ``matrix``."""

from __future__ import annotations

import re
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
from .feedback import (
    NOT_EQUAL,
    compile_mistakes,
    count_text,
    entries_text,
    expected_count,
    find_mistake,
    join,
    list_text,
)
from .graders import Grader, exact_number, in_symbols, read_key, read_syntax, space_for
from .grid import RAGGED, read_matrix, read_vector
from .keyspec import PartSpec
from .limits import AnswerError
from .tokens import without_math_delimiters
from .verdicts import Verdict, correct, incorrect


class ListGrader(Grader):
    """A list with per-entry credit, wrong entries named (:class:`ExpressionListGrader`,
    :class:`VectorGrader` say how an answer's entries are read and what they are).

    A vector key may also be a word (``"none"``): then the answer must be that
    word or one of ``accepted``.
    """

    noun = "exact number"  # what one entry is, in the answers template

    def __init__(self, part_id: str, spec: PartSpec):
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
        for index, entry in enumerate(self.entries(answer)):
            try:
                values.append(self.space.read(scalar_text(entry, "a number or expression")))
            except AnswerError as error:
                raise prefixed(f"entry {index + 1}", error) from None
        return values

    def entries(self, answer: Any) -> list:
        """The answer's entries, not yet read."""
        raise NotImplementedError

    def read_entry(self, entry: Any) -> None:
        """Read one entry as :meth:`check` would (syntax, symbols, limits), or raise AnswerError."""
        raise NotImplementedError

    def takes_words(self) -> bool:
        return isinstance(self.key, str) or any(isinstance(a, str) for a in self.accepted)

    def check_format(self, answer: Any) -> None:
        if self.takes_words() and isinstance(answer, str) and not re.search(r"[,\[\]]", answer):
            return  # a word such as "none", which the grader compares as a word
        entries = self.entries(answer)
        expected_count(len(entries), None if isinstance(self.key, str) else len(self.key), "entries")
        for index, entry in enumerate(entries):
            try:
                self.read_entry(entry)
            except AnswerError as error:
                raise AnswerError(f"entry {index + 1}: {error}") from None

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


class ExpressionListGrader(ListGrader):
    """``expr_list``: a list of expressions."""

    def entries(self, answer: Any) -> list:
        return expression_entries(answer)

    def read_entry(self, entry: Any) -> None:
        read_syntax(self.space, entry)

    def expects(self) -> str:
        return in_symbols(self.space, list_text(_count(self.spec.get("value")), "expression", "expressions"))


class VectorGrader(ListGrader):
    """``vector``: a list of exact numbers (or a word such as "none" where the key is one)."""

    def entries(self, answer: Any) -> list:
        return read_vector(answer)

    def read_entry(self, entry: Any) -> None:
        exact_number(self.space, entry)

    def expects(self) -> str:
        value = self.spec.get("value")
        if not isinstance(value, list):
            return "a list of exact numbers (integers or fractions such as -1/2), or a word if no list fits"
        return list_text(len(value), "exact number", "exact numbers") + " (integers or fractions such as -1/2)"


def _count(value: Any) -> int | None:
    return len(value) if isinstance(value, (list, tuple)) else None


class MatrixGrader(Grader):
    """``matrix``: exact entries, per-entry credit, wrong entries named by row and column."""

    def __init__(self, part_id: str, spec: PartSpec):
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

    def expects(self) -> str:
        rows, columns = self.shape(self.key)
        return f"a list of {rows} rows, each a list of {columns} exact numbers (integers or fractions such as -1/2)"

    def check_format(self, answer: Any) -> None:
        shape = self.shape(self.read(answer))
        rows, columns = self.shape(self.key)
        if shape != (rows, columns):
            got = "rows of different lengths" if -1 in shape else "{}×{}".format(*shape)
            raise AnswerError(f"expected {rows} rows of {columns} entries, got {got}")

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
