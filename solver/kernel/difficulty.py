"""What a problem declares about difficulty: the features that make a variant harder, and the band
each must fall in relative to the homework's own value (checked in :mod:`solver.variants.fairness`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Band:
    """Where a feature must lie: ``low``..``high`` times the homework's value, or as given."""

    low: float
    high: float
    relative: bool = True

    def limits(self, homework: float) -> tuple[float, float]:
        if not self.relative:
            return self.low, self.high
        ends = sorted((self.low * homework, self.high * homework))
        return ends[0], ends[1]

    def holds(self, value: float, homework: float) -> bool:
        low, high = self.limits(homework)
        return low - 1e-12 <= value <= high + 1e-12

    def text(self, homework: float) -> str:
        low, high = self.limits(homework)
        return number_text(low) if low == high else f"{number_text(low)}..{number_text(high)}"


@dataclass(frozen=True)
class Difficulty:
    measure: Callable[[Any], Mapping[str, float]]  # solution -> feature -> value
    bands: Mapping[str, Band]


def number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.4g}"


#: A problem's drawing option ``structure``: ``same`` keeps the homework's shape and enforces the
#: bands; ``varied`` draws the wider shapes of hw6 0.1.0 (bands are then only reported).
Structure = Literal["same", "varied"]
