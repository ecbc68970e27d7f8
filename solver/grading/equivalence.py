"""Deciding whether an answer is right, one grader per answer-key part kind.

:func:`compile_part` turns one part of the answer key into a grader once;
``grader.grade(answer)`` then returns a :class:`Verdict` for any Python value
read from a student's file: the status, the share of the part's points
earned, and feedback. Nothing here raises on bad input: an answer that cannot
be read is ``invalid`` with the reason.

    kind         answer                           equivalence, partial credit
    expr         text                             exact rational functions (numeric if not rational)
    expr_list    list of texts                    per entry; in order unless ordered: false
    vector       list of exact numbers            per entry, wrong entries named
    matrix       list of lists                    per entry, wrong entries named
    sequences    ranked list of token sequences   longest common subsequence
    complexity   big-O text                       the same class; accepted alternatives
    numbers      number(s)                        within the key's tolerance
    data, written, personal                       ungraded, reference shown
"""

from __future__ import annotations

import math
import re
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .algebra import Space, Value
from .complexity import big_o, complexity_names, describe
from .feedback import NO_ANSWER, NOT_EQUAL, compile_mistakes, count_text, entries_text, factor_text, find_mistake, join
from .parser import AnswerError, Grammar, names_in, parse

CORRECT, INCORRECT, INVALID, UNGRADED = "correct", "incorrect", "invalid", "ungraded"
MAX_ENTRIES = 1_000  # of a list answer
CONFIRM_SECONDS = 0.5  # symbolic confirmation of a numeric match; past that the numeric verdict stands


@dataclass(frozen=True)
class Verdict:
    status: str
    credit: Fraction = Fraction(0)  # share of the part's points, 0 to 1
    feedback: str = ""


def correct(feedback: str = "") -> Verdict:
    return Verdict(CORRECT, Fraction(1), feedback)


def incorrect(feedback: str, credit: Fraction = Fraction(0)) -> Verdict:
    return Verdict(INCORRECT, credit, feedback)


def invalid(message: str) -> Verdict:
    return Verdict(INVALID, Fraction(0), message)


# --------------------------------------------------------------------------- reading raw answers


def describe_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "nothing"
    return type(value).__name__


