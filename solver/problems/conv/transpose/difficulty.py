"""6c's drawing options and difficulty: the homework's 2 x 2 input and 2 x 2 filter, stride 1, no
padding, unless ``structure: varied``. The work is the products placed and the sums where copies
overlap; both, and the size of the answer's numbers, stay near the homework's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ....kernel.difficulty import Band, Difficulty, Structure
from ....kernel.params import ParamsBase, param

SAME_SHAPE = {"input": (2, 2), "filter": (2, 2), "stride": 1, "padding": 0}  # the homework's


@dataclass(frozen=True)
class SampleOptions(ParamsBase):
    """How variants are drawn (``--variant-options``), not what a variant is."""

    structure: Structure = param(
        "same", "same: a 2 x 2 input and 2 x 2 filter, stride 1, no padding; varied: up to 3 x 3, strides, padding"
    )


def shape_of(grid: Any) -> tuple[int, int]:
    return len(grid), len(grid[0])


def structure_breaks(params: Any) -> list[str]:
    shape = {
        "input": shape_of(params.input_grid),
        "filter": shape_of(params.filter_grid),
        "stride": params.stride,
        "padding": params.padding,
    }
    return [
        f"{name} is {shape[name]}, not the homework's {value}"
        for name, value in SAME_SHAPE.items()
        if shape[name] != value
    ]


def measure(solution: Any) -> dict[str, float]:
    landed: Counter[tuple[int, int]] = Counter()
    for placement in solution.placements:
        for r, row in enumerate(placement.grid):
            for c, value in enumerate(row):
                if value != 0:
                    landed[(r, c)] += 1
    return {
        "non-zero products": sum(landed.values()),
        "entries summed from 2+ products": sum(1 for n in landed.values() if n >= 2),
        "largest |entry|": float(max(abs(v) for row in solution.result for v in row)),
    }


DIFFICULTY = Difficulty(
    measure,
    {  # the homework: 12 products, 4 entries where copies add up, the largest entry 3
        "non-zero products": Band(1, 4 / 3),
        "entries summed from 2+ products": Band(2 / 3, 5 / 3),
        "largest |entry|": Band(2 / 3, 5 / 3),
    },
)
