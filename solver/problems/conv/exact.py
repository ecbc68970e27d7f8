"""Exact convolution arithmetic for Problem 6, on plain nested lists.

Entries may be any SymPy values (Rationals, or symbols for the worked
example), so every result is exact. "Convolution" here follows the
homework's convention: the filter is slid over the signal WITHOUT flipping
(cross-correlation), with zero padding ``p`` on both sides and stride ``s``.

Everything is written for 2-D grids (lists of rows); 1-D is a grid of one
row with stride 1 and padding 0 along the rows, so the two cases share one
implementation. The float64 routes that cross-check these live in
:mod:`.numeric` and do not use this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

Grid = list[list[Any]]
ZERO = sp.Integer(0)


def output_length(size: int, kernel: int, stride: int, padding: int) -> int:
    """Length of a strided, padded convolution's output: ⌊(n + 2p − K)/s⌋ + 1 (needs n + 2p ≥ K)."""
    return (size + 2 * padding - kernel) // stride + 1


def transpose_length(size: int, kernel: int, stride: int, padding: int) -> int:
    """Length of a transpose convolution's output: (n − 1)s + K − 2p, as in torch."""
    return (size - 1) * stride + kernel - 2 * padding


def windows(signal: Sequence[Any], length: int, stride: int, padding: int, shift: int = 0) -> list[list[Any]]:
    """The signal windows the filter meets, one per output entry (the rows of A in A f = y).

    Window i starts at signal index ``i*stride - padding + shift``; entries outside the
    signal are zero. ``shift`` models a misaligned window (a likely mistake), 0 otherwise.
    """
    n = len(signal)
    count = output_length(n, length, stride, padding)

    def at(j: int) -> Any:
        return signal[j] if 0 <= j < n else ZERO

    return [[at(i * stride - padding + shift + k) for k in range(length)] for i in range(count)]


def correlate1d(signal: Sequence[Any], kernel: Sequence[Any], stride: int = 1, padding: int = 0) -> list[Any]:
    """Slide ``kernel`` over the zero-padded ``signal`` without flipping; exact."""
    return [
        sp.Add(*(a * b for a, b in zip(window, kernel, strict=False)))
        for window in windows(signal, len(kernel), stride, padding)
    ]


# --------------------------------------------------------------------------- transpose convolution


@dataclass(frozen=True)
class Placement:
    """One input entry's contribution: the filter scaled by ``scale``, its top-left corner at
    ``offset`` of the full (uncropped) output, zeros elsewhere."""

    index: tuple[int, int]  # the input entry (row, column)
    scale: Any
    offset: tuple[int, int]
    grid: Grid  # full output size


def shape(grid: Sequence[Sequence[Any]]) -> tuple[int, int]:
    return len(grid), len(grid[0])


def full_shape(x_shape: tuple[int, int], w_shape: tuple[int, int], strides: tuple[int, int]) -> tuple[int, int]:
    """The transpose convolution's output before padding crops it: (n − 1)s + K per axis."""
    return tuple(transpose_length(n, k, s, 0) for n, k, s in zip(x_shape, w_shape, strides, strict=False))  # type: ignore[return-value]


def placements(x: Grid, w: Grid, strides: tuple[int, int], overwrite: bool = False) -> list[Placement]:
    """One scaled, placed copy of ``w`` per entry of ``x``, in reading order."""
    rows, cols = full_shape(shape(x), shape(w), strides)
    out = []
    for i, row in enumerate(x):
        for j, value in enumerate(row):
            grid = [[ZERO] * cols for _ in range(rows)]
            top, left = i * strides[0], j * strides[1]
            for a, w_row in enumerate(w):
                for b, w_value in enumerate(w_row):
                    grid[top + a][left + b] = value * w_value
            out.append(Placement((i, j), value, (top, left), grid))
    return out


def add_grids(grids: Sequence[Grid]) -> Grid:
    rows, cols = shape(grids[0])
    return [[sp.Add(*(g[r][c] for g in grids)) for c in range(cols)] for r in range(rows)]


def crop(grid: Grid, paddings: tuple[int, int]) -> Grid:
    """Remove ``paddings`` rows and columns from each border, as torch's conv_transpose does."""
    rows, cols = shape(grid)
    top, left = paddings
    return [row[left : cols - left] for row in grid[top : rows - top]]


def transpose_conv2d(x: Grid, w: Grid, strides: tuple[int, int], paddings: tuple[int, int]) -> Grid:
    """Sum of the placed copies, cropped by the padding; exact."""
    return crop(add_grids([p.grid for p in placements(x, w, strides)]), paddings)


def transpose_conv1d(x: Sequence[Any], w: Sequence[Any], stride: int, padding: int) -> list[Any]:
    return transpose_conv2d([list(x)], [list(w)], (1, stride), (0, padding))[0]


def overwritten(x: Grid, w: Grid, strides: tuple[int, int], paddings: tuple[int, int]) -> Grid:
    """A likely mistake: each copy overwrites what lies under it instead of adding (reading order)."""
    rows, cols = full_shape(shape(x), shape(w), strides)
    grid = [[ZERO] * cols for _ in range(rows)]
    for placement in placements(x, w, strides):
        top, left = placement.offset
        for a, w_row in enumerate(w):
            for b in range(len(w_row)):
                grid[top + a][left + b] = placement.grid[top + a][left + b]
    return crop(grid, paddings)


def correlate2d_valid(x: Grid, w: Grid) -> Grid:
    """Ordinary convolution without flipping, no padding, stride 1 (a likely mistake for 6c)."""
    (n_r, n_c), (k_r, k_c) = shape(x), shape(w)
    return [
        [sp.Add(*(x[r + a][c + b] * w[a][b] for a in range(k_r) for b in range(k_c))) for c in range(n_c - k_c + 1)]
        for r in range(n_r - k_r + 1)
    ]


def rotate180(grid: Grid) -> Grid:
    return [list(reversed(row)) for row in reversed(grid)]
