"""Problem 1's parameters: how many steps the RNN is unrolled for."""

from __future__ import annotations

from dataclasses import dataclass

from ...kernel.params import ParamsBase, param

DETAIL_LIMIT = 6  # largest T whose every node and term is written out on the sheet


@dataclass(frozen=True)
class Params(ParamsBase):
    steps: int = param(3, "number of unrolled steps T", minimum=1, maximum=1000)
