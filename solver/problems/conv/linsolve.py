"""Exact linear systems A f = y over the rationals, solved the way a person would.

:func:`row_reduce` performs Gauss–Jordan elimination on the augmented matrix
and records every row operation, grouped by pivot column, so a sheet can show
the elimination step by step. It also keeps the product of the operations
(``transform``), which names the combination of equations behind any row of the
result: that is how an inconsistent system shows the equation that cannot hold.

:func:`integer_solution` finds an integer solution when one exists (column
Hermite reduction with unimodular column operations), and
:func:`least_squares` the minimum-norm least-squares solution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import lcm
from typing import Literal

import sympy as sp

Rows = tuple[tuple[sp.Rational, ...], ...]


@dataclass(frozen=True)
class RowOp:
    """``swap``: R_target ↔ R_source; ``scale``: R_target ← factor·R_target;
    ``add``: R_target ← R_target + factor·R_source (rows numbered from 0)."""

    kind: Literal["swap", "scale", "add"]
    target: int
    factor: sp.Rational = sp.Integer(1)
    source: int = -1

    def apply(self, rows: list[list[sp.Rational]]) -> None:
        """Perform the operation on ``rows`` in place."""
        if self.kind == "swap":
            rows[self.target], rows[self.source] = rows[self.source], rows[self.target]
        elif self.kind == "scale":
            rows[self.target] = [self.factor * v for v in rows[self.target]]
        else:
            rows[self.target] = [
                a + self.factor * b for a, b in zip(rows[self.target], rows[self.source], strict=False)
            ]

    def latex(self) -> str:
        t = f"R_{{{self.target + 1}}}"
        if self.kind == "swap":
            return rf"{t} \leftrightarrow R_{{{self.source + 1}}}"
        if self.kind == "scale":
            return rf"{t} \leftarrow {_coefficient(self.factor)}{t}"
        sign = "-" if self.factor < 0 else "+"
        return rf"{t} \leftarrow {t} {sign} {_coefficient(abs(self.factor))}R_{{{self.source + 1}}}"


def _coefficient(value: sp.Rational) -> str:
    """``value`` as a factor in front of a row name: nothing for 1, ``-`` for −1."""
    if value == 1:
        return ""
    if value == -1:
        return "-"
    return sp.latex(value) + r"\,"


@dataclass(frozen=True)
class Stage:
    """The operations that clear one pivot column, and the matrix after them."""

    column: int
    ops: tuple[RowOp, ...]
    matrix: Rows


@dataclass(frozen=True)
class Reduction:
    start: Rows  # the augmented matrix [A | y]
    stages: tuple[Stage, ...]
    rref: Rows
    pivots: tuple[int, ...]  # pivot column of each of the first len(pivots) rows
    transform: Rows  # E with E · start = rref (rows are combinations of the equations)
    unknowns: int  # columns of A; the last column of start is y

    @property
    def rank(self) -> int:
        return len(self.pivots)

    @property
    def free(self) -> tuple[int, ...]:
        return tuple(j for j in range(self.unknowns) if j not in self.pivots)

    @property
    def contradiction(self) -> int | None:
        """Index of the first row reading 0 = c with c ≠ 0, if any."""
        for index, row in enumerate(self.rref):
            if all(v == 0 for v in row[:-1]) and row[-1] != 0:
                return index
        return None


def _frozen(rows: list[list[sp.Rational]]) -> Rows:
    return tuple(tuple(row) for row in rows)


def row_reduce(matrix: Sequence[Sequence[sp.Rational]], rhs: Sequence[sp.Rational]) -> Reduction:
    """Gauss–Jordan elimination of [matrix | rhs] to reduced row echelon form, recorded."""
    rows = [[sp.Rational(v) for v in row] + [sp.Rational(b)] for row, b in zip(matrix, rhs, strict=False)]
    m, unknowns = len(rows), len(matrix[0])
    transform = [[sp.Integer(int(i == j)) for j in range(m)] for i in range(m)]
    start = _frozen(rows)
    stages: list[Stage] = []
    pivots: list[int] = []

    def apply(op: RowOp) -> None:
        op.apply(rows)
        op.apply(transform)

    for column in range(unknowns):
        r = len(pivots)
        if r == m:
            break
        below = [i for i in range(r, m) if rows[i][column] != 0]
        if not below:
            continue
        ops = []
        # Prefer a pivot of ±1 (no fractions), else the smallest in size, else the first.
        source = min(below, key=lambda i: (abs(rows[i][column]) != 1, abs(rows[i][column]), i))
        if source != r:
            ops.append(RowOp("swap", r, source=source))
            apply(ops[-1])
        if rows[r][column] != 1:
            ops.append(RowOp("scale", r, 1 / rows[r][column]))
            apply(ops[-1])
        for i in range(m):
            if i != r and rows[i][column] != 0:
                ops.append(RowOp("add", i, -rows[i][column], r))
                apply(ops[-1])
        pivots.append(column)
        stages.append(Stage(column, tuple(ops), _frozen(rows)))
    return Reduction(start, tuple(stages), _frozen(rows), tuple(pivots), _frozen(transform), unknowns)


def particular_and_nullspace(reduction: Reduction) -> tuple[list[sp.Rational], list[list[sp.Rational]]]:
    """A solution with every free unknown 0, and one null-space vector per free unknown."""
    n = reduction.unknowns
    particular = [sp.Integer(0)] * n
    for row, column in zip(reduction.rref, reduction.pivots, strict=False):
        particular[column] = row[-1]
    basis = []
    for free in reduction.free:
        vector = [sp.Integer(0)] * n
        vector[free] = sp.Integer(1)
        for row, column in zip(reduction.rref, reduction.pivots, strict=False):
            vector[column] = -row[free]
        basis.append(vector)
    return particular, basis


def integer_solution(matrix: Sequence[Sequence[sp.Rational]], rhs: Sequence[sp.Rational]) -> list[int] | None:
    """An integer f with matrix · f = rhs, or None when there is none.

    Each equation is scaled to integers; unimodular column operations bring the
    matrix to column echelon form H = A U; H z = y is then solved by forward
    substitution, which needs exact divisions; f = U z (free z are 0).
    """
    a, y = [], []
    for row, b in zip(matrix, rhs, strict=False):
        scale = lcm(*(int(sp.Rational(v).q) for v in (*row, b)))
        a.append([int(sp.Rational(v) * scale) for v in row])
        y.append(int(sp.Rational(b) * scale))
    m, n = len(a), len(a[0])
    u = [[int(i == j) for j in range(n)] for i in range(n)]

    def column_op(target: int, source: int, factor: int) -> None:  # col_target -= factor * col_source
        for grid in (a, u):
            for row in grid:
                row[target] -= factor * row[source]

    def swap(i: int, j: int) -> None:
        for grid in (a, u):
            for row in grid:
                row[i], row[j] = row[j], row[i]

    pivot_rows = []  # (row, column) of each pivot
    column = 0
    for i in range(m):
        if column == n:
            break
        while True:
            nonzero = [j for j in range(column, n) if a[i][j] != 0]
            if not nonzero:
                break
            smallest = min(nonzero, key=lambda j: abs(a[i][j]))
            swap(column, smallest)
            others = [j for j in range(column + 1, n) if a[i][j] != 0]
            if not others:
                break
            for j in others:
                column_op(j, column, a[i][j] // a[i][column])
        if a[i][column] != 0:
            pivot_rows.append((i, column))
            column += 1

    # Row i of H is zero right of its pivot (or right of the pivots so far), so forward
    # substitution only meets z's already fixed; z's without a pivot stay 0.
    z = [0] * n
    pivot_of_row = dict(pivot_rows)
    for i in range(m):
        settled = sum(a[i][j] * z[j] for j in range(n))
        if i in pivot_of_row:
            c = pivot_of_row[i]
            if (y[i] - settled) % a[i][c]:
                return None
            z[c] = (y[i] - settled) // a[i][c]
        elif settled != y[i]:
            return None
    return [sum(u[r][j] * z[j] for j in range(n)) for r in range(n)]


def least_squares(matrix: Sequence[Sequence[sp.Rational]], rhs: Sequence[sp.Rational]) -> list[sp.Rational]:
    """The minimum-norm f minimising |A f − y|², exactly (A⁺ y)."""
    pinv = sp.Matrix(matrix).pinv()
    return list(pinv * sp.Matrix(rhs))
