"""Problems from other packages: the ``hw6.problems`` entry-point group.

A course adds a problem without forking hw6 by shipping a package whose ``pyproject.toml`` says

    [project.entry-points."hw6.problems"]
    my_problem = "my_package:PROBLEM"

where ``PROBLEM`` is a :class:`~solver.kernel.problem.Problem` (its templates in its own folder, its
export wording in ``Problem.exports``). Installed next to hw6, it is on every sheet, key, check and
export after hw6's own problems, ordered by number and then entry-point name (entry points have no
order of their own). hw6's own problems are one tuple in :mod:`solver.problems`, not entry points:
their order is the homework's and part of every output, and the autograder wheel and a plain
checkout (``python -m solver``) carry no installed metadata to read them from.

A problem that cannot be loaded, is not a Problem or takes a section already taken is left out and
reported: the command line prints it as one line and exits 2 (:data:`REFUSED`).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata

from ..kernel.problem import Problem

GROUP = "hw6.problems"


def entry_point_problems(taken: Iterable[str]) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """The problems the installed packages register, and one line per entry point refused (with why)."""
    sections = set(taken)
    found: list[tuple[int, str, Problem]] = []
    refused: list[str] = []
    for point in sorted(metadata.entry_points(group=GROUP), key=lambda p: (p.name, p.value)):
        where = f"entry point {point.name} = {point.value} ({GROUP})"
        try:
            problem = point.load()
        except Exception as error:  # a plugin's import may fail in any way: say which and why, in one line
            refused.append(f"{where}: cannot be loaded: {type(error).__name__}: {error}")
            continue
        if not isinstance(problem, Problem):
            refused.append(f"{where}: is a {type(problem).__name__}, not a solver Problem")
            continue
        if problem.section in sections:
            refused.append(f"{where}: its section {problem.section!r} is already a problem's")
            continue
        sections.add(problem.section)
        found.append((problem.number, point.name, problem))
    return tuple(p for _, _, p in sorted(found, key=lambda f: (f[0], f[1]))), tuple(refused)
