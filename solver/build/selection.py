"""Which problems a build includes: every one, less those left out with ``--skip``.

A problem that declares a required :class:`~solver.kernel.problem.DataFolder` cannot be solved
without it, so a command that writes sheets or a key refuses to run without the folder unless
the problem is skipped; a skipped problem is absent from both sheets and the key (the other
problems keep their numbers), and the build records the skip for staff.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..kernel.errors import Hw6Error, ParamsError
from ..kernel.problem import BuildContext, Problem

SKIP_FIELD = "skip"  # the top-level key of params.json and answers.json that lists skipped problems


class DataMissing(Hw6Error):
    """A problem needs a data folder that was not given, and was not skipped."""


def skip_list(names: Iterable[str], problems: Sequence[Problem], field: str = "--skip") -> frozenset[str]:
    """``names`` checked against the problems' sections (one-line error naming the unknown one)."""
    known = [p.section for p in problems]
    for name in names:
        if not isinstance(name, str) or name not in known:
            raise ParamsError(field, "a problem: " + ", ".join(known), name, has_got=True)
    return frozenset(names)


def included(problems: Sequence[Problem], skip: Iterable[str]) -> tuple[Problem, ...]:
    """The problems a build with ``skip`` solves, in sheet order."""
    left_out = set(skip)
    return tuple(p for p in problems if p.section not in left_out)


def skipped(problems: Sequence[Problem], solved_sections: Iterable[str]) -> list[str]:
    """The sections of ``problems`` a build left out, in sheet order (what it records)."""
    present = set(solved_sections)
    return [p.section for p in problems if p.section not in present]


def require_data(problems: Sequence[Problem], context: BuildContext) -> None:
    """Refuse (one line, exit 2) when an included problem lacks a required data folder."""
    for problem in included(problems, context.skip):
        for folder in problem.data_folders:
            if folder.required and context.data_folder(folder.key) is None:
                raise DataMissing(
                    f"--{folder.option}: Problem {problem.number} ({problem.section}) needs its data; "
                    f"give --{folder.option} DIR, or leave the problem out with --skip {problem.section}"
                )
