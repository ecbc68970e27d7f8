"""How Problem 6 (b)'s answer is checked: NumPy correlation, lstsq and rank; torch conv1d in the oracle."""

from __future__ import annotations

import numpy as np

from ....kernel.checks import Check, compare_arrays, compare_equal, import_torch
from .. import exact as conv
from .. import numeric as conv_numpy
from .solve import Solution

RTOL = 1e-9


def _floats(values) -> np.ndarray:
    return np.array([float(v) for v in values], dtype=np.float64)


def _numpy_correlate(solution: Solution, kernel) -> np.ndarray:
    p = solution.params
    return conv_numpy.correlate(_floats(p.signal), _floats(kernel), (p.stride,), (p.padding,))


def crosscheck(solution: Solution) -> list[Check]:
    """NumPy, independently of the exact route: sliding-window correlation, lstsq and rank."""
    p = solution.params
    y = _floats(p.output)
    atol = RTOL * max(1.0, float(np.max(np.abs(y))))
    a = conv_numpy.windows_matrix(_floats(p.signal), p.filter_length, p.stride, p.padding)  # (m, K)
    rank_a = int(np.linalg.matrix_rank(a))
    rank_ay = int(np.linalg.matrix_rank(np.column_stack([a, y])))
    numeric_case = "none" if rank_ay > rank_a else ("unique" if rank_a == p.filter_length else "family")
    checks = [
        compare_equal(
            "6b", "numpy rank", f"{solution.case} (rank {solution.reduction.rank})", f"{numeric_case} (rank {rank_a})"
        )
    ]
    lstsq = np.linalg.lstsq(a, y, rcond=None)[0]  # (K,) minimum-norm
    if solution.case == "unique":
        assert solution.filter is not None  # solve() sets the fields of its case
        checks.append(compare_arrays("6b", "numpy lstsq", _floats(solution.filter), lstsq, rtol=RTOL, atol=atol))
    if solution.case == "none":
        assert solution.least_squares is not None  # solve() sets the fields of its case
        checks.append(compare_arrays("6b", "numpy lstsq", _floats(solution.least_squares), lstsq, rtol=RTOL, atol=atol))
        fitted = _floats(conv.correlate1d(p.signal, solution.least_squares, p.stride, p.padding))
        checks.append(
            compare_arrays(
                "6b",
                "numpy correlate",
                fitted,
                _numpy_correlate(solution, solution.least_squares),
                rtol=RTOL,
                atol=atol,
            )
        )
    else:
        checks.append(
            compare_arrays(
                "6b", "numpy correlate", y, _numpy_correlate(solution, solution.checked_filter), rtol=RTOL, atol=atol
            )
        )
    for vector in solution.nullspace:
        zeros = np.zeros(len(y))
        checks.append(
            compare_arrays(
                "6b", "numpy correlate (null)", zeros, _numpy_correlate(solution, vector), rtol=RTOL, atol=atol
            )
        )
    return checks


def oracle_check(solution: Solution) -> list[Check]:
    """torch conv1d (float64): the found filter reproduces the output (the fit, for none)."""
    torch = import_torch()
    p = solution.params
    signal = torch.tensor(_floats(p.signal)).view(1, 1, -1)  # (N, C, n)

    def conv1d(kernel) -> np.ndarray:
        weight = torch.tensor(_floats(kernel)).view(1, 1, -1)  # (out C, in C, K)
        return torch.nn.functional.conv1d(signal, weight, stride=p.stride, padding=p.padding).view(-1).numpy()

    y = _floats(p.output)
    atol = RTOL * max(1.0, float(np.max(np.abs(y))))
    if solution.case == "none":
        assert solution.least_squares is not None  # solve() sets the fields of its case
        fitted = _floats(conv.correlate1d(p.signal, solution.least_squares, p.stride, p.padding))
        torch_fit = conv1d(solution.least_squares)
        residual = float(np.max(np.abs(torch_fit - y)))
        checks = [compare_arrays("6b", "torch conv1d", fitted, torch_fit, rtol=RTOL, atol=atol)]
        checks.append(Check("6b", "torch conv1d", "no exact fit", f"residual {residual:.3g}", residual > atol))
        return checks
    checks = [compare_arrays("6b", "torch conv1d", y, conv1d(solution.checked_filter), rtol=RTOL, atol=atol)]
    for vector in solution.nullspace:
        checks.append(
            compare_arrays("6b", "torch conv1d (null)", np.zeros(len(y)), conv1d(vector), rtol=RTOL, atol=atol)
        )
    return checks
