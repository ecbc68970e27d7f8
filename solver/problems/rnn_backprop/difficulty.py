"""Problem 1's drawing options and difficulty: the homework's T = 3 unless ``structure: varied``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...kernel.difficulty import Band, Difficulty, Structure
from ...kernel.params import ParamsBase, param

SAME_STEPS = 3  # the homework's T
VARIED_STEPS = (3, 5)  # hw6 0.1.0's range


@dataclass(frozen=True)
class SampleOptions(ParamsBase):
    """How variants are drawn (``--variant-options``), not what a variant is."""

    structure: Structure = param("same", "same: the homework's T = 3; varied: 3 to 5 steps")


def measure(solution: Any) -> dict[str, int]:
    """What a student fills in: forward nodes, edge terms, and the monomials of every answer."""
    polys = [*solution.values.values(), solution.dydw, *solution.adjoints.values(), *solution.edges, solution.total]
    return {
        "nodes": len(solution.values),
        "edge terms": len(solution.edges),
        "answer monomials": sum(len(poly.terms) for poly in polys),
    }


DIFFICULTY = Difficulty(measure, {"nodes": Band(1, 1), "edge terms": Band(1, 1), "answer monomials": Band(1, 1)})
