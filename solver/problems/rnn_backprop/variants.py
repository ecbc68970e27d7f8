"""How Problem 1's variants are drawn, what each must satisfy, and the facts `hw6 stress` counts."""

from __future__ import annotations

import numpy as np

from .difficulty import SAME_STEPS, VARIED_STEPS, SampleOptions
from .params import DETAIL_LIMIT, Params
from .solve import Solution


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """A variant: the homework's 3 steps (Problem 1 has no numbers to vary), or with
    ``structure: varied`` 3 to 5 steps, so the graph stays readable."""
    if (options or SampleOptions()).structure == "same":
        return Params(steps=SAME_STEPS)
    return Params(steps=int(rng.integers(VARIED_STEPS[0], VARIED_STEPS[1] + 1)))


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    broken = []
    if not 3 <= params.steps <= DETAIL_LIMIT:
        broken.append(f"steps {params.steps} outside 3..{DETAIL_LIMIT}: the graph would not be written out")
    return broken


def features(solution: Solution) -> dict[str, int]:
    return {"steps": solution.steps}
