"""A problem with the parameters it was solved for and its solution: what a build passes around.

Its own module so that what reads solved problems (the staff report, the exports) needs nothing
of the pipeline that makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..kernel.problem import Problem


@dataclass(frozen=True)
class Solved:
    problem: Problem
    params: Any
    solution: Any
