"""The homework's problems, in the order the sheets present them, then those other packages register.

hw6's own problems are the tuple :data:`BUILTIN` (the homework's order); a package adds one through
the ``hw6.problems`` entry-point group (:mod:`.registry`). Everything else iterates :data:`PROBLEMS`.
"""

from __future__ import annotations

from ..kernel.problem import BuildContext, Part, Problem
from . import beam_search, blog, names_classifier, rnn_backprop, rnn_lstm, study_record
from .conv import filter as conv_filter
from .conv import transpose as transpose_conv
from .registry import entry_point_problems

BUILTIN: tuple[Problem, ...] = (
    rnn_backprop.PROBLEM,
    beam_search.PROBLEM,
    rnn_lstm.PROBLEM,
    names_classifier.PROBLEM,
    blog.PROBLEM,
    conv_filter.PROBLEM,
    transpose_conv.PROBLEM,
    study_record.PROBLEM,
)
REGISTERED, REFUSED = entry_point_problems(p.section for p in BUILTIN)
PROBLEMS: tuple[Problem, ...] = BUILTIN + REGISTERED

__all__ = ["BUILTIN", "PROBLEMS", "REFUSED", "BuildContext", "Part", "Problem", "by_section"]


def by_section() -> dict[str, Problem]:
    return {problem.section: problem for problem in PROBLEMS}
