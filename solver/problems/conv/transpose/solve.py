"""Problem 6 (c)'s exact solution: transpose convolution, 1-D or 2-D, any stride and padding.

Every input entry scales a copy of the filter; the copy for entry (i, j) is
placed with its corner at (i·s, j·s) of the full output, whose size is
(n − 1)s + K per axis; overlapping entries add up. Padding p then removes p
rows and columns at each border, as ``torch.nn.functional.conv_transpose2d``
does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ....kernel.problem import BuildContext
from .. import exact as conv
from .params import Params


@dataclass(frozen=True)
class Solution:
    params: Params
    placements: tuple[conv.Placement, ...]
    full: conv.Grid  # the sum of the placed copies, before cropping
    result: conv.Grid  # cropped by the padding; one row for 1-D


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    copies = conv.placements(params.input_grid, params.filter_grid, params.strides)
    full = conv.add_grids([c.grid for c in copies])
    return Solution(params, tuple(copies), full, conv.crop(full, params.paddings))
