"""Mistake-specific feedback, and the wording of every other verdict.

A part of the answer key may list ``mistakes``: wrong answers modelled from
likely errors, each ``{"value": <same shape as the answer>, "feedback": "..."}``.
A wrong answer equal to one of them (by the part's own equivalence) gets that
message; any other wrong answer gets a neutral description that names wrong
entries but never reveals the expected values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

NO_ANSWER = "no answer"
NOT_EQUAL = "not equal to the expected answer"


@dataclass(frozen=True)
class Mistake:
    value: Any  # compiled by the part's grader into what its equivalence compares
    feedback: str


def compile_mistakes(spec: Mapping[str, Any], compile_value: Callable[[Any], Any]) -> list[Mistake]:
    """The part's ``mistakes``, each value compiled like an answer; malformed ones are key bugs."""
    mistakes = []
    for index, entry in enumerate(spec.get("mistakes") or ()):
        if not isinstance(entry, Mapping) or "value" not in entry or not isinstance(entry.get("feedback"), str):
            raise ValueError(f"mistakes[{index}] needs a value and a feedback text")
        mistakes.append(Mistake(compile_value(entry["value"]), entry["feedback"]))
    return mistakes


def find_mistake(mistakes: Iterable[Mistake], matches: Callable[[Any], bool]) -> str | None:
    """The feedback of the first modelled mistake the answer equals."""
    for mistake in mistakes:
        if matches(mistake.value):
            return mistake.feedback
    return None


def factor_text(factor: Fraction) -> str:
    """What a wrong constant factor says: a sign error, or c times the answer."""
    if factor == -1:
        return "has the wrong sign"
    shown = str(factor.numerator) if factor.denominator == 1 else f"{factor.numerator}/{factor.denominator}"
    return f"is {shown} times the expected answer: check the constant factor"


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def entries_text(positions: Iterable[int], noun: str = "entry", plural: str = "entries") -> str:
    """``entry 2 is wrong`` / ``entries 1, 3 and 4 are wrong`` from 0-based positions."""
    numbers = [str(p + 1) for p in sorted(positions)]
    if len(numbers) == 1:
        return f"{noun} {numbers[0]} is wrong"
    return f"{plural} {listing(numbers)} are wrong"


def count_text(expected: int, got: int, noun: str = "entries") -> str:
    return f"expected {expected} {noun}, got {got}"


def join(*sentences: str | None) -> str:
    """Sentences that are not empty, separated by '; '."""
    return "; ".join(s for s in sentences if s)