def scalar_text(value: Any, what: str = "an expression as text") -> str:
    """A scalar answer as text: strings as they are, YAML numbers in exact decimal form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, (Mapping, list, tuple)) or value is None:
        raise AnswerError(f"expected {what}, got {describe_type(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 12:
            raise AnswerError(f"the number {value} is out of range")
        return format(value, "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AnswerError(f"expected a finite number, got {value}")
        return repr(value)
    if isinstance(value, Fraction):
        return str(value)
    raise AnswerError(f"expected {what}, got {describe_type(value)}")


_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def split_top_level(text: str) -> list[str]:
    """``"[a, f(b, c)]"`` -> ``["a", "f(b, c)"]``: commas outside brackets separate entries."""
    text = text.strip()
    if len(text) >= 2 and text[0] in "[(" and _closing(text, 0) == len(text) - 1:
        text = text[1:-1]
    entries, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            entries.append(text[start:i])
            start = i + 1
    entries.append(text[start:])
    return [e.strip() for e in entries] if text.strip() else []


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _BRACKETS:
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return -1


_LATEX_MATRIX = re.compile(r"^\s*\\begin\{([pbvBV]?matrix)\}(.*)\\end\{\1\}\s*$", re.S)


def as_list(value: Any, what: str = "a list") -> list:
    if isinstance(value, (list, tuple)):
        entries = list(value)
    elif isinstance(value, str):
        entries = split_top_level(value)
    else:
        raise AnswerError(f"expected {what}, got {describe_type(value)}")
    if not entries:
        raise AnswerError("empty answer")
    if len(entries) > MAX_ENTRIES:
        raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
    return entries


def as_matrix(value: Any) -> list[list]:
    """A list of rows: YAML lists, ``"[[1, 2], [3, 4]]"`` or a LaTeX matrix."""
    if isinstance(value, str) and (match := _LATEX_MATRIX.match(value)):
        rows = [row for row in re.split(r"\\\\", match.group(2)) if row.strip()]
        return [[cell.strip() for cell in row.split("&")] for row in rows]
    rows = as_list(value, "a list of rows")
    return [as_list(row, f"row {i + 1} as a list") for i, row in enumerate(rows)]


def _prefixed(prefix: str, error: AnswerError) -> AnswerError:
    return AnswerError(f"{prefix}: {error}")


# --------------------------------------------------------------------------- graders


class Grader:
    """Base: no answer and unreadable answers are ``invalid``; subclasses implement ``check``."""

    kind = ""
    graded = True

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        self.part_id, self.spec = part_id, spec

    def grade(self, answer: Any) -> Verdict:
        if answer is None:
            return invalid(NO_ANSWER)
        if isinstance(answer, str) and not answer.strip():
            return invalid("empty answer")
        try:
            return self.check(answer)
        except AnswerError as error:
            return invalid(str(error))

    def check(self, answer: Any) -> Verdict:
        raise NotImplementedError


class ExpressionGrader(Grader):
    """``expr``: one expression, compared as an exact rational function."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.space = space_for(part_id, spec)
        self.key = read_key(self.space, spec["value"])
        self.accepted = [read_key(self.space, text) for text in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, lambda value: read_key(self.space, value))

    def check(self, answer: Any) -> Verdict:
        return self.judge(self.space.read(scalar_text(answer)))

    def judge(self, student: Value) -> Verdict:
        for target in (self.key, *self.accepted):
            if student.same(target):
                if student.exact and target.exact:
                    return correct()
                how = "" if confirm(student, target) else "equal at random points; not confirmed symbolically"
                return correct(how)
        mistake = find_mistake(self.mistakes, student.same)
        if mistake:
            return incorrect(mistake)
        factor = student.ratio(self.key)
        return incorrect(factor_text(factor) if factor is not None else NOT_EQUAL)


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
        if isinstance(value, str) and not split_top_level(value)[1:] and not _looks_numeric(value):
            return _word(value)
        return [read_key(self.space, entry) for entry in as_list(value)]

    def read_answer(self, answer: Any) -> list[Value] | str:
        words = [v for v in (self.key, *self.accepted, *(m.value for m in self.mistakes)) if isinstance(v, str)]
        if isinstance(answer, str) and words and not _looks_numeric(answer):
            return _word(answer)  # "none", "no solution": compared as words
        values = []
        for index, entry in enumerate(as_list(answer)):
            try:
                values.append(self.space.read(scalar_text(entry, "a number or expression")))
            except AnswerError as error:
                raise _prefixed(f"entry {index + 1}", error) from None
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
        details.append(self.near_miss(student))
        return incorrect(join(mistake, *details), credit)

    def near_miss(self, student: list[Value]) -> str | None:
        """Decimals close to exact fractions: say that exact values are wanted."""
        for value, target in zip(student, self.key, strict=False):
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
        rows = as_matrix(value)
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
                    raise _prefixed(f"row {r + 1}, column {c + 1}", error) from None
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
        student = self.read(answer)
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


