"""The staff report of a build (``report.txt``): what the student sheets deliberately do not say.

The sheets go to students and carry no tool names, paths or build hints; everything staff need to
trust or trace them is here: which sheet it is, what was left out, every cross-check with its
backend and error, and each problem's own notes (how its values were computed and checked, its
targets). The text depends only on the build's inputs, so it is as deterministic as the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__
from ..io.text import table
from ..kernel.checks import Check
from ..problems import by_section

if TYPE_CHECKING:
    from .pipeline import Solved, Variant

REPORT_FILE = "report.txt"


def _which(variant: Variant) -> str:
    if variant.seed is None:
        return "the homework's own values"
    return f"variant seed {variant.seed}" + (f", drawing options {variant.options}" if variant.options else "")


def skipped_lines(skipped: Sequence[str]) -> list[str]:
    sections = by_section()
    if not skipped:
        return ["skipped: none (every problem is on both sheets and in the key)"]
    return [
        f"skipped: Problem {sections[name].number} ({name}), left out of both sheets and the key (--skip {name})"
        for name in skipped
    ]


def report_text(solved: Sequence[Solved], checks: Sequence[Check], variant: Variant, skipped: Sequence[str]) -> str:
    """The whole report.txt of one build."""
    failed = sum(not c.agrees for c in checks)
    lines = [
        f"hw6 {__version__} build report (for staff; not part of the student sheets)",
        f"sheet: {_which(variant)}; footer: {variant.footer}",
        *([f"student: {variant.student}"] if variant.student else []),
        *skipped_lines(skipped),
        f"cross-checks: {len(checks) - failed} of {len(checks)} agree (NumPy on every build; torch runs in hw6 verify "
        "and the tests)",
        "",
    ]
    for item in solved:
        notes = list(item.problem.staff_notes(item.solution)) if item.problem.staff_notes else []
        if notes:
            lines.append(f"Problem {item.problem.number} ({item.problem.section}):")
            lines += [f"  {note}" for note in notes]
    lines += ["", checks_table(checks), ""]
    return "\n".join(lines)


def checks_table(checks: Sequence[Check]) -> str:
    """One row per cross-check: part, backend, exact and numeric value, relative error, agrees (as ``hw6 verify`` prints)."""
    rows = [
        (
            c.part,
            c.backend,
            c.exact,
            c.numeric,
            "" if c.error is None else f"{c.error:.1e}",
            "yes" if c.agrees else "NO",
        )
        for c in checks
    ]
    return table(("part", "backend", "exact", "numeric", "rel. error", "agrees"), rows)


def summary(skipped: Sequence[str], checks: Sequence[Check]) -> str:
    """The short summary ``hw6 build`` prints after the paths it wrote."""
    failed = sum(not c.agrees for c in checks)
    left_out = ", ".join(skipped) if skipped else "none"
    return f"hw6: {len(checks) - failed} of {len(checks)} cross-checks agree; skipped: {left_out}; see {REPORT_FILE}"
