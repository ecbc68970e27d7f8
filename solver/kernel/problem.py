"""The shape every problem module has, and what the pipeline passes between them.

A problem module defines a frozen ``Params`` dataclass (defaults = the
homework's values), ``solve(params, context)`` returning its exact answers,
``crosscheck(solution)`` (NumPy, run on every build), optionally
``oracle_check(solution)`` (torch), ``parts(solution)`` for the answer key,
and, in its own ``templates/`` folder, two template partials:
``<section>.solution.tex.j2`` and ``<section>.statement.tex.j2`` (templates
name them and their helpers ``problems/<file>``), and its wording on each
platform (``exports``, :mod:`solver.kernel.exports`). It exposes all of this as
one :class:`Problem` named ``PROBLEM``, registered in :data:`solver.problems.BUILTIN`
or, from another package, through the ``hw6.problems`` entry point; the CLI,
renderer and exporters only ever iterate over :data:`solver.problems.PROBLEMS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.kinds import KINDS
from .checks import Check
from .degenerate import Degenerate
from .difficulty import Difficulty
from .exports import Exports


@dataclass(frozen=True)
class Part:
    """One answer-key entry: ``{"kind", "value", "latex"?, ...extra}``.

    Common extras (all optional): ``symbols`` (the variables an expression part
    may use), ``accepted`` (other values that earn full credit), ``ordered``
    (whether a list's order matters), ``reference`` (text shown to graders of
    written parts) and ``mistakes``: a list of ``{"value": <same shape as
    value>, "feedback": "what this wrong answer shows"}`` modelling likely
    errors, so that a grader can name the mistake a wrong answer makes.

    Read by ``hw6 check`` (solver/engine) as well: ``substitutions`` (names an
    expression may use besides its symbols, ``{"p": "u1", "dy/dq": "w**2"}``),
    ``domain`` (``[low, high]`` or ``{symbol: [low, high]}`` for numeric checks
    of non-rational answers; default [1/2, 3/2]), and for ``numbers``/``sequences``
    ``tolerance`` (absolute) or ``rtol``. Expression texts (values, accepted,
    mistakes, substitutions) are SymPy ``str()`` text of numbers, symbols,
    + - * / ** and parentheses. The pipeline adds ``points``.
    """

    kind: str
    value: Any
    latex: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown part kind {self.kind!r}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "value": self.value}
        if self.latex is not None:
            data["latex"] = self.latex
        data.update(self.extra)
        return data


@dataclass(frozen=True)
class DataFolder:
    """A folder of data a problem reads when it is given (``--<option> DIR`` on every command).

    The CLI derives its options from these declarations, so the spine never names a problem's data;
    the problem reads the folder back with ``context.data_folder(key)`` (None when not given).
    """

    option: str  # the command-line option without its dashes, e.g. "names-dir"
    key: str  # the name the problem reads it by
    help: str  # the option's help text
    # Whether the problem cannot be solved without it: a sheet or key is then refused unless the
    # problem is left out with ``--skip`` (see :func:`solver.build.selection.require_data`).
    required: bool = False

    @property
    def dest(self) -> str:
        """The attribute argparse stores the option under."""
        return self.option.replace("-", "_")


@dataclass(frozen=True)
class BuildContext:
    """What a solve may need besides its parameters."""

    cache_dir: Path | None = None  # where expensive results (trained models) are kept
    data_folders: Mapping[str, Path] = field(default_factory=dict)  # DataFolder.key -> the folder given
    progress: bool = False  # draw progress bars on a terminal
    skip: frozenset[str] = frozenset()  # sections of problems left out of the sheets and the key (--skip)

    def data_folder(self, key: str) -> Path | None:
        """The folder given for a problem's :class:`DataFolder` ``key``, or None when none was."""
        return self.data_folders.get(key)


@dataclass(frozen=True)
class CodeSubmission:
    """A file handed in besides the answers, graded against answers.json's ``code_submission``.

    ``part`` is the id its result is reported under and its points are set with (``grading.points``);
    ``key(solution)`` gives the section's content (what a file is graded against) or None."""

    part: str
    title: str
    key: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Problem:
    """A homework problem as the pipeline sees it."""

    section: str  # key in the parameters file
    number: int  # the homework's section number
    title: str
    params_type: type
    solve: Callable[[Any, BuildContext], Any]
    crosscheck: Callable[[Any], list[Check]]
    parts: Callable[[Any], dict[str, Part]]
    oracle_check: Callable[[Any], list[Check]] | None = None
    assets: Callable[[Any], dict[str, bytes]] | None = None  # files the sheet includes
    view: Callable[[Any], Mapping[str, Any]] | None = None  # extra template variables
    # Variants: draw parameters from a seeded generator, and list the guarantees a drawn
    # variant breaks (empty when it is fit to hand out; otherwise it is redrawn).
    sample: Callable[..., Any] | None = None  # (numpy.random.Generator[, options]) -> Params
    guarantees: Callable[..., list[str]] | None = None  # (params, solution[, options]) -> broken ones
    # A parameters-style dataclass of options for drawing (``--variant-options``); when set,
    # sample() and guarantees() receive an instance as their last argument.
    sample_options: type | None = None
    # A few facts about a solution (small ints, bools or short text) whose distribution over
    # many variants tells staff whether variants are fair: `hw6 stress` histograms them.
    features: Callable[[Any], Mapping[str, Any]] | None = None
    # Data folders the problem reads when they are given (each becomes a command-line option).
    data_folders: tuple[DataFolder, ...] = ()
    # The features that make a variant harder, with the band each must fall in relative to the
    # homework's values: a draw outside is redrawn (unless drawn with structure: varied).
    difficulty: Difficulty | None = None
    # Named kinds of degenerate draw, redrawn like a broken
    # guarantee whatever the drawing options, and counted by name in `hw6 stress`.
    degenerate: tuple[Degenerate, ...] = ()
    # Cells of the homework's notebooks (solver.notebooks.cells.Cell), in notebook order.
    notebook: Callable[[Any], Sequence[Any]] | None = None
    # What staff should know about a solution that the student sheets do not say (how its values
    # were computed and checked, targets, what was left out): lines of the build's report.txt.
    staff_notes: Callable[[Any], Sequence[str]] | None = None
    # The folder of the problem's templates: ``<section>.statement.tex.j2``, ``<section>.solution.tex.j2``
    # and any partials they include, all named ``problems/<file name>`` in templates (file names are
    # unique across problems). The spine (preamble, the two sheets) stays in the top-level templates/.
    templates: Path | None = None
    # What each platform's exporter shows of the problem (its PrairieLearn, Moodle and Canvas question), or
    # why it has none: the problem's own words, kept in its folder (see solver.kernel.exports).
    exports: Exports = Exports()
    # A file students hand in besides their answers (Problem 4's training log), graded against a
    # section of the key that this builds from a solution (None when it cannot: no data given).
    code_submission: CodeSubmission | None = None

    @property
    def solution_template(self) -> str:
        return f"problems/{self.section}.solution.tex.j2"

    @property
    def statement_template(self) -> str:
        return f"problems/{self.section}.statement.tex.j2"
