"""The one table of answer kinds: adding a kind means adding one row here.

Each kind says whether it is graded automatically, whether its answer is a
list (so a class CSV cell of that part is read as YAML/JSON list text), and
which grader compiles it. ``solver.kernel.problem`` reads :data:`PART_KINDS`
from here; the points and the class CSV reader read ``graded`` and ``list_shaped``.

    kind         answer                           equivalence, partial credit
    expr         text                             exact rational functions (numeric if not rational)
    expr_list    list of texts                    per entry; in order unless ordered: false
    vector       list of exact numbers            per entry, wrong entries named; a family: membership
    matrix       list of lists                    per entry, wrong entries named
    sequences    ranked list of token sequences   longest common subsequence
    complexity   big-O text                       the same class; accepted alternatives
    numbers      number(s)                        within the key's tolerance
    data, written, personal                       ungraded, reference shown
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .family import vector_grader
from .graders import ComplexityGrader, ExpressionGrader, Grader, UngradedGrader
from .limits import AnswerError
from .lists import ListGrader, MatrixGrader
from .numbers import NumbersGrader
from .sequences import SequencesGrader


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    grader: Callable[[str, Mapping[str, Any]], Grader] | None  # None: read by a person, no automatic points
    list_shaped: bool = False

    @property
    def graded(self) -> bool:
        return self.grader is not None


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("expr", "one expression; value is SymPy str() text", ExpressionGrader),
        Kind("expr_list", "ordered list of expressions", ListGrader, list_shaped=True),
        Kind("vector", "list of exact numbers (or a family of solutions)", vector_grader, list_shaped=True),
        Kind("matrix", "list of lists of exact numbers", MatrixGrader, list_shaped=True),
        Kind("sequences", 'ranked list of {"sequence": [...], "logprob": "..."}', SequencesGrader, list_shaped=True),
        Kind("complexity", 'big-O class, value like "T*k*M"', ComplexityGrader),
        Kind("numbers", "measured numbers (rounded), graded with a tolerance", NumbersGrader, list_shaped=True),
        Kind("data", "structured facts, not graded", None),
        Kind("written", "reference text, ungraded", None),
        Kind("personal", "the student's own record, ungraded", None),
    )
}

PART_KINDS = tuple(KINDS)  # answer kinds a part may have
GRADED_KINDS = tuple(name for name, kind in KINDS.items() if kind.graded)
LIST_KINDS = tuple(name for name, kind in KINDS.items() if kind.list_shaped)
UNGRADED_KINDS = tuple(name for name, kind in KINDS.items() if not kind.graded)  # read by a person


def is_graded(kind: Any) -> bool:
    """Whether a part of this kind earns automatic points (unknown kinds do not)."""
    return kind in KINDS and KINDS[kind].graded


def compile_part(part_id: str, spec: Mapping[str, Any]) -> Grader:
    """A grader for one part; a part whose key cannot be compiled is ungraded, with why."""
    kind = spec.get("kind")
    known = KINDS.get(kind) if isinstance(kind, str) else None
    if known is None or known.grader is None:
        return UngradedGrader(part_id, spec, "" if known is not None else f"no grader for kind {kind!r}")
    try:
        grader = known.grader(part_id, spec)
    except (AnswerError, ValueError, KeyError, TypeError, IndexError, ZeroDivisionError) as error:
        return UngradedGrader(part_id, spec, f"the key cannot be read: {error}")
    grader.kind = known.name
    return grader
