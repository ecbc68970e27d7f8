"""How Problem 6 (c)'s variants are drawn, what each must satisfy, and the facts `hw6 stress` counts."""

from __future__ import annotations

import numpy as np

from ....kernel.degenerate import Degenerate
from .. import exact as conv
from .difficulty import SampleOptions, structure_breaks
from .params import Params, integer_grid
from .solve import Solution


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """The homework's 2-D case with other numbers: a 2×2 input (non-zero, −3 to 3), a 2×2 filter (−1 to 1,
    at most one zero), stride 1, no padding;
    ``structure: varied``: input up to 3×3, a 2×2 or 3×3 filter whose copies overlap, padding 0 or 1."""
    if (options or SampleOptions()).structure == "same":
        while True:
            x = rng.choice([v for v in range(-3, 4) if v], size=(2, 2))  # within ±3, as the homework's -1 to 3
            w = rng.integers(-1, 2, size=(2, 2))  # the homework's: -1, 0 and 1
            if np.count_nonzero(w) >= 3:  # as the homework's: copies overlap in 3 entries or more
                return Params(integer_grid(*x.tolist()), integer_grid(*w.tolist()), 1, 0)
    rows, cols = (int(v) for v in rng.integers(2, 4, size=2))
    k = int(rng.integers(2, 4))
    stride = int(rng.integers(1, k))
    while True:
        x = rng.choice([v for v in range(-3, 4) if v], size=(rows, cols))
        w = rng.integers(-2, 3, size=(k, k))
        if np.count_nonzero(w) >= 2:
            break
    padding = int(rng.choice([0, 0, 1]))
    if min((n - 1) * stride + k for n in (rows, cols)) - 2 * padding < 2:
        padding = 0
    return Params(integer_grid(*x.tolist()), integer_grid(*w.tolist()), stride, padding)


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    broken = structure_breaks(params) if (options or SampleOptions()).structure == "same" else []
    values = [v for row in (*params.input_grid, *params.filter_grid) for v in row]
    if any(v.q != 1 for v in values):
        broken.append("the input and filter should be integers")
    if any(v == 0 for row in params.input_grid for v in row):
        broken.append("an input entry is 0, so its copy of the filter vanishes")
    if sum(1 for row in params.filter_grid for v in row if v != 0) < 2:
        broken.append("the filter needs at least two non-zero entries")
    if not any(params.stride < k for k in conv.shape(params.filter_grid)):
        broken.append("no copies overlap (stride at least the filter size), so nothing is summed")
    result_shape = conv.shape(solution.result)
    if min(result_shape) < 2 or max(result_shape) > 7 or len(solution.placements) > 9:
        broken.append("the output should be between 2 and 7 entries across, from at most 9 copies")
    return broken


def _flip_invariant(params: Params, solution: Solution) -> bool:
    """The filter equals its flip: rotated by 180 degrees (2-D) or reversed (1-D), as convolution flips it."""
    grid = [list(row) for row in params.filter_grid]
    return grid == [row[::-1] for row in grid[::-1]]


DEGENERATE = (
    Degenerate(
        "6(c) flip-invariant filter",
        "the filter equals its flip (e.g. all -1), so flipping it or not gives the same answer",
        _flip_invariant,
    ),
)


def features(solution: Solution) -> dict[str, object]:
    """What `hw6 stress` histograms: sizes, stride, padding, and how large the answer's entries get."""
    params = solution.params
    return {
        "input": "x".join(map(str, conv.shape(params.input_grid))),
        "filter": "x".join(map(str, conv.shape(params.filter_grid))),
        "stride": params.stride,
        "padding": params.padding,
        "output": "x".join(map(str, conv.shape(solution.result))),
        "largest |entry|": str(max(abs(v) for row in solution.result for v in row)),
    }