class SequencesGrader(Grader):
    """``sequences``: a (ranked) list of token sequences, partial credit by longest common subsequence.

    Entries are ``{"sequence": [tokens], "logprob": x}``, a list of tokens or
    ``"tokens separated by spaces"``. A log-probability is optional; a wrong
    one halves that entry's credit. Order matters unless ``ordered: false``.
    """

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.ordered = bool(spec.get("ordered", True))
        self.numbers = Space((), seed=part_id)
        self.key = self.read(spec["value"])
        self.accepted = [self.read(v) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, self.read)
        self.tolerance = _tolerance(spec)

    def read(self, value: Any) -> list[tuple[tuple[str, ...], Any]]:
        if isinstance(value, str):  # one sequence per line or between semicolons
            entries = [line for line in re.split(r"[;\n]", value) if line.strip()]
        else:
            entries = as_list(value, "a list of sequences")
        result = []
        for index, entry in enumerate(entries):
            try:
                result.append(self.entry(entry))
            except AnswerError as error:
                raise _prefixed(f"sequence {index + 1}", error) from None
        return result

    def entry(self, raw: Any) -> tuple[tuple[str, ...], Any]:
        logprob = None
        if isinstance(raw, Mapping):
            if "sequence" not in raw:
                raise AnswerError("expected a 'sequence' key")
            if raw.get("logprob") is not None:
                logprob = self.number(raw["logprob"])
            raw = raw["sequence"]
        if isinstance(raw, str):
            tokens = [t for t in re.split(r"[\s,]+", raw.strip()) if t]
        elif isinstance(raw, (list, tuple)):
            tokens = []
            for token in raw:
                if isinstance(token, bool) or not isinstance(token, (str, int, Decimal)):
                    hint = (
                        " (YAML reads yes/no/on/off as true/false: quote the token)" if isinstance(token, bool) else ""
                    )
                    raise AnswerError(f"a token must be a word, got {describe_type(token)}{hint}")
                tokens.append(str(token).strip())
        else:
            raise AnswerError(f"expected a sequence of tokens, got {describe_type(raw)}")
        if not tokens or len(tokens) > MAX_ENTRIES or any(len(t) > 200 or not t for t in tokens):
            raise AnswerError("expected 1 to 1,000 tokens of at most 200 characters")
        return tuple(tokens), logprob

    def number(self, raw: Any) -> Fraction:
        return exact_number(self.numbers, raw)

    def pairs(self, answer: list, target: list) -> list[tuple[int, int]]:
        """Matched (answer, target) positions: an LCS when ordered, a multiset match otherwise."""
        a, b = [s for s, _ in answer], [s for s, _ in target]
        if not self.ordered:
            unused, pairs = list(range(len(b))), []
            for i, seq in enumerate(a):
                j = next((j for j in unused if b[j] == seq), None)
                if j is not None:
                    unused.remove(j)
                    pairs.append((i, j))
            return pairs
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(len(a) - 1, -1, -1):
            for j in range(len(b) - 1, -1, -1):
                table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
        pairs, i, j = [], 0, 0
        while i < len(a) and j < len(b):
            if a[i] == b[j]:
                pairs.append((i, j))
                i, j = i + 1, j + 1
            elif table[i + 1][j] >= table[i][j + 1]:
                i += 1
            else:
                j += 1
        return pairs

    def same_sequences(self, answer: list, target: list) -> bool:
        return len(answer) == len(target) and len(self.pairs(answer, target)) == len(target)

    def logprob_wrong(self, given: Any, expected: Any) -> bool:
        return given is not None and expected is not None and abs(given - expected) > self.tolerance(expected)

    def check(self, answer: Any) -> Verdict:
        student = self.read(answer)
        for target in (self.key, *self.accepted):
            if self.same_sequences(student, target):
                off = [i for i, j in self.pairs(student, target) if self.logprob_wrong(student[i][1], target[j][1])]
                if not off:
                    return correct()
        mistake = find_mistake(self.mistakes, lambda value: self.same_sequences(student, value))
        pairs = self.pairs(student, self.key)
        off = [i for i, j in pairs if self.logprob_wrong(student[i][1], self.key[j][1])]
        credit = Fraction(2 * len(pairs) - len(off), 2 * max(len(self.key), len(student), 1))
        found = f"{len(pairs)} of {len(self.key)} expected sequences in the right place"
        if not self.ordered:
            found = f"{len(pairs)} of {len(self.key)} expected sequences found"
        elif len(pairs) < len(self.key):
            unordered = sum(1 for s, _ in student if any(s == k for k, _ in self.key))
            if unordered > len(pairs):
                found += " (the ranking differs)"
        details = [found]
        if len(student) != len(self.key):
            details.append(count_text(len(self.key), len(student), "sequences"))
        if off:
            details.append("the log-probability of " + entries_text(off, "sequence", "sequences"))
        return incorrect(join(mistake, *details), credit)


