"""A verdict on one answer: its status, the share of the part's points earned, and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

CORRECT, INCORRECT, INVALID, UNGRADED = "correct", "incorrect", "invalid", "ungraded"
# How a verdict was reached: exact comparison (rational functions, exact numbers, tokens),
# within a stated tolerance (measured numbers, scores), or at random points of the domain.
EXACT, TOLERANCE, SAMPLED = "exact", "numeric-tolerance", "sampled"


@dataclass(frozen=True)
class Verdict:
    status: str
    credit: Fraction = Fraction(0)  # share of the part's points, 0 to 1
    feedback: str = ""
    method: str = ""  # EXACT, TOLERANCE or SAMPLED; empty when nothing was compared


def correct(feedback: str = "", method: str = EXACT) -> Verdict:
    return Verdict(CORRECT, Fraction(1), feedback, method)


def incorrect(feedback: str, credit: Fraction = Fraction(0), method: str = EXACT) -> Verdict:
    return Verdict(INCORRECT, credit, feedback, method)


def invalid(message: str) -> Verdict:
    return Verdict(INVALID, Fraction(0), message)
