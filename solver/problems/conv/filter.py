"""Problem 6 (a) and (b): why convolutions for images, and the filter behind a convolution.

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
from typing import TYPE_CHECKING, Literal

import numpy as np
import sympy as sp

from ...core.checks import Check, compare_arrays, compare_equal, import_torch
from ...core.errors import ParamsError
from ...core.exact import exact_json
from ...core.params import Number, ParamsBase, number_list, param
from ...core.problem import BuildContext, Part, Problem
from . import exact as conv
from . import linsolve
from . import numeric as conv_numpy
from .filter_difficulty import DIFFICULTY, SAME_SHAPE, SampleOptions, structure_breaks

if TYPE_CHECKING:
    from ...render.tex import Tex

MAX_SIGNAL = 16
MAX_FILTER = 6
STAGE_MATRIX_ROWS = 8  # larger systems list the row operations and show only the final matrix
WIDE_LATEX = 160  # LaTeX source longer than this will not fit a line; vectors become columns
RTOL = 1e-9

# 6a: reasons convolutional layers suit images, as (name, explanation); the key joins them.
REASONS_6A = (
    (
        "Parameter sharing",
        "one small filter is reused at every position, so a convolutional layer has a handful of "
        "weights where a fully connected layer on an image needs one per pixel and output unit; that saves memory and "
        "computation and leaves less room to overfit.",
    ),
    (
        "Locality",
        "each output depends only on a small neighbourhood of pixels, which is where the strongly related "
        "pixels of an image are.",
    ),
    (
        "Translation equivariance",
        "shifting the image shifts the feature map the same way, so a pattern learned in "
        "one place is detected wherever it appears.",
    ),
)
REFERENCE_6A = "Any two of: " + " ".join(f"({i}) {name}: {text}" for i, (name, text) in enumerate(REASONS_6A, start=1))


def _ints(*values: int) -> tuple[sp.Integer, ...]:
    return tuple(sp.Integer(v) for v in values)


@dataclass(frozen=True)
class Params(ParamsBase):
    signal: tuple[Number, ...] = param(
        _ints(1, 4, 0, -2, 3), "the signal x", convert=number_list(max_length=MAX_SIGNAL)
    )
    output: tuple[Number, ...] = param(
        _ints(-2, 2, 11), "the convolution's output y", convert=number_list(max_length=40)
    )
    filter_length: int = param(3, "K, the unknown filter's length", minimum=1, maximum=MAX_FILTER)
    stride: int = param(1, "s", minimum=1, maximum=8)
    padding: int = param(0, "p, zeros added at each end of the signal", minimum=0, maximum=4)

    def validate(self) -> None:
        padded = len(self.signal) + 2 * self.padding
        if self.filter_length > padded:
            raise ParamsError(
                "filter_length",
                f"at most the padded signal's length n + 2p = {padded}",
                self.filter_length,
                has_got=True,
            )
        expected = self.output_count
        if len(self.output) != expected:
            raise ParamsError(
                "output", f"{expected} numbers (⌊(n + 2p − K)/s⌋ + 1 = {expected})", len(self.output), has_got=True
            )

    @property
    def output_count(self) -> int:
        return conv.output_length(len(self.signal), self.filter_length, self.stride, self.padding)


# --------------------------------------------------------------------------- exact solution

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
            return self.filter
        if self.case == "family":
            return self.integer_member or self.particular
        return self.least_squares


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
    if all(v.q == 1 for v in particular):
        member = tuple(particular)
    else:
        found = linsolve.integer_solution(matrix, params.output)
        member = None if found is None else _ints(*found)
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


# --------------------------------------------------------------------------- numeric checks


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
        checks.append(compare_arrays("6b", "numpy lstsq", _floats(solution.filter), lstsq, rtol=RTOL, atol=atol))
    if solution.case == "none":
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


# --------------------------------------------------------------------------- answer key


def _json_list(values) -> list:
    return [exact_json(v) for v in values]


def family_text(solution: Solution) -> str:
    return "[" + ", ".join(str(e) for e in solution.family) + "]"


def combination_text(coefficients: tuple[int, ...]) -> str:
    """``E1 - 2*E2 + E3`` for the equations E_i (output entry i)."""
    return linear_combination(coefficients, [f"E{i}" for i in range(1, len(coefficients) + 1)], latex=False)


def mistakes(solution: Solution) -> list[dict]:
    """Likely wrong filters for a unique answer, each with what it shows."""
    if solution.case != "unique":
        return []
    p, correct = solution.params, list(solution.filter)
    found: list[tuple[list, str]] = []
    flipped = correct[::-1]
    found.append(
        (
            flipped,
            (
                "The filter is reversed. Flipping the filter before sliding it (true convolution) gives exactly this "
                "reversed filter; the problem slides the filter as it is, without flipping."
            ),
        )
    )
    for shift, where in (
        (-1, "one entry to the left (as if an extra zero stood before the signal)"),
        (1, "one entry to the right (starting at the second signal entry)"),
    ):
        rows = conv.windows(p.signal, p.filter_length, p.stride, p.padding, shift=shift)
        reduction = linsolve.row_reduce(rows, p.output)
        if reduction.contradiction is None and reduction.rank == p.filter_length:
            guess, _ = linsolve.particular_and_nullspace(reduction)
            found.append(
                (guess, f"The windows are misaligned by one: each output was matched with the window {where}.")
            )
    out, seen = [], {tuple(correct)}
    for value, feedback in found:
        if tuple(value) not in seen:
            seen.add(tuple(value))
            out.append({"value": _json_list(value), "feedback": feedback})
    return out


def parts(solution: Solution) -> dict[str, Part]:
    system = {"matrix": [_json_list(row) for row in solution.matrix], "rhs": _json_list(solution.output)}
    extra = {"system": system, "mistakes": mistakes(solution)}
    if solution.case == "unique":
        part = Part("vector", _json_list(solution.filter), _vector_latex(solution.filter), extra)
    elif solution.case == "family":
        value = {"family": family_text(solution), "free": [str(t) for t in solution.free]}
        member = None if solution.integer_member is None else _json_list(solution.integer_member)
        part = Part("vector", value, _vector_latex(solution.family), {**extra, "integer_member": member})
    else:
        c = solution.contradiction
        reason = f"no filter fits: {combination_text(c.coefficients)} reads 0 = {exact_json(c.value)}"
        part = Part(
            "vector", None, None, {**extra, "reason": reason, "least_squares": _json_list(solution.least_squares)}
        )
    return {"6a": Part("written", None, None, {"reference": REFERENCE_6A}), "6b": part}


def _vector_latex(values) -> str:
    from ...render.tex import bracket_list

    return str(bracket_list(values))


# --------------------------------------------------------------------------- sheet


def linear_combination(coefficients, names, *, latex: bool = True) -> str:
    """``f_{1} + 4 f_{2} - 2 f_{3}`` (or ``E1 - 2*E3`` as text), dropping zero terms; ``0`` when all are zero."""
    terms = []
    for c, name in zip(coefficients, names, strict=False):
        if c == 0:
            continue
        factor = f"{sp.latex(abs(c))} " if latex else f"{abs(c)}*"
        terms.append(("- " if c < 0 else "+ ") + (name if abs(c) == 1 else factor + name))
    if not terms:
        return "0"
    text = " ".join(terms)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _vector(values) -> Tex:
    """A bracketed row when it fits a line, else a column (long fractions, as least squares gives)."""
    from ...render.tex import bracket_list, matrix

    row = bracket_list(values)
    return row if len(row) <= WIDE_LATEX else matrix([[v] for v in values])


def _product_sum(window, kernel) -> str:
    """``1 \\cdot 2 + 4 \\cdot (-1) + 0 \\cdot 3``: each window entry times its filter entry."""

    def wrap(v) -> str:
        text = sp.latex(v)
        return f"\\left({text}\\right)" if text.startswith("-") or isinstance(v, sp.Add) else text

    return " + ".join(f"{wrap(a)} \\cdot {wrap(b)}" for a, b in zip(window, kernel, strict=False))


def view(solution: Solution) -> dict:
    from ...render.tex import Tex, bracket_list, matrix

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
        "hint": solution.filter[0] if solution.case == "unique" else None,
        "reasons_6a": [{"name": name, "text": text} for name, text in REASONS_6A],
    }
    if solution.case == "unique":
        out["answer"] = bracket_list(solution.filter)
    elif solution.case == "family":
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


# --------------------------------------------------------------------------- variants


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """A system with one integer filter: the homework's length-5 signal and length-3 filter, stride 1,
    no padding, numbers in the homework's ranges; ``structure: varied``: 5 to 7 signal entries,
    a filter of 2 or 3, stride 1 or 2, padding 0 or 1."""
    same = (options or SampleOptions()).structure == "same"
    for _ in range(200):
        if same:
            n, k, stride, padding = (SAME_SHAPE[key] for key in ("signal", "filter", "stride", "padding"))
        else:
            n = int(rng.integers(5, 8))
            k = int(rng.integers(2, 4))
            stride = int(rng.choice([1, 1, 2]))
            padding = int(rng.choice([0, 0, 1]))
        if conv.output_length(n, k, stride, padding) < k:
            continue
        signal = _ints(*rng.integers(-4, 5, size=n))
        kernel = _ints(*rng.integers(-3, 4, size=k))
        if kernel[0] == 0:
            continue
        output = tuple(conv.correlate1d(signal, kernel, stride, padding))
        params = Params(signal, output, k, stride, padding)
        if linsolve.row_reduce(conv.windows(signal, k, stride, padding), output).rank == k:
            return params
    raise RuntimeError("no full-rank system drawn in 200 tries")  # pragma: no cover - astronomically unlikely


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    same = (options or SampleOptions()).structure == "same"
    shape = structure_breaks(params, solution) if same else []
    if solution.case != "unique":
        return [f"the system has {'no' if solution.case == 'none' else 'infinitely many'} solutions, not one", *shape]
    broken = list(shape)
    if any(v.q != 1 for v in solution.filter):
        broken.append("the filter has non-integer entries")
    if conv.correlate1d(params.signal, solution.filter, params.stride, params.padding) != list(params.output):
        broken.append("the filter does not reproduce the output")
    hint = view(solution)["hint"]
    if hint != solution.filter[0] or params.filter_length < 2:
        broken.append("the hint (the first filter entry) is wrong or gives the whole answer away")
    if len(params.signal) > 8 or params.filter_length > 4 or params.output_count > 8:
        broken.append("the system is too large to solve by hand")
    if max(abs(v) for v in (*params.signal, *params.output)) > 60:
        broken.append("numbers too large for hand computation")
    return broken


def features(solution: Solution) -> dict[str, object]:
    """What `hw6 stress` histograms: the system's shape and every filter entry."""
    params = solution.params
    facts: dict[str, object] = {
        "case": solution.case,
        "filter_length": params.filter_length,
        "stride": params.stride,
        "padding": params.padding,
    }
    for index, value in enumerate(solution.filter or ()):
        facts[f"filter[{index + 1}]"] = str(value)
    return facts


PROBLEM = Problem(
    section="conv_filter",
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
