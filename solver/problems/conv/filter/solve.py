"""Problem 6 (b)'s exact solution: the filter behind a convolution, by Gauss-Jordan elimination.

(b) gives a signal x and the output y of sliding an unknown length-K filter f
over it without flipping (stride s, zero padding p). Each output entry is one
linear equation in f: y_i = Σ_k x_{(i−1)s+k−p} f_k, so A f = y where row i of A
is the window of the padded signal that output i sees. The solver builds A
exactly, row-reduces [A | y] while recording every step, and classifies:

- unique: rank A = K and the system is consistent (the homework: [2, −1, 3]);
- infinitely many: consistent with rank A < K; the family has one parameter
  per free unknown, and an integer member is given when one exists;
- none: a combination of the equations reads 0 = c ≠ 0; the least-squares
  filter is given as an aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from math import gcd, lcm
from typing import Literal

import sympy as sp

from ....kernel.problem import BuildContext
from .. import exact as conv
from .. import linsolve
from .params import Params, integer_tuple

Case = Literal["unique", "family", "none"]


@dataclass(frozen=True)
class Contradiction:
    """Σ coefficients_i · (equation i) has left side 0 and right side ``value`` ≠ 0."""

    coefficients: tuple[int, ...]
    value: sp.Rational


@dataclass(frozen=True)
class Solution:
    params: Params
    matrix: tuple[tuple[sp.Rational, ...], ...]  # A, (m, K)
    reduction: linsolve.Reduction
    case: Case
    filter: tuple[sp.Rational, ...] | None = None  # unique
    family: tuple[sp.Expr, ...] | None = None  # family: entries in the parameters ``free``
    free: tuple[sp.Symbol, ...] = ()
    particular: tuple[sp.Rational, ...] | None = None  # family: the member with every parameter 0
    nullspace: tuple[tuple[sp.Rational, ...], ...] = ()  # family: one direction per parameter
    integer_member: tuple[sp.Integer, ...] | None = None  # family: when one exists
    contradiction: Contradiction | None = None  # none
    least_squares: tuple[sp.Rational, ...] | None = None  # none: the minimum-norm least-squares filter

    @property
    def signal(self) -> tuple[sp.Rational, ...]:
        return self.params.signal

    @property
    def output(self) -> tuple[sp.Rational, ...]:
        return self.params.output

    @property
    def checked_filter(self) -> tuple[sp.Rational, ...]:
        """The concrete filter whose convolution the sheet and the cross-checks compute."""
        if self.case == "unique":
            chosen = self.filter
        elif self.case == "family":
            chosen = self.integer_member or self.particular
        else:
            chosen = self.least_squares
        assert chosen is not None  # solve() sets the fields of its case
        return chosen


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    windows = conv.windows(params.signal, params.filter_length, params.stride, params.padding)
    matrix = tuple(tuple(sp.Rational(v) for v in row) for row in windows)
    reduction = linsolve.row_reduce(matrix, params.output)
    bad_row = reduction.contradiction
    if bad_row is not None:
        # The row's combination of equations, scaled to coprime integers led by a positive one.
        combination = reduction.transform[bad_row]
        denominators = lcm(*(int(c.q) for c in combination))
        integers = [int(c * denominators) for c in combination]
        scale = sp.Rational(denominators, reduce(gcd, integers))
        if next(c for c in integers if c) < 0:
            scale = -scale
        coefficients = tuple(int(c * scale) for c in combination)
        value = reduction.rref[bad_row][-1] * scale
        lsq = tuple(linsolve.least_squares(matrix, params.output))
        return Solution(
            params, matrix, reduction, "none", contradiction=Contradiction(coefficients, value), least_squares=lsq
        )
    particular, basis = linsolve.particular_and_nullspace(reduction)
    if not basis:
        return Solution(params, matrix, reduction, "unique", filter=tuple(particular))
    free = tuple(sp.Symbol(f"t{i}") for i in range(1, len(basis) + 1))
    family = tuple(
        p + sum((t * vector[k] for t, vector in zip(free, basis, strict=False)), sp.Integer(0))
        for k, p in enumerate(particular)
    )
    member: tuple[sp.Integer, ...] | None
    if all(v.q == 1 for v in particular):
        member = tuple(particular)
    else:
        found = linsolve.integer_solution(matrix, params.output)
        member = None if found is None else integer_tuple(*found)
    return Solution(
        params,
        matrix,
        reduction,
        "family",
        family=family,
        free=free,
        particular=tuple(particular),
        nullspace=tuple(tuple(v) for v in basis),
        integer_member=member,
    )
