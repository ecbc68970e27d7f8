"""How Problem 6 (c)'s answer is checked: NumPy as the adjoint of correlation; torch conv_transpose in the oracle."""

from __future__ import annotations

import numpy as np

from ....kernel.checks import Check, compare_arrays, import_torch
from .. import exact as conv
from .. import numeric as conv_numpy
from .params import is_grid
from .solve import Solution

RTOL = 1e-9


def _array(value) -> np.ndarray:
    return np.array([[float(v) for v in row] for row in value] if is_grid(value) else [float(v) for v in value])


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
