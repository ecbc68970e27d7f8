"""The homework's problems, in the order the sheets present them."""

from __future__ import annotations

from . import beam_search, rnn_backprop
from .base import BuildContext, Part, Problem

PROBLEMS: tuple[Problem, ...] = (rnn_backprop.PROBLEM, beam_search.PROBLEM)

__all__ = ["PROBLEMS", "BuildContext", "Part", "Problem", "by_section"]


def by_section() -> dict[str, Problem]:
    return {problem.section: problem for problem in PROBLEMS}
