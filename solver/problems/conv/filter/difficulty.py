"""6b's drawing options and difficulty: the homework's square 3 x 3 system unless ``structure: varied``.

The features are those of solving the system by hand: how many row operations the reduction
takes, how many pivots must be scaled and how large the largest is, how large the numbers get
on the way, and how many fractions appear. Each must stay near the homework's own value.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import sympy as sp

from ....kernel.difficulty import Band, Difficulty, Structure
from ....kernel.params import ParamsBase, param

SAME_SHAPE = {"signal": 5, "filter": 3, "stride": 1, "padding": 0}  # the homework's


@dataclass(frozen=True)
class SampleOptions(ParamsBase):
    """How variants are drawn (``--variant-options``), not what a variant is."""

    structure: Structure = param(
        "same", "same: a length-5 signal and length-3 filter, stride 1, no padding; varied: 5-7, 2-3, strides, padding"
    )


def structure_breaks(params: Any, solution: Any) -> list[str]:
    """The homework's structure: its shape, a square non-singular system, no two equations proportional."""
    shape = {"signal": len(params.signal), "filter": params.filter_length, "stride": params.stride}
    shape["padding"] = params.padding
    broken = [
        f"{name} is {shape[name]}, not the homework's {value}"
        for name, value in SAME_SHAPE.items()
        if shape[name] != value
    ]
    matrix = sp.Matrix(solution.matrix)
    if matrix.rows != matrix.cols or matrix.det() == 0:
        broken.append("the system is not square and non-singular")
    augmented = [list(row) + [y] for row, y in zip(solution.matrix, params.output, strict=True)]
    for (i, a), (j, b) in combinations(enumerate(augmented), 2):
        if sp.Matrix([a, b]).rank() < 2:
            broken.append(f"equations {i + 1} and {j + 1} are proportional")
    return broken


def measure(solution: Any) -> dict[str, float]:
    reduction = solution.reduction
    ops = [op for stage in reduction.stages for op in stage.ops]
    matrices = [reduction.start, *(stage.matrix for stage in reduction.stages)]
    entries = [sp.Rational(v) for matrix in matrices for row in matrix for v in row]
    scales = [op for op in ops if op.kind == "scale"]
    return {
        "row operations": len(ops),
        "scaled pivots": len(scales),
        "largest |pivot|": float(max([sp.Integer(1), *(1 / abs(op.factor) for op in scales)])),
        "largest |intermediate|": float(max(abs(v) for v in entries)),
        "fractions on the way": sum(1 for v in entries if v.q != 1),
    }


DIFFICULTY = Difficulty(
    measure,
    {  # the homework: 8 operations, 2 scaled pivots, the largest 26, numbers up to 78, 2 fractions
        "row operations": Band(0.75, 1.25),
        "scaled pivots": Band(0.5, 1.5),
        "largest |pivot|": Band(0.25, 1.5),
        "largest |intermediate|": Band(0.25, 1.25),
        "fractions on the way": Band(0, 4),
    },
)
