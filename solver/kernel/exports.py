"""What a problem tells each platform's exporter: its question's shape and wording, or why it has none.

A problem's statement and labels on PrairieLearn, Moodle and Canvas are the problem's own words, so
they live in its folder and reach the exporters through ``Problem.exports``; the exporters iterate
the registered problems and never name one. How an answer KIND becomes an input (a number box, a
STACK input, a blank) stays with the exporter. A problem with no form for a platform says why with
:class:`NotExported`; ``tests/test_export_coverage.py`` fails for a problem that does neither, so a
new problem can no longer vanish from a platform unnoticed.

The shapes hold callables over the exporter's solved problem (``build``'s ``Solved``: ``.params``,
``.solution``, ``.problem``), typed ``Any`` here because this module sits below the build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FORMATS = ("prairielearn", "moodle", "qti")  # the platforms whose questions a problem words itself
GRADED_BY_HW6 = "graded by hw6 (Gradescope autograder)"  # the usual reason a part is not on a platform
CANVAS_DECIMALS = 4  # Canvas rounds a typed number to 4 decimal places before grading it


@dataclass(frozen=True)
class NotExported:
    """The problem has no question on this platform; ``reason`` says why (shown in the export's summary)."""

    reason: str


@dataclass(frozen=True)
class PrairieLearnQuestion:
    """One PrairieLearn question: ``question.html`` is the same for every variant, its numbers per variant."""

    title: str
    statement: str  # question.html's text before the inputs, Mustache over params
    label: Callable[[str, Mapping[str, Any]], str]  # part id, its key -> the text before its input
    display: Callable[[Any], dict[str, Any]]  # one variant's solved problem -> the numbers the template shows
    skip: tuple[str, ...] = ()  # graded parts left out (they need more than the statement gives)


@dataclass(frozen=True)
class MoodleQuestion:
    """The statement of a Moodle question (HTML with TeX for MathJax), and labels of its boxes."""

    statement: Callable[[Any, Mapping[str, Any]], str]  # (solved problem, its view) -> HTML, never an answer
    # (part id, 1-based entry of a list part or None) -> the label before a box; None: the generic label.
    label: Callable[[str, int | None], str | None] | None = None


@dataclass(frozen=True)
class Blanks:
    """A line of Canvas blanks: ``label`` (HTML), then one blank per name, for entries of ``part``."""

    label: str
    part: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class QtiText:
    """One variant's Canvas question: paragraphs of HTML and lines of blanks, in reading order.

    The exporter turns each part's blanks into the texts Canvas accepts (by the part's kind); the
    blanks of one part, over all its lines, are its entries in the key's order."""

    title: str  # e.g. "Problem 6 (b)"; the exporter adds the variant
    body: tuple[str | Blanks, ...]


@dataclass(frozen=True)
class QtiRange:
    """A Canvas numerical question right when the number lies in [low, high] (exact decimals)."""

    title: str
    html: str
    part: str
    index: int  # the entry of the part this question asks for
    points: float
    low: str
    high: str


@dataclass(frozen=True)
class QtiQuestions:
    """The problem's Canvas questions: a question group drawing one whole variant per student and,
    optionally, questions the same for every variant (a fixed group after it)."""

    title: str  # the question group's title
    question: Callable[[Any, Mapping[str, Any]], QtiText | None]  # (solution, key parts) -> None: not this variant
    fixed: Callable[[Mapping[str, Any]], Sequence[QtiRange]] | None = None  # (key parts) -> the fixed questions
    fixed_title: str = ""
    fixed_key: str = ""  # the fixed group's identifier, after the package's base
    # The variants ``question`` gives None for, in the package's note of what is not exported (e.g. "6(b)
    # without a unique filter"); the hw6 autograder grades them.
    unexported: str = ""


@dataclass(frozen=True)
class Exports:
    """A problem's word to each platform: its question, or why it has none (None: it has not said)."""

    prairielearn: PrairieLearnQuestion | NotExported | None = None
    moodle: MoodleQuestion | NotExported | None = None
    qti: QtiQuestions | NotExported | None = None

    def declared(self, platform: str) -> object | None:
        """What the problem declared for ``platform`` (one of :data:`FORMATS`)."""
        return getattr(self, platform)


def not_exported(reason: str) -> Exports:
    """Exports for a problem no platform but hw6's own grading takes, for one ``reason``."""
    return Exports(NotExported(reason), NotExported(reason), NotExported(reason))
