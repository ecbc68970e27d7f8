"""The answer key's JSON shapes as types: one part of ``answers.json``'s ``parts`` (what a grader
reads of it) and the few structures inside it. Types only, nothing is checked here: a part is
read once, by its kind's grader (:func:`solver.engine.kinds.compile_part`), which says what is
wrong with a part it cannot read. The required keys sit in a base class (the pre-3.11 spelling of
``Required``), since the engine also runs on the platforms' Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

Number = int | float | str  # a JSON number, or exact text such as "-0.25" or "1/3"


class MistakeSpec(TypedDict):
    """A modelled wrong answer: its value (in the part's shape) and the feedback that names the slip."""

    value: Any
    feedback: str


class SystemSpec(TypedDict):
    """The linear system a ``vector`` key solves (6b): ``matrix`` times the filter equals ``rhs``."""

    matrix: list[list[Number]]
    rhs: list[Number]


class LooserSpec(TypedDict, total=False):
    """Partial credit for a valid but loose big-O bound (at most ``extra_degree`` more)."""

    credit: Number
    extra_degree: int


class _PartRequired(TypedDict):
    kind: str  # a name of :data:`solver.engine.kinds.KINDS`
    value: Any  # the key, in the kind's shape (text, list, list of rows, hypotheses, numbers, facts)


class PartSpec(_PartRequired, total=False):
    """One part of the answer key: every key a grader or an exporter's per-kind form reads.

    A problem may add facts of its own beside these (a node's chain rule, beam search's pruned
    hypotheses, a study's measured slopes) for people and the sheets; no grader reads them."""

    points: int | float  # written by the build (kernel.points): whole or decimal points
    latex: str
    reference: str  # what a person reads for an ungraded part
    reason: str  # why a part has no value (a problem left out, no data)
    rubric: list[Any]
    # what an answer may be and use
    symbols: list[str]
    substitutions: dict[str, str]  # names an answer may use, with what they stand for
    domain: list[Number]  # where non-rational answers are sampled
    accepted: list[Any]  # other full-credit answers
    mistakes: list[MistakeSpec]
    ordered: bool  # a list's entries in order (default true)
    # measured numbers
    tolerance: Number
    rtol: Number
    digits: int  # the significant digits the key was rounded to
    min_digits: int  # the significant digits an answer must give at least
    exact: Any  # the values to more digits than the key prints
    shape: list[int]
    below: Any  # a student's own values, each at least 0 and below this target
    order: list[str] | str  # what each value is
    labels: list[str] | str
    # kind-specific structure
    looser: LooserSpec  # complexity
    system: SystemSpec  # vector: the system its filter solves


Parts = Mapping[str, PartSpec]
