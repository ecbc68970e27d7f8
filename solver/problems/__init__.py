"""The homework's problems, in the order the sheets present them."""

from __future__ import annotations

from ..kernel.problem import BuildContext, Part, Problem
from . import beam_search, blog, names_classifier, rnn_backprop, rnn_lstm, study_record
from .conv import filter as conv_filter
from .conv import transpose as transpose_conv

PROBLEMS: tuple[Problem, ...] = (
    rnn_backprop.PROBLEM,
    beam_search.PROBLEM,
    rnn_lstm.PROBLEM,
    names_classifier.PROBLEM,
    blog.PROBLEM,
    conv_filter.PROBLEM,
    transpose_conv.PROBLEM,
    study_record.PROBLEM,
)

__all__ = ["PROBLEMS", "BuildContext", "Part", "Problem", "by_section"]


def by_section() -> dict[str, Problem]:
    return {problem.section: problem for problem in PROBLEMS}
