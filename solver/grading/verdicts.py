"""A verdict on one answer: its status, the share of the part's points earned, and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

CORRECT, INCORRECT, INVALID, UNGRADED = "correct", "incorrect", "invalid", "ungraded"


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
