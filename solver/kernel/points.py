"""Points per answer-key part: 1 for every graded part unless the parameters file says otherwise.

grading:
  points:
    1b: 2        # one part
    1c: 0.5      # every part 1c.<node>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..engine.kinds import UNGRADED_KINDS
from .errors import ParamsError
from .exact import exact_json, is_terminating, to_rational
from .params import ParamsBase, join, param

DEFAULT_POINTS = 1
MAX_POINTS = 1000
POINTS_TEXT = f"points from 0 to {MAX_POINTS} with at most 3 decimals"


def _convert_points(value: Any, field: str) -> dict[str, sp.Rational]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParamsError(field, "a mapping from part ids (or groups such as 1c) to points", value, has_got=True)
    points = {}
    for part, raw in value.items():
        if isinstance(part, bool) or not isinstance(part, (str, int)):
            raise ParamsError(join(field, str(part)), "a part id as the key", part, has_got=True)
        where = join(field, str(part))
        number = to_rational(raw, where)
        if not (0 <= number <= MAX_POINTS and is_terminating(number) and (number * 1000).q == 1):
            raise ParamsError(where, POINTS_TEXT, exact_json(number))
        points[str(part)] = number
    return points


@dataclass(frozen=True)
class GradingParams(ParamsBase):
    points: dict = param(
        default_factory=dict,
        doc="points per part id, or per group (1c: every 1c.* part); default 1 per graded part",
        convert=_convert_points,
    )

    @property
    def is_default(self) -> bool:
        return not self.points


def points_for(parts: Mapping[str, Mapping[str, Any]], grading: GradingParams | None) -> dict[str, int | float]:
    """Each part's points; an id or group naming no part of the key is an error."""
    points: dict[str, Any] = {
        part_id: 0 if part.get("kind") in UNGRADED_KINDS else DEFAULT_POINTS for part_id, part in parts.items()
    }
    configured = grading.points if grading is not None else {}
    for name, number in configured.items():  # groups first, so that an exact id overrides its group
        if name in parts:
            continue
        members = [part_id for part_id in parts if part_id.startswith(name + ".")]
        if not members:
            raise ParamsError(
                join("grading.points", name), "a part id or group of the answer key (" + ", ".join(parts) + ")"
            )
        for part_id in members:
            points[part_id] = number
    for name, number in configured.items():
        if name in parts:
            points[name] = number
    return {part_id: _json_number(value) for part_id, value in points.items()}


def _json_number(value: Any) -> int | float:
    value = sp.Rational(value)
    return int(value.p) if value.q == 1 else float(value)
