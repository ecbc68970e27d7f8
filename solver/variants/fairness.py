"""Equally hard variants: each problem's difficulty features, the band each must fall in, and the
fairness table ``hw6 stress`` prints.

A problem declares a :class:`Difficulty`: a function measuring the features that make it harder
(nodes to fill in, sequences to score, row operations, largest intermediate number, ...) and a
:class:`Band` per feature, relative to the homework's own value (``Band(0.5, 2)``: from half to
twice it) or absolute (``Band(0.02, 1, relative=False)``). :func:`band_breaks` lists a draw's
features outside their bands; :func:`solver.variants.draw.draw` treats each like a broken guarantee
and redraws, unless the problem's drawing options ask for ``structure: varied``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..kernel.difficulty import Band, Difficulty, number_text
from ..kernel.problem import BuildContext, Problem

__all__ = ["Band", "Difficulty", "Fairness", "band_breaks", "homework_values", "structure_of"]

STRUCTURES = ("same", "varied")


def structure_of(options: Any) -> str:
    """``same`` (the homework's structure, bands enforced) or ``varied``, from a problem's drawing options."""
    return str(getattr(options, "structure", "same"))


_HOMEWORK: dict[str, dict[str, float]] = {}


def homework_values(problem: Problem) -> dict[str, float]:
    """The difficulty features of the homework's own parameters (the bands' reference), once per process."""
    assert problem.difficulty is not None
    if problem.section not in _HOMEWORK:
        solution = problem.solve(problem.params_type(), BuildContext())
        _HOMEWORK[problem.section] = {k: float(v) for k, v in problem.difficulty.measure(solution).items()}
    return _HOMEWORK[problem.section]


def band_breaks(problem: Problem, solution: Any, bands: Mapping[str, Band] | None = None) -> list[str]:
    """The difficulty features of ``solution`` outside their bands, each as a broken guarantee."""
    if problem.difficulty is None:
        return []
    bands = problem.difficulty.bands if bands is None else bands
    homework = homework_values(problem)
    values = problem.difficulty.measure(solution)
    return [
        f"{name} is {number_text(float(values[name]))}, outside {band.text(homework[name])} "
        f"(homework: {number_text(homework[name])})"
        for name, band in bands.items()
        if not band.holds(float(values[name]), homework[name])
    ]


@dataclass
class FeatureSpread:
    """One feature over many variants, next to the homework's value and its band."""

    section: str
    name: str
    homework: float
    band: Band | None
    enforced: bool  # False under structure: varied
    values: dict[int, float] = field(default_factory=dict)  # seed -> value

    @property
    def outside(self) -> list[int]:
        if self.band is None:
            return []
        return [seed for seed, v in self.values.items() if not self.band.holds(v, self.homework)]

    @property
    def fails(self) -> bool:
        return self.enforced and bool(self.outside)

    def json(self) -> dict[str, Any]:
        ordered = sorted(self.values.values())
        low, high = self.band.limits(self.homework) if self.band else (None, None)
        return {
            "section": self.section,
            "feature": self.name,
            "homework": self.homework,
            "band": None if self.band is None else [low, high],
            "enforced": self.enforced,
            "variants": len(ordered),
            "min": ordered[0] if ordered else None,
            "median": statistics.median(ordered) if ordered else None,
            "max": ordered[-1] if ordered else None,
            "outside": len(self.outside),
            "outside_seeds": self.outside[:20],
        }


class Fairness:
    """Collects every variant's difficulty features; ``bands`` overrides what problems declare."""

    def __init__(
        self, problems: Iterable[Problem], options: Mapping[str, Any], bands: Mapping[str, Band] | None = None
    ):
        self.spreads: dict[str, FeatureSpread] = {}
        for problem in problems:
            if problem.difficulty is None:
                continue
            enforced = structure_of(options.get(problem.section)) == "same"
            homework = homework_values(problem)
            for name in homework:
                key = f"{problem.section}.{name}"
                band = (bands or {}).get(key, problem.difficulty.bands.get(name))
                self.spreads[key] = FeatureSpread(problem.section, name, homework[name], band, enforced)

    def add(self, seed: int, problem: Problem, solution: Any) -> None:
        if problem.difficulty is None:
            return
        for name, value in problem.difficulty.measure(solution).items():
            self.record(seed, f"{problem.section}.{name}", float(value))

    def record(self, seed: int, name: str, value: float) -> None:
        """One measured feature (``section.feature``) of one variant."""
        self.spreads[name].values[seed] = value

    @property
    def fails(self) -> bool:
        return any(s.fails for s in self.spreads.values())

    def json(self) -> list[dict[str, Any]]:
        return [s.json() for s in self.spreads.values()]

    def table(self) -> str:
        from ..io.text import table

        rows = []
        for key, s in self.spreads.items():
            ordered = sorted(s.values.values())
            spread = (
                (number_text(ordered[0]), number_text(statistics.median(ordered)), number_text(ordered[-1]))
                if ordered
                else ("-",) * 3
            )
            band = "-" if s.band is None else s.band.text(s.homework) + ("" if s.enforced else " (not enforced)")
            verdict = "ok" if not s.outside else f"{len(s.outside)} outside"
            rows.append((key, number_text(s.homework), band, *spread, verdict))
        return table(("feature", "homework", "band", "min", "median", "max", "variants"), rows)
