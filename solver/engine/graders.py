"""Deciding whether an answer is right: the grader base, shared helpers, and the graders of
``expr`` and ``complexity`` (lists and matrices: :mod:`.lists`; sequences: :mod:`.sequences`;
measured numbers: :mod:`.numbers`). Which kind uses which grader is :mod:`.kinds`.

A grader is compiled once from one part of the key; ``grader.grade(answer)``
then returns a :class:`Verdict` for any Python value read from a student's
file. Nothing here raises on bad input: an answer that cannot be read is
``invalid`` with the reason.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .algebra import Space, Value
from .answers import key_fraction, scalar_text
from .complexity import big_o, complexity_names, describe, looser_bound
from .feedback import NO_ANSWER, NOT_EQUAL, compile_mistakes, factor_text, find_mistake
from .limits import AnswerError
from .syntax import names_in, parse
from .tokens import Grammar
from .verdicts import EXACT, SAMPLED, UNGRADED, Verdict, correct, incorrect, invalid

CONFIRM_SECONDS = 0.5  # symbolic confirmation of a numeric match; past that the numeric verdict stands


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
            reference = value if isinstance(value, str) else compact(value)
        return str(reference)

    def grade(self, answer: Any) -> Verdict:
        note = f"not graded automatically ({self.reason}); " if self.reason else ""
        return Verdict(UNGRADED, Fraction(0), f"{note}reference: {self.reference()}")


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
                return correct(how, SAMPLED)
        method = EXACT if student.exact and self.key.exact else SAMPLED
        mistake = find_mistake(self.mistakes, student.same)
        if mistake:
            return incorrect(mistake, method=method)
        factor = student.ratio(self.key)
        return incorrect(factor_text(factor) if factor is not None else NOT_EQUAL, method=method)


class ComplexityGrader(Grader):
    """``complexity``: the same big-O class as the key or one of ``accepted``."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        symbols = list(spec.get("symbols") or sorted(names_in(parse(str(spec["value"]), Grammar(trusted=True)))))
        names, fold = complexity_names(symbols)
        self.grammar = Grammar(names=names, functions=("O", "Theta", "Omega", "log", "lg", "ln"), fold_case=fold)
        self.key = self.read(spec["value"])
        self.accepted = [self.read(v) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, self.read)
        looser = spec.get("looser")  # {"credit": "1/2", "extra_degree": 1}: partial credit for a loose bound
        self.looser = None
        if looser is not None:
            credit = key_fraction(looser.get("credit"), "looser.credit")
            extra = looser.get("extra_degree", 1)
            if not 0 <= credit < 1 or isinstance(extra, bool) or not isinstance(extra, int) or not 1 <= extra <= 10:
                raise ValueError("looser: credit from 0 to below 1 and extra_degree an integer from 1 to 10")
            self.looser = (credit, extra)

    def read(self, value: Any):
        return big_o(parse(scalar_text(value, "a big-O class as text"), self.grammar))

    def check(self, answer: Any) -> Verdict:
        student = self.read(answer)
        if student in (self.key, *self.accepted):
            return correct()
        mistake = find_mistake(self.mistakes, lambda value: value == student)
        if mistake is None and self.looser is not None:
            credit, extra = self.looser
            if any(looser_bound(student, target, extra) for target in (self.key, *self.accepted)):
                tight = f"O({describe(self.key)})"
                return incorrect(f"O({describe(student)}) is a valid upper bound but not tight: {tight} is", credit)
        return incorrect(mistake or f"O({describe(student)}) is not the expected class")


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


def tolerance_rule(spec: Mapping[str, Any], half: bool = False):
    """tolerance(expected, text) -> allowed |difference|: the key's, or from the digits it shows."""
    absolute = spec.get("tolerance")
    relative = spec.get("rtol")
    fixed = key_fraction(absolute, "tolerance") if absolute is not None else None
    rtol = key_fraction(relative, "rtol") if relative is not None else None

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


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
