"""Degenerate draws: named conditions that make a drawn variant unfit to hand out.

A problem lists them (``Problem.degenerate``) besides its other guarantees because each is a way a
variant can be correct yet worthless: a filter equal to its own flip makes "did you flip it?"
meaningless and the arithmetic trivial, a zero input drops a term from the work. Each has a name,
so that :func:`solver.variants.draw.draw` redraws for it and ``hw6 stress`` counts, by name, how
often a draw was redrawn for it and how many handed-out variants have it (none, or the run fails).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Degenerate:
    """One kind of degenerate draw: ``found(params, solution)`` is True when a draw is of this kind."""

    name: str  # short and unique, e.g. "6(c) flip-invariant filter"
    why: str  # what makes such a variant unfit, in a few words
    found: Callable[[Any, Any], bool]

    def broken(self, params: Any, solution: Any) -> str | None:
        """The broken guarantee, as ``draw`` reports it, or None."""
        return f"{self.name}: {self.why}" if self.found(params, solution) else None


def degenerate_names(found: list[Degenerate], params: Any, solution: Any) -> list[str]:
    """The names of the kinds in ``found`` that the draw (``params``, ``solution``) is."""
    return [kind.name for kind in found if kind.found(params, solution)]
