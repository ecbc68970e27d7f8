"""The homework's problems, in the order the sheets present them."""

from __future__ import annotations

from . import conv_filter, rnn_backprop, transpose_conv
from .base import BuildContext, Part, Problem

PROBLEMS: tuple[Problem, ...] = (rnn_backprop.PROBLEM, conv_filter.PROBLEM, transpose_conv.PROBLEM)

__all__ = ["PROBLEMS", "BuildContext", "Part", "Problem", "by_section"]


def by_section() -> dict[str, Problem]:
    return {problem.section: problem for problem in PROBLEMS}
