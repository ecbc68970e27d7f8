"""How Problem 6 (b)'s variants are drawn, what each must satisfy, and the facts `hw6 stress` counts."""

from __future__ import annotations

import numpy as np

from ....kernel.degenerate import Degenerate
from .. import exact as conv
from .. import linsolve
from .difficulty import SAME_SHAPE, SampleOptions, structure_breaks
from .params import Params, integer_tuple
from .sheet import view
from .solve import Solution


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """A system with one integer filter: the homework's length-5 signal and length-3 filter, stride 1,
    no padding, numbers in the homework's ranges; ``structure: varied``: 5 to 7 signal entries,
    a filter of 2 or 3, stride 1 or 2, padding 0 or 1."""
    same = (options or SampleOptions()).structure == "same"
    for _ in range(200):
        if same:
            n, k, stride, padding = (SAME_SHAPE[key] for key in ("signal", "filter", "stride", "padding"))
        else:
            n = int(rng.integers(5, 8))
            k = int(rng.integers(2, 4))
            stride = int(rng.choice([1, 1, 2]))
            padding = int(rng.choice([0, 0, 1]))
        if conv.output_length(n, k, stride, padding) < k:
            continue
        signal = integer_tuple(*rng.integers(-4, 5, size=n))
        kernel = integer_tuple(*rng.integers(-3, 4, size=k))
        if kernel[0] == 0:
            continue
        output = tuple(conv.correlate1d(signal, kernel, stride, padding))
        params = Params(signal, output, k, stride, padding)
        if linsolve.row_reduce(conv.windows(signal, k, stride, padding), output).rank == k:
            return params
    raise RuntimeError("no full-rank system drawn in 200 tries")  # pragma: no cover - astronomically unlikely


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    same = (options or SampleOptions()).structure == "same"
    shape = structure_breaks(params, solution) if same else []
    if solution.case != "unique":
        return [f"the system has {'no' if solution.case == 'none' else 'infinitely many'} solutions, not one", *shape]
    broken = list(shape)
    assert solution.filter is not None  # solve() sets the fields of its case
    if any(v.q != 1 for v in solution.filter):
        broken.append("the filter has non-integer entries")
    if conv.correlate1d(params.signal, solution.filter, params.stride, params.padding) != list(params.output):
        broken.append("the filter does not reproduce the output")
    hint = view(solution)["hint"]
    if hint != solution.filter[0] or params.filter_length < 2:
        broken.append("the hint (the first filter entry) is wrong or gives the whole answer away")
    if len(params.signal) > 8 or params.filter_length > 4 or params.output_count > 8:
        broken.append("the system is too large to solve by hand")
    if max(abs(v) for v in (*params.signal, *params.output)) > 60:
        broken.append("numbers too large for hand computation")
    return broken


def _palindromic(params: Params, solution: Solution) -> bool:
    found = tuple(solution.filter or ())
    return len(found) > 1 and found == found[::-1]


DEGENERATE = (
    Degenerate(
        "6(b) palindromic filter",
        "the filter reads the same reversed, so sliding it flipped or not gives the same output",
        _palindromic,
    ),
)


def features(solution: Solution) -> dict[str, object]:
    """What `hw6 stress` histograms: the system's shape and every filter entry."""
    params = solution.params
    facts: dict[str, object] = {
        "case": solution.case,
        "filter_length": params.filter_length,
        "stride": params.stride,
        "padding": params.padding,
    }
    for index, value in enumerate(solution.filter or ()):
        facts[f"filter[{index + 1}]"] = str(value)
    return facts
