"""How Problem 1's variants are drawn, what each must satisfy, and the facts `hw6 stress` counts."""

from __future__ import annotations

import numpy as np

from .params import DETAIL_LIMIT, Params
from .solve import Solution


def sample(rng: np.random.Generator) -> Params:
    """A variant: 3 to 5 steps, so the graph stays readable."""
    return Params(steps=int(rng.integers(3, 6)))


def guarantees(params: Params, solution: Solution) -> list[str]:
    broken = []
    if not 3 <= params.steps <= DETAIL_LIMIT:
        broken.append(f"steps {params.steps} outside 3..{DETAIL_LIMIT}: the graph would not be written out")
    return broken


def features(solution: Solution) -> dict[str, int]:
    return {"steps": solution.steps}
