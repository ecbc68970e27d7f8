"""Problem 6 (c)'s parameters: the input and filter (1-D lists or 2-D grids), stride and padding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ....kernel.errors import ParamsError
from ....kernel.exact import exact_json
from ....kernel.params import ParamsBase, number_list_or_grid, param
from .. import exact as conv


def integer_grid(*rows: tuple[int, ...]) -> tuple[tuple[sp.Integer, ...], ...]:
    return tuple(tuple(sp.Integer(v) for v in row) for row in rows)


@dataclass(frozen=True)
class Params(ParamsBase):
    input: Any = param(
        integer_grid((-1, 2), (3, 1)),
        "the input: a list (1-D) or a list of rows (2-D)",
        convert=number_list_or_grid(max_length=16, max_rows=6, max_columns=6),
    )
    filter: Any = param(
        integer_grid((1, -1), (0, 1)),
        "the filter, with as many dimensions as the input",
        convert=number_list_or_grid(max_length=8, max_rows=4, max_columns=4),
    )
    stride: int = param(1, "s, the step between placed copies", minimum=1, maximum=4)
    padding: int = param(0, "p, rows and columns cropped at each border", minimum=0, maximum=4)

    def validate(self) -> None:
        if is_grid(self.input) != is_grid(self.filter):
            dims = "2-D (a list of rows)" if is_grid(self.input) else "1-D (a list of numbers)"
            raise ParamsError("filter", f"a {dims} filter like the input", plain(self.filter), has_got=True)
        for n, k, s, p in zip(
            conv.shape(self.input_grid), conv.shape(self.filter_grid), self.strides, self.paddings, strict=False
        ):
            full = conv.transpose_length(n, k, s, 0)
            if full - 2 * p < 1:
                raise ParamsError(
                    "padding",
                    f"at most {(full - 1) // 2}, so that (n − 1)s + K − 2p = {full} − 2p keeps an entry",
                    self.padding,
                    has_got=True,
                )

    @property
    def dimensions(self) -> int:
        return 2 if is_grid(self.input) else 1

    @property
    def input_grid(self) -> conv.Grid:
        return [list(r) for r in self.input] if is_grid(self.input) else [list(self.input)]

    @property
    def filter_grid(self) -> conv.Grid:
        return [list(r) for r in self.filter] if is_grid(self.filter) else [list(self.filter)]

    @property
    def strides(self) -> tuple[int, int]:
        return (self.stride, self.stride) if self.dimensions == 2 else (1, self.stride)

    @property
    def paddings(self) -> tuple[int, int]:
        return (self.padding, self.padding) if self.dimensions == 2 else (0, self.padding)


def is_grid(value) -> bool:
    return bool(value) and isinstance(value[0], tuple)


def plain(value):
    return [plain(v) for v in value] if isinstance(value, tuple) else exact_json(value)
