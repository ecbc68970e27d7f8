"""``hw6 report``: an item analysis of a graded class, as one self-contained HTML page and as JSON.

:func:`results.read_results` reads what ``hw6 check --json`` printed, :func:`analysis.analyse`
computes the numbers (the variant test in :mod:`.permutation`), :func:`page.page` lays them out
with inline SVG figures (:mod:`.svg`) and :func:`numbers` gives the same numbers as JSON data.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .measures import Analysis


def numbers(analysis: Analysis) -> dict[str, Any]:
    """The analysis as plain JSON data, floats rounded to 6 digits so that the file is stable."""
    data = asdict(analysis)
    data.pop("totals")
    return _rounded(data)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value
