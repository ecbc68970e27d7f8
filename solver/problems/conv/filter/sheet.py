"""How Problem 6 (b)'s sheet shows the solution: the equations, the elimination and the check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from ....render.tex import Tex, bracket_list, matrix
from .. import exact as conv
from .key import REASONS_6A, linear_combination
from .solve import Solution

if TYPE_CHECKING:
    from ....render.tex import Tex

STAGE_MATRIX_ROWS = 8  # larger systems list the row operations and show only the final matrix
WIDE_LATEX = 160  # LaTeX source longer than this will not fit a line; vectors become columns


def _vector(values) -> Tex:
    """A bracketed row when it fits a line, else a column (long fractions, as least squares gives)."""
    row = bracket_list(values)
    return row if len(row) <= WIDE_LATEX else matrix([[v] for v in values])


def _product_sum(window, kernel) -> str:
    """``1 \\cdot 2 + 4 \\cdot (-1) + 0 \\cdot 3``: each window entry times its filter entry."""

    def wrap(v) -> str:
        text = sp.latex(v)
        return f"\\left({text}\\right)" if text.startswith("-") or isinstance(v, sp.Add) else text

    return " + ".join(f"{wrap(a)} \\cdot {wrap(b)}" for a, b in zip(window, kernel, strict=False))


def view(solution: Solution) -> dict:
    p = solution.params
    k, m = p.filter_length, p.output_count
    names = [f"f_{{{j}}}" for j in range(1, k + 1)]
    padded = [sp.Integer(0)] * p.padding + list(p.signal) + [sp.Integer(0)] * p.padding
    equations = [
        {"label": Tex(f"E_{{{i}}}"), "lhs": Tex(linear_combination(row, names)), "rhs": Tex(sp.latex(y))}
        for i, (row, y) in enumerate(zip(solution.matrix, p.output, strict=False), start=1)
    ]
    reduction = solution.reduction
    show_matrices = m <= STAGE_MATRIX_ROWS
    stages = [
        {
            "column": stage.column + 1,
            "ops": [Tex(op.latex()) for op in stage.ops],
            "matrix": matrix(stage.matrix, bar_before=k, small=True),
        }
        for stage in reduction.stages
    ]
    checked = solution.checked_filter
    check_rows = [
        {
            # Written out entry by entry when that fits a line, else as the window times f.
            "products": Tex(
                products
                if len(products := _product_sum(window, checked)) <= WIDE_LATEX
                else rf"{bracket_list(window)} \cdot f"
            ),
            "index": i,
            "value": sp.Add(*(a * b for a, b in zip(window, checked, strict=False))),
        }
        for i, window in enumerate(conv.windows(p.signal, k, p.stride, p.padding), start=1)
    ]
    out = {
        "case": solution.case,
        "n": len(p.signal),
        "k": k,
        "m": m,
        "signal": bracket_list(p.signal),
        "output": bracket_list(p.output),
        "padded": bracket_list(padded),
        "filter_names": Tex(", ".join(names)),
        "equations": equations,
        "matrix": matrix(solution.matrix),
        "unknowns": matrix([[sp.Symbol(f"f_{j}")] for j in range(1, k + 1)]),
        "rhs": matrix([[y] for y in p.output]),
        "augmented": matrix(reduction.start, bar_before=k, small=True),
        "stages": stages,
        "show_stage_matrices": show_matrices,
        "final": matrix(reduction.rref, bar_before=k, small=True),
        "rank": reduction.rank,
        "check_rows": check_rows,
        "checked": _vector(checked),
        "convolved": bracket_list(conv.correlate1d(p.signal, checked, p.stride, p.padding)),
        "hint": solution.filter[0] if solution.case == "unique" and solution.filter is not None else None,
        "reasons_6a": [{"name": name, "text": text} for name, text in REASONS_6A],
    }
    if solution.case == "unique":
        assert solution.filter is not None  # solve() sets the fields of its case
        out["answer"] = bracket_list(solution.filter)
    elif solution.case == "family":
        assert solution.family is not None and solution.particular is not None  # solve() sets the fields of its case
        out.update(
            answer=bracket_list(solution.family),
            free=Tex(", ".join(sp.latex(t) for t in solution.free)),
            free_columns=Tex(", ".join(names[j] for j in reduction.free)),
            free_count=len(solution.free),
            particular=bracket_list(solution.particular),
            decomposition=Tex(
                " + ".join(
                    [str(bracket_list(solution.particular))]
                    + [
                        f"{sp.latex(t)}\\,{bracket_list(v)}"
                        for t, v in zip(solution.free, solution.nullspace, strict=False)
                    ]
                )
            ),
            null_maps=Tex(
                ",\\quad ".join(
                    rf"{bracket_list(v)} \mapsto {bracket_list(conv.correlate1d(p.signal, v, p.stride, p.padding))}"
                    for v in solution.nullspace
                )
            ),
            integer_member=None if solution.integer_member is None else bracket_list(solution.integer_member),
        )
    else:
        c = solution.contradiction
        assert (
            c is not None and reduction.contradiction is not None and solution.least_squares is not None
        )  # solve() sets the fields of its case
        out.update(
            contradiction_row=reduction.contradiction + 1,
            combination=Tex(linear_combination(c.coefficients, [f"E_{{{i}}}" for i in range(1, m + 1)])),
            contradiction_value=c.value,
            least_squares=_vector(solution.least_squares),
            residual=_vector(
                [
                    a - b
                    for a, b in zip(conv.correlate1d(p.signal, checked, p.stride, p.padding), p.output, strict=False)
                ]
            ),
            normal_matrix=matrix((sp.Matrix(solution.matrix).T * sp.Matrix(solution.matrix)).tolist()),
            normal_rhs=matrix((sp.Matrix(solution.matrix).T * sp.Matrix(p.output)).tolist()),
        )
    return out
