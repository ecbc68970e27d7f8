"""The one table of answer kinds: adding a kind means adding one row here (and its grader).

A row carries everything that differs between kinds: the grader that compiles a
part of the key (which also describes the answer for the answers template and
checks its format, :meth:`Grader.expects`, :meth:`Grader.check_format`), how a
class CSV cell is read, what the synthetic answers of tests and benchmarks vary,
and the form its parts take on each platform (PrairieLearn's input, Moodle's
question type, Canvas's blanks). Everything else looks a kind up here instead of
naming it: ``solver.kernel.problem`` checks a part's kind against :data:`KINDS`, the points read
``graded``, the exporters read the platform forms.

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
from typing import Any, Literal, cast

from .family import vector_grader
from .graders import ComplexityGrader, ExpressionGrader, Grader, UngradedGrader
from .keyspec import PartSpec
from .limits import AnswerError
from .lists import ExpressionListGrader, MatrixGrader
from .numbers import NumbersGrader
from .sequences import SequencesGrader

Cell = Literal["text", "list", "bracketed"]  # a class CSV cell: as text; YAML/JSON list; a list only when bracketed


@dataclass(frozen=True)
class PrairieLearn:
    """How a part of a kind is entered in PrairieLearn (hw6's runtime grades every input itself).

    ``string``: one pl-string-input; ``cells``: a pl-matrix-component-input of the key's shape;
    ``numbers``: one pl-number-input per value, or cells when the key gives a ``shape``."""

    element: Literal["string", "cells", "numbers"]
    multiline: bool = False  # string: a text area (one hypothesis a line)
    typed: Callable[[Any], str] = str  # string: a key value (or a mistake's) as the text a student types
    changed: Callable[[str], str] | None = None  # string: a wrong answer made from the key's text
    unreadable: str = "("  # string: a text hw6 cannot read, for PrairieLearn's question tests


@dataclass(frozen=True)
class Kind:
    """One answer kind: how it is graded, read, described and offered on each platform."""

    name: str
    description: str  # one line for the reference (what the key's ``value`` holds)
    grader: Callable[[str, PartSpec], Grader] | None  # None: read by a person, no automatic points
    list_shaped: bool = False  # the answer is a list of entries
    rows: bool = False  # the key is a list of rows: cells and blanks are filled row by row
    expressions: bool = False  # entries are expressions, written in many equivalent forms
    measured: bool = False  # measured values, graded within a tolerance (not exact)
    cell: Cell = "text"  # how a class CSV cell of this kind is read
    prairielearn: PrairieLearn | None = None  # None: not offered in PrairieLearn
    moodle: Literal["stack", "cloze"] | None = None  # the Moodle question type its parts join; None: not exported
    canvas: bool = False  # Canvas fill-in blanks can hold its entries (exact or measured notations)

    @property
    def graded(self) -> bool:
        return self.grader is not None


def _hypotheses(value: Any) -> str:
    return "\n".join(f"{' '.join(h['sequence'])} ({h['logprob']})" for h in value)


def _plus_one(text: str) -> str:
    return f"{text} + 1"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "expr",
            "one expression; value is SymPy str() text",
            ExpressionGrader,
            expressions=True,
            prairielearn=PrairieLearn("string", changed=_plus_one),
            moodle="stack",
        ),
        Kind(
            "expr_list",
            "ordered list of expressions",
            ExpressionListGrader,
            list_shaped=True,
            expressions=True,
            cell="list",
            prairielearn=PrairieLearn(
                "string", typed=lambda value: ", ".join(str(e) for e in value), changed=_plus_one
            ),
            moodle="stack",
        ),
        Kind(
            "vector",
            "list of exact numbers (or a family of solutions)",
            vector_grader,
            list_shaped=True,
            cell="list",
            prairielearn=PrairieLearn("cells"),
            moodle="cloze",
            canvas=True,
        ),
        Kind(
            "matrix",
            "list of lists of exact numbers",
            MatrixGrader,
            list_shaped=True,
            rows=True,
            cell="list",
            prairielearn=PrairieLearn("cells"),
            moodle="cloze",
            canvas=True,
        ),
        Kind(
            "sequences",
            'ranked list of {"sequence": [...], "logprob": "..."}',
            SequencesGrader,
            list_shaped=True,
            cell="bracketed",
            prairielearn=PrairieLearn("string", multiline=True, typed=_hypotheses, unreadable="[]"),
        ),
        Kind(
            "complexity",
            'big-O class, value like "T*k*M"',
            ComplexityGrader,
            prairielearn=PrairieLearn("string", typed=lambda value: f"O({value})"),
        ),
        Kind(
            "numbers",
            "measured numbers (rounded), graded with a tolerance",
            NumbersGrader,
            list_shaped=True,
            measured=True,
            prairielearn=PrairieLearn("numbers"),
            moodle="cloze",
            canvas=True,
        ),
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
    """A grader for one part; a part whose key cannot be compiled is ungraded, with why.

    The part comes as JSON read from a key; from here on it is a :class:`PartSpec`, whose
    grader reads what it needs and turns what does not fit into the "cannot be read" reason."""
    part = cast(PartSpec, spec)
    kind = spec.get("kind")
    known = KINDS.get(kind) if isinstance(kind, str) else None
    if known is None or known.grader is None:
        return UngradedGrader(part_id, part, "" if known is not None else f"no grader for kind {kind!r}")
    try:
        grader = known.grader(part_id, part)
    except (AnswerError, ValueError, KeyError, TypeError, IndexError, ZeroDivisionError) as error:
        return UngradedGrader(part_id, part, f"the key cannot be read: {error}")
    grader.kind = known.name
    return grader