class ComplexityGrader(Grader):
    """``complexity``: the same big-O class as the key or one of ``accepted``."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        symbols = list(spec.get("symbols") or sorted(names_in(parse(str(spec["value"]), Grammar(trusted=True)))))
        names, fold = complexity_names(symbols)
        self.grammar = Grammar(names=names, functions=("O", "log"), fold_case=fold)
        self.key = self.read(spec["value"])
        self.accepted = [self.read(v) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, self.read)

    def read(self, value: Any):
        return big_o(parse(scalar_text(value, "a big-O class as text"), self.grammar))

    def check(self, answer: Any) -> Verdict:
        student = self.read(answer)
        if student in (self.key, *self.accepted):
            return correct()
        mistake = find_mistake(self.mistakes, lambda value: value == student)
        return incorrect(mistake or f"O({describe(student)}) is not the expected class")


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
        self.tolerance = _tolerance(spec, half=True)
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
                raise (error if self.scalar else _prefixed(f"entry {index + 1}", error)) from None
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


class UngradedGrader(Grader):
    """``written``, ``personal``, ``data`` (and kinds no grader knows): the reference for a person."""

    graded = False

    def __init__(self, part_id: str, spec: Mapping[str, Any], reason: str = ""):
        super().__init__(part_id, spec)
        self.reason = reason

    def reference(self) -> str:
        reference = self.spec.get("reference")
        if reference is None:
            value = self.spec.get("value")
            reference = value if isinstance(value, str) else _compact(value)
        return str(reference)

    def grade(self, answer: Any) -> Verdict:
        note = f"not graded automatically ({self.reason}); " if self.reason else ""
        return Verdict(UNGRADED, Fraction(0), f"{note}reference: {self.reference()}")


GRADERS: dict[str, type[Grader]] = {
    "expr": ExpressionGrader,
    "expr_list": ListGrader,
    "vector": ListGrader,
    "matrix": MatrixGrader,
    "sequences": SequencesGrader,
    "complexity": ComplexityGrader,
    "numbers": NumbersGrader,
}


def compile_part(part_id: str, spec: Mapping[str, Any]) -> Grader:
    """A grader for one part; a part whose key cannot be compiled is ungraded, with why."""
    kind = spec.get("kind")
    grader_type = GRADERS.get(kind)
    if grader_type is None:
        reason = "" if kind in ("data", "written", "personal") else f"no grader for kind {kind!r}"
        return UngradedGrader(part_id, spec, reason)
    try:
        grader = grader_type(part_id, spec)
    except (AnswerError, ValueError, KeyError, TypeError) as error:
        return UngradedGrader(part_id, spec, f"the key cannot be read: {error}")
    grader.kind = kind
    return grader


# --------------------------------------------------------------------------- helpers


def space_for(part_id: str, spec: Mapping[str, Any]) -> Space:
    symbols = spec.get("symbols")
    if symbols is None:
        values = spec["value"] if isinstance(spec["value"], list) else [spec["value"]]
        found: set[str] = set()
        for value in values:
            if isinstance(value, str):
                try:
                    found |= names_in(parse(value, Grammar(trusted=True)))
                except AnswerError:
                    pass
        symbols = sorted(found - set(spec.get("substitutions") or {}))
    return Space(list(symbols), spec.get("substitutions"), spec.get("domain"), seed=part_id)


def exact_number(numbers: Space, raw: Any) -> Fraction:
    """A number written as a YAML number or as text such as "-0.87", "1/3" or "2^-1"."""
    value = numbers.read(scalar_text(raw, "a number"))
    if value.pair is None:
        raise AnswerError("expected an exact number")
    return numbers.ground(value.pair, 1)


def read_key(space: Space, value: Any) -> Value:
    """Key-side text (SymPy str() form; informal forms are read like an answer)."""
    text = scalar_text(value)
    try:
        return space.read(text, trusted=True)
    except AnswerError as strict:
        try:
            return space.read(text)
        except AnswerError as loose:
            raise AnswerError(f"{strict}; read as an answer: {loose}") from None


def confirm(student: Value, target: Value) -> bool:
    """Symbolic confirmation of a numeric match, cut off after CONFIRM_SECONDS where possible."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return False

    def give_up(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, CONFIRM_SECONDS)
    try:
        return student.confirmed(target)
    except (TimeoutError, RecursionError, ValueError, TypeError):
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _tolerance(spec: Mapping[str, Any], half: bool = False):
    """tolerance(expected, text) -> allowed |difference|: the key's, or from the digits it shows."""
    from ..core.exact import to_rational

    absolute = spec.get("tolerance")
    relative = spec.get("rtol")
    fixed = Fraction(str(to_rational(absolute, "tolerance"))) if absolute is not None else None
    rtol = Fraction(str(to_rational(relative, "rtol"))) if relative is not None else None

    def tolerance(expected: Fraction, text: str | None = None) -> Fraction:
        if fixed is not None:
            return fixed
        if rtol is not None:
            return abs(expected) * rtol
        decimals = _decimals(text) if text is not None else _decimals_of(expected)
        unit = Fraction(1, 10**decimals)
        return unit / 2 if half or decimals == 0 else unit

    return tolerance


def _decimals(text: str) -> int:
    match = re.fullmatch(r"\s*[+-]?\d*\.(\d+)\s*", text)
    return len(match.group(1)) if match else 0


def _decimals_of(value: Fraction) -> int:
    decimals = 0
    while (value * 10**decimals).denominator != 1 and decimals < 12:
        decimals += 1
    return decimals


def _looks_numeric(text: str) -> bool:
    return bool(re.search(r"[\d(\[]", text))


def _word(text: str) -> str:
    return " ".join(text.lower().strip().rstrip(".").split())


def _compact(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)
