"""An example problem from outside hw6: the output of an affine layer, y = W x + b, exactly.

Everything the problem owns is in this folder: its parameters, exact solution, NumPy cross-check,
answer key, templates (``templates/``) and the wording of its PrairieLearn, Moodle and Canvas
questions. It reaches hw6 through one registration, the ``hw6.problems`` entry point in
``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from solver.kernel.checks import Check, compare_arrays
from solver.kernel.exact import exact_json, exact_text
from solver.kernel.exports import Blanks, Exports, MoodleQuestion, PrairieLearnQuestion, QtiQuestions, QtiText
from solver.kernel.params import Number, ParamsBase, number_list, param
from solver.kernel.problem import BuildContext, Part, Problem
from solver.render.mathjax import matrix_tex, vector_tex

SECTION = "affine_layer"


def _numbers(*values: int | str) -> tuple[sp.Rational, ...]:
    return tuple(sp.Rational(v) for v in values)


@dataclass(frozen=True)
class Params(ParamsBase):
    weights: tuple[Number, ...] = param(
        _numbers(2, -1, "1/2", 3), "W, row by row (2 x 2)", convert=number_list(max_length=4, min_length=4)
    )
    x: tuple[Number, ...] = param(_numbers(1, "-3/4"), "the input x", convert=number_list(max_length=2, min_length=2))
    bias: tuple[Number, ...] = param(_numbers("1/4", 0), "the bias b", convert=number_list(max_length=2, min_length=2))

    @property
    def rows(self) -> list[list[sp.Rational]]:
        return [list(self.weights[:2]), list(self.weights[2:])]


@dataclass(frozen=True)
class Solution:
    params: Params
    y: tuple[sp.Rational, ...]


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    y = sp.Matrix(params.rows) * sp.Matrix(params.x) + sp.Matrix(params.bias)
    return Solution(params, tuple(sp.Rational(v) for v in y))


def crosscheck(solution: Solution) -> list[Check]:
    p = solution.params
    numeric = np.array(p.rows, dtype=float) @ np.array(p.x, dtype=float) + np.array(p.bias, dtype=float)
    return [compare_arrays("8a", "numpy", [float(v) for v in solution.y], numeric, rtol=1e-12)]


def parts(solution: Solution) -> dict[str, Part]:
    value = [exact_json(v) for v in solution.y]
    latex = r"\begin{bmatrix}" + r" \\ ".join(sp.latex(v) for v in solution.y) + r"\end{bmatrix}"
    transposed = sp.Matrix(solution.params.rows).T * sp.Matrix(solution.params.x) + sp.Matrix(solution.params.bias)
    mistakes = [{"value": [exact_json(v) for v in transposed], "feedback": "This is W transposed times x."}]
    return {"8a": Part("vector", value, latex, {"mistakes": mistakes})}


def view(solution: Solution) -> dict[str, Any]:
    p = solution.params
    return {"W": sp.Matrix(p.rows), "x": sp.Matrix(p.x), "b": sp.Matrix(p.bias), "y": sp.Matrix(solution.y)}


# --------------------------------------------------------------------------- the platforms' wording

STATEMENT = """
<p>An affine layer maps its input $x = {{params.x}}$ to $y = W x + b$ with $W = {{params.W}}$ and
$b = {{params.b}}$. Compute $y$; give each entry as an exact number.</p>
"""


def display(solved: Any) -> dict[str, Any]:
    p = solved.params
    return {"W": matrix_tex(p.rows), "x": vector_tex(p.x), "b": vector_tex(p.bias)}


def moodle_statement(item: Any, view: Mapping[str, Any]) -> str:
    shown = {name: sp.latex(view[name]) for name in ("x", "W", "b")}
    return (
        f"<p>An affine layer maps \\(x = {shown['x']}\\) to \\(y = W x + b\\) with \\(W = {shown['W']}\\)"
        f" and \\(b = {shown['b']}\\). Compute \\(y\\) exactly.</p>"
    )


def qti_question(solution: Solution, parts: Mapping[str, Any]) -> QtiText:
    p = solution.params
    shown = "; ".join(", ".join(exact_text(v) for v in row) for row in p.rows)
    return QtiText(
        "Problem 8",
        (
            f"<p>An affine layer maps x = ({', '.join(exact_text(v) for v in p.x)}) to y = W x + b with"
            f" W = ({shown}) (row by row) and b = ({', '.join(exact_text(v) for v in p.bias)}). Enter y exactly.</p>",
            Blanks("y =", "8a", ("y1", "y2")),
        ),
    )


PROBLEM = Problem(
    section=SECTION,
    number=8,
    title="An affine layer",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    parts=parts,
    view=view,
    templates=Path(__file__).with_name("templates"),
    exports=Exports(
        prairielearn=PrairieLearnQuestion("Problem 8: An affine layer", STATEMENT, lambda p, s: "$y =$", display),
        moodle=MoodleQuestion(moodle_statement),
        qti=QtiQuestions("Problem 8", qti_question),
    ),
)
