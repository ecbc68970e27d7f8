"""Problem 6 (c): transpose convolution, 1-D or 2-D, any stride and padding, exactly.

Every input entry scales a copy of the filter; the copy for entry (i, j) is
placed with its corner at (i·s, j·s) of the full output, whose size is
(n − 1)s + K per axis; overlapping entries add up. Padding p then removes p
rows and columns at each border, as ``torch.nn.functional.conv_transpose2d``
does. The sheet shows each placed copy and their sum; the homework's symbolic
1-D example ([a, b, c] with [x, y, z], stride 2) is worked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ...core.checks import Check, compare_arrays, import_torch
from ...core.errors import ParamsError
from ...core.exact import exact_json
from ...core.params import ParamsBase, number_list_or_grid, param
from ...core.problem import BuildContext, Part, Problem
from . import exact as conv
from . import numeric as conv_numpy
from .transpose_difficulty import DIFFICULTY, SampleOptions, structure_breaks

RTOL = 1e-9
SHOWN_COPIES = 16  # more input entries than this: the sheet gives the entry formula instead of every copy
SHOWN_WIDTH = {1: 24, 2: 10}  # widest full output whose copies are drawn, by dimension

EXAMPLE_INPUT = sp.symbols("a b c")
EXAMPLE_FILTER = sp.symbols("x y z")
EXAMPLE_STRIDE = 2


def _grid(*rows: tuple[int, ...]) -> tuple[tuple[sp.Integer, ...], ...]:
    return tuple(tuple(sp.Integer(v) for v in row) for row in rows)


@dataclass(frozen=True)
class Params(ParamsBase):
    input: Any = param(
        _grid((-1, 2), (3, 1)),
        "the input: a list (1-D) or a list of rows (2-D)",
        convert=number_list_or_grid(max_length=16, max_rows=6, max_columns=6),
    )
    filter: Any = param(
        _grid((1, -1), (0, 1)),
        "the filter, with as many dimensions as the input",
        convert=number_list_or_grid(max_length=8, max_rows=4, max_columns=4),
    )
    stride: int = param(1, "s, the step between placed copies", minimum=1, maximum=4)
    padding: int = param(0, "p, rows and columns cropped at each border", minimum=0, maximum=4)

    def validate(self) -> None:
        if _is_grid(self.input) != _is_grid(self.filter):
            dims = "2-D (a list of rows)" if _is_grid(self.input) else "1-D (a list of numbers)"
            raise ParamsError("filter", f"a {dims} filter like the input", _plain(self.filter), has_got=True)
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
        return 2 if _is_grid(self.input) else 1

    @property
    def input_grid(self) -> conv.Grid:
        return [list(r) for r in self.input] if _is_grid(self.input) else [list(self.input)]

    @property
    def filter_grid(self) -> conv.Grid:
        return [list(r) for r in self.filter] if _is_grid(self.filter) else [list(self.filter)]

    @property
    def strides(self) -> tuple[int, int]:
        return (self.stride, self.stride) if self.dimensions == 2 else (1, self.stride)

    @property
    def paddings(self) -> tuple[int, int]:
        return (self.padding, self.padding) if self.dimensions == 2 else (0, self.padding)


def _is_grid(value) -> bool:
    return bool(value) and isinstance(value[0], tuple)


def _plain(value):
    return [_plain(v) for v in value] if isinstance(value, tuple) else exact_json(value)


# --------------------------------------------------------------------------- exact solution


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


# --------------------------------------------------------------------------- numeric checks


def _array(value) -> np.ndarray:
    return np.array([[float(v) for v in row] for row in value] if _is_grid(value) else [float(v) for v in value])


def _flat(grid: conv.Grid) -> np.ndarray:
    return np.array([float(v) for row in grid for v in row])


def _atol(solution: Solution) -> float:
    return RTOL * max(1.0, float(np.max(np.abs(_flat(solution.full)))))


def crosscheck(solution: Solution) -> list[Check]:
    """NumPy: the transpose convolution as the adjoint (matrix transpose) of strided, padded correlation."""
    p = solution.params
    d = p.dimensions
    numeric = conv_numpy.transpose_conv(_array(p.input), _array(p.filter), (p.stride,) * d, (p.padding,) * d)
    return [
        compare_arrays(
            "6c",
            "numpy adjoint of correlation",
            _flat(solution.result),
            numeric.ravel(),
            rtol=RTOL,
            atol=_atol(solution),
        )
    ]


def oracle_check(solution: Solution) -> list[Check]:
    """torch conv_transpose1d/2d in float64."""
    torch = import_torch()
    p = solution.params
    x = torch.tensor(_array(p.input)).unsqueeze(0).unsqueeze(0)  # (N, C_in, *n)
    w = torch.tensor(_array(p.filter)).unsqueeze(0).unsqueeze(0)  # (C_in, C_out, *K)
    op = torch.nn.functional.conv_transpose2d if p.dimensions == 2 else torch.nn.functional.conv_transpose1d
    numeric = op(x, w, stride=p.stride, padding=p.padding).numpy().ravel()
    return [
        compare_arrays(
            "6c",
            f"torch conv_transpose{p.dimensions}d",
            _flat(solution.result),
            numeric,
            rtol=RTOL,
            atol=_atol(solution),
        )
    ]


# --------------------------------------------------------------------------- answer key


def _json(grid: conv.Grid, dimensions: int) -> list:
    rows = [[exact_json(v) for v in row] for row in grid]
    return rows if dimensions == 2 else rows[0]


def mistakes(solution: Solution) -> list[dict]:
    """Likely wrong outputs, each with what it shows; duplicates and the right answer left out."""
    p = solution.params
    x, w, strides, paddings = p.input_grid, p.filter_grid, p.strides, p.paddings
    flipped_note = (
        " With stride 1 this is also what sliding the filter over the zero-padded input (an ordinary "
        "convolution) gives."
        if p.stride == 1
        else ""
    )
    candidates = [
        (
            conv.transpose_conv2d(x, conv.rotate180(w), strides, paddings),
            ("The filter was reversed" if p.dimensions == 1 else "The filter was flipped (rotated by 180 degrees)")
            + " before the copies were placed; transpose convolution places it as given."
            + flipped_note,
        )
    ]
    if p.stride > 1:
        sizes = [n - 1 + k - 2 * q for n, k, q in zip(conv.shape(x), conv.shape(w), paddings, strict=False)]
        if min(sizes) >= 1:
            candidates.append(
                (
                    conv.transpose_conv2d(x, w, (1, 1), paddings),
                    f"The copies were placed one step apart; with stride {p.stride} each copy starts {p.stride} "
                    "positions after the previous one.",
                )
            )
    candidates.append(
        (
            conv.overwritten(x, w, strides, paddings),
            "Where copies overlap their entries must be added; this answer lets each copy overwrite the one before.",
        )
    )
    if p.padding:
        candidates.append(
            (
                solution.full,
                f"The padding was not applied: padding {p.padding} removes {p.padding} "
                f"{'entry' if p.padding == 1 else 'entries'} at each {'border' if p.dimensions == 2 else 'end'} of the full output.",
            )
        )
    if all(n >= k for n, k in zip(conv.shape(x), conv.shape(w), strict=False)):
        candidates.append(
            (
                conv.correlate2d_valid(x, w),
                "This is an ordinary convolution, which slides the filter over the input and shrinks it; a transpose "
                "convolution places a scaled copy of the filter at every input entry and enlarges it.",
            )
        )
    out, seen = [], {str(solution.result)}
    for grid, feedback in candidates:
        if str(grid) not in seen:
            seen.add(str(grid))
            out.append({"value": _json(grid, p.dimensions), "feedback": feedback})
    return out


def parts(solution: Solution) -> dict[str, Part]:
    from ...render.tex import bracket_list, matrix

    p = solution.params
    latex = matrix(solution.result) if p.dimensions == 2 else bracket_list(solution.result[0])
    kind = "matrix" if p.dimensions == 2 else "vector"
    return {"6c": Part(kind, _json(solution.result, p.dimensions), str(latex), {"mistakes": mistakes(solution)})}


# --------------------------------------------------------------------------- sheet


def tableau(x: list, w: list, stride: int) -> dict:
    """1-D copies as rows of a table whose columns are the full output's positions.

    Positions a copy does not cover are left blank, so each copy's place is visible.
    """
    from ...render.tex import Tex

    copies = conv.placements([list(x)], [list(w)], (1, stride))
    width = len(copies[0].grid[0])
    rows = []
    for copy in copies:
        left = copy.offset[1]
        cells = [Tex(sp.latex(v)) if left <= c < left + len(w) else Tex("") for c, v in enumerate(copy.grid[0])]
        rows.append({"label": Tex(sp.latex(copy.scale)), "cells": cells})
    total = conv.add_grids([c.grid for c in copies])[0]
    return {
        "spec": Tex("r|" + "c" * width),
        "positions": list(range(1, width + 1)),
        "rows": rows,
        "sum": [Tex(sp.latex(v)) for v in total],
    }


ENTRY_FORMULA = {
    1: r"\tilde y_{r} = \sum_{(i-1)s + k = r} x_{i}\, w_{k},",
    2: r"\tilde Y_{r,c} = \sum_{(i-1)s + k = r,\ (j-1)s + l = c} X_{i,j}\, W_{k,l},",
}


def view(solution: Solution) -> dict:
    from ...render.tex import Tex, bracket_list, matrix

    p = solution.params
    d = p.dimensions
    full_rows, full_cols = conv.shape(solution.full)
    show_copies = len(solution.placements) <= SHOWN_COPIES and full_cols <= SHOWN_WIDTH[d]
    kernel_rows, kernel_cols = conv.shape(p.filter_grid)

    def grid_tex(grid) -> Tex:
        return matrix(grid) if d == 2 else bracket_list(grid[0])

    def shape_tex(grid) -> Tex:
        return Tex(r" \times ".join(map(str, conv.shape(grid))) if d == 2 else str(len(grid[0])))

    def placed(copy: conv.Placement) -> Tex:
        # Entries the copy does not reach print as a dot, so its position stands out.
        top, left = copy.offset
        cells = [
            [
                v if top <= r < top + kernel_rows and left <= c < left + kernel_cols else Tex(r"\cdot")
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(copy.grid)
        ]
        scale = sp.latex(copy.scale) if copy.scale >= 0 else rf"\left({sp.latex(copy.scale)}\right)"
        return Tex(rf"\underbrace{{{matrix(cells, small=True)}}}_{{{scale}\,W}}")

    copy_lines = []
    if d == 2 and show_copies:
        per_line = 4 if full_cols <= 4 else (3 if full_cols <= 6 else 2)
        copies = [placed(c) for c in solution.placements]
        copy_lines = [copies[i : i + per_line] for i in range(0, len(copies), per_line)]
    example = conv.transpose_conv1d(EXAMPLE_INPUT, EXAMPLE_FILTER, EXAMPLE_STRIDE, 0)
    return {
        "dimensions": d,
        "input_symbol": Tex("X" if d == 2 else "x"),
        "filter_symbol": Tex("W" if d == 2 else "w"),
        "input": grid_tex(p.input_grid),
        "filter": grid_tex(p.filter_grid),
        "input_shape": shape_tex(p.input_grid),
        "filter_shape": shape_tex(p.filter_grid),
        "full_shape": Tex(rf"{full_rows} \times {full_cols}" if d == 2 else str(full_cols)),
        "result_shape": shape_tex(solution.result),
        "show_copies": show_copies,
        "copy_count": len(solution.placements),
        "copy_lines": copy_lines,
        "tableau": tableau(p.input_grid[0], p.filter_grid[0], p.stride) if d == 1 and show_copies else None,
        "entry_formula": Tex(ENTRY_FORMULA[d]),
        "full": grid_tex(solution.full),
        "result": grid_tex(solution.result),
        "example": {
            "input": bracket_list(EXAMPLE_INPUT),
            "filter": bracket_list(EXAMPLE_FILTER),
            "stride": EXAMPLE_STRIDE,
            "tableau": tableau(list(EXAMPLE_INPUT), list(EXAMPLE_FILTER), EXAMPLE_STRIDE),
            "result": bracket_list(example),
        },
    }


# --------------------------------------------------------------------------- variants


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """The homework's 2-D case with other numbers: a 2×2 input (non-zero, −3 to 3), a 2×2 filter (−1 to 1,
    at most one zero), stride 1, no padding;
    ``structure: varied``: input up to 3×3, a 2×2 or 3×3 filter whose copies overlap, padding 0 or 1."""
    if (options or SampleOptions()).structure == "same":
        while True:
            x = rng.choice([v for v in range(-3, 4) if v], size=(2, 2))  # within ±3, as the homework's -1 to 3
            w = rng.integers(-1, 2, size=(2, 2))  # the homework's: -1, 0 and 1
            if np.count_nonzero(w) >= 3:  # as the homework's: copies overlap in 3 entries or more
                return Params(_grid(*x.tolist()), _grid(*w.tolist()), 1, 0)
    rows, cols = (int(v) for v in rng.integers(2, 4, size=2))
    k = int(rng.integers(2, 4))
    stride = int(rng.integers(1, k))
    while True:
        x = rng.choice([v for v in range(-3, 4) if v], size=(rows, cols))
        w = rng.integers(-2, 3, size=(k, k))
        if np.count_nonzero(w) >= 2:
            break
    padding = int(rng.choice([0, 0, 1]))
    if min((n - 1) * stride + k for n in (rows, cols)) - 2 * padding < 2:
        padding = 0
    return Params(_grid(*x.tolist()), _grid(*w.tolist()), stride, padding)


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    broken = structure_breaks(params) if (options or SampleOptions()).structure == "same" else []
    values = [v for row in (*params.input_grid, *params.filter_grid) for v in row]
    if any(v.q != 1 for v in values):
        broken.append("the input and filter should be integers")
    if any(v == 0 for row in params.input_grid for v in row):
        broken.append("an input entry is 0, so its copy of the filter vanishes")
    if sum(1 for row in params.filter_grid for v in row if v != 0) < 2:
        broken.append("the filter needs at least two non-zero entries")
    if not any(params.stride < k for k in conv.shape(params.filter_grid)):
        broken.append("no copies overlap (stride at least the filter size), so nothing is summed")
    result_shape = conv.shape(solution.result)
    if min(result_shape) < 2 or max(result_shape) > 7 or len(solution.placements) > 9:
        broken.append("the output should be between 2 and 7 entries across, from at most 9 copies")
    return broken


def features(solution: Solution) -> dict[str, object]:
    """What `hw6 stress` histograms: sizes, stride, padding, and how large the answer's entries get."""
    params = solution.params
    return {
        "input": "x".join(map(str, conv.shape(params.input_grid))),
        "filter": "x".join(map(str, conv.shape(params.filter_grid))),
        "stride": params.stride,
        "padding": params.padding,
        "output": "x".join(map(str, conv.shape(solution.result))),
        "largest |entry|": str(max(abs(v) for row in solution.result for v in row)),
    }


PROBLEM = Problem(
    section="transpose_conv",
    number=6,
    title="Convolutional networks",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    view=view,
    sample=sample,
    sample_options=SampleOptions,
    guarantees=guarantees,
    features=features,
    difficulty=DIFFICULTY,
)
