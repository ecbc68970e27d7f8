"""The homework's problems, in the order the sheets present them."""

from __future__ import annotations

from . import rnn_backprop, rnn_lstm
from .base import BuildContext, Part, Problem

PROBLEMS: tuple[Problem, ...] = (rnn_backprop.PROBLEM, rnn_lstm.PROBLEM)

__all__ = ["PROBLEMS", "BuildContext", "Part", "Problem", "by_section"]


def by_section() -> dict[str, Problem]:
    return {problem.section: problem for problem in PROBLEMS}
