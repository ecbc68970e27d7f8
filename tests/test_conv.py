"""Problem 6: the filter behind a convolution (6b) and transpose convolution (6c), exact vs NumPy vs torch."""

from __future__ import annotations

import itertools
import json
import random
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings

from solver.build.pipeline import Variant, build, params_from_data, render_sheet, solve_all
from solver.kernel.errors import ParamsError
from solver.kernel.problem import BuildContext
from solver.problems.conv import exact as conv
from solver.problems.conv import filter as cf
from solver.problems.conv import linsolve
from solver.problems.conv import numeric as conv_numpy
from solver.problems.conv import transpose as tc

from .conftest import KERNEL_PROBLEMS, assert_build_rejects, needs_latex
from .strategies import conv1d_cases, transpose_cases


def filter_problem(signal, output, k, stride=1, padding=0) -> cf.Solution:
    return cf.solve(
        params_from_data(
            {
                "conv_filter": {
                    "signal": signal,
                    "output": output,
                    "filter_length": k,
                    "stride": stride,
                    "padding": padding,
                }
            }
        )["conv_filter"]
    )


def transpose_problem(x, w, stride=1, padding=0) -> tc.Solution:
    raw = {"transpose_conv": {"input": x, "filter": w, "stride": stride, "padding": padding}}
    return tc.solve(params_from_data(raw)["transpose_conv"])


def key(problem, solution) -> dict:
    return {part_id: part.to_json() for part_id, part in problem.parts(solution).items()}


def assert_all_agree(checks):
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]


# --------------------------------------------------------------------------- 6b: the three cases


def test_homework_filter_is_unique_and_matches_the_hint():
    solution = cf.solve(cf.Params())
    answers = key(cf, solution)
    assert solution.case == "unique"
    assert answers["6b"]["value"] == [2, -1, 3]
    assert answers["6b"]["system"] == {"matrix": [[1, 4, 0], [4, 0, -2], [0, -2, 3]], "rhs": [-2, 2, 11]}
    assert cf.view(solution)["hint"] == 2
    assert answers["6a"]["kind"] == "written" and "Parameter sharing" in answers["6a"]["reference"]


def test_homework_filter_mistakes():
    mistakes = key(cf, cf.solve(cf.Params()))["6b"]["mistakes"]
    flipped = mistakes[0]
    assert flipped["value"] == [3, -1, 2]
    # Solving with a flipped (true) convolution yields the reversed filter: one entry says both.
    assert "reversed" in flipped["feedback"] and "flipping" in flipped["feedback"].lower()
    assert len(mistakes) >= 2 and all("misaligned" in m["feedback"] for m in mistakes[1:])
    assert [2, -1, 3] not in [m["value"] for m in mistakes]


def test_infinitely_many_filters_with_an_integer_member():
    # The windows [1,2,1], [2,1,2], [1,2,1] repeat, so rank 2 < 3.
    solution = filter_problem([1, 2, 1, 2, 1], [4, 5, 4], 3)
    answer = key(cf, solution)["6b"]
    assert solution.case == "family" and answer["value"]["free"] == ["t1"]
    assert answer["value"]["family"] == "[2 - t1, 1, t1]"
    for t in (-3, sp.Rational(1, 2), 7):
        member = [e.subs(solution.free[0], t) for e in solution.family]
        assert conv.correlate1d(solution.signal, member) == [4, 5, 4]
    assert answer["integer_member"] == [2, 1, 0]
    assert_all_agree(cf.crosscheck(solution))


def test_family_whose_integer_member_needs_the_lattice_search():
    # 2 f1 + 3 f2 = 1: the reduced rows give (1/2, 0); the integer search finds another member.
    solution = filter_problem([2, 3], [1], 2)
    assert solution.case == "family" and solution.particular == (sp.Rational(1, 2), 0)
    assert all(v.q == 1 for v in solution.integer_member)
    assert conv.correlate1d(solution.signal, solution.integer_member) == [1]
    assert filter_problem([2, 4], [1], 2).integer_member is None  # 2 f1 + 4 f2 is even


def test_family_without_an_integer_member():
    solution = filter_problem([1, 2, 1, 2, 1], [3, "0.5", 3], 3)
    answer = key(cf, solution)["6b"]
    assert answer["value"] == {"family": "[-t1 - 2/3, 11/6, t1]", "free": ["t1"]}
    assert answer["integer_member"] is None


def test_no_filter_fits():
    solution = filter_problem([1, 2, 1, 2, 1], [3, 1, 4], 3)
    answer = key(cf, solution)["6b"]
    assert solution.case == "none" and answer["value"] is None
    assert answer["reason"] == "no filter fits: E1 - E3 reads 0 = -1"
    assert answer["least_squares"] == ["-0.25", 2, "-0.25"]
    # The combination really cancels the left sides and not the right.
    c = solution.contradiction
    assert all(
        sum(ci * row[k] for ci, row in zip(c.coefficients, solution.matrix, strict=False)) == 0 for k in range(3)
    )
    assert sum(ci * y for ci, y in zip(c.coefficients, solution.output, strict=False)) == c.value != 0
    assert_all_agree(cf.crosscheck(solution))


def test_stride_and_padding_build_the_right_windows():
    solution = filter_problem([3, -1, 2, 5, 0, 1, 4], [-3, 11, 7, 2], 3, stride=2, padding=1)
    assert [list(r) for r in solution.matrix] == [[0, 3, -1], [-1, 2, 5], [5, 0, 1], [1, 4, 0]]


def test_all_three_cases_agree_with_torch(torch):
    for solution in (
        cf.solve(cf.Params()),
        filter_problem([1, 2, 1, 2, 1], [4, 5, 4], 3),
        filter_problem([1, 2, 1, 2, 1], [3, 1, 4], 3),
        filter_problem([3, -1, 2, 5, 0, 1, 4], [-3, 11, 7, 2], 3, stride=2, padding=1),
    ):
        assert_all_agree(cf.oracle_check(solution))


def test_crosscheck_catches_a_wrong_filter():
    solution = cf.solve(cf.Params())
    broken = cf.Solution(**{**solution.__dict__, "filter": (sp.Integer(2), sp.Integer(-1), sp.Integer(4))})
    assert {c.backend for c in cf.crosscheck(broken) if not c.agrees} == {"numpy lstsq", "numpy correlate"}


def test_random_strided_padded_cases_against_numpy_and_torch(torch):
    rng = np.random.default_rng(6)
    seen = set()
    for _ in range(12):
        n, k = int(rng.integers(5, 10)), int(rng.integers(2, 4))
        stride, padding = int(rng.integers(2, 4)), int(rng.integers(1, 3))
        signal, kernel = rng.integers(-5, 6, size=n).tolist(), rng.integers(-3, 4, size=k).tolist()
        output = conv.correlate1d([sp.Integer(v) for v in signal], [sp.Integer(v) for v in kernel], stride, padding)
        solution = filter_problem(signal, [int(v) for v in output], k, stride, padding)
        seen.add(solution.case)
        if solution.case == "unique":
            assert list(solution.filter) == kernel
        assert_all_agree(cf.crosscheck(solution) + cf.oracle_check(solution))
    assert "unique" in seen


# --------------------------------------------------------------------------- exact linear algebra


def test_row_reduction_records_replayable_steps():
    reduction = linsolve.row_reduce([[1, 4, 0], [4, 0, -2], [0, -2, 3]], [-2, 2, 11])
    rows = [list(r) for r in reduction.start]
    for stage in reduction.stages:
        for op in stage.ops:
            op.apply(rows)
        assert tuple(map(tuple, rows)) == stage.matrix
    assert sp.Matrix(reduction.transform) * sp.Matrix(reduction.start) == sp.Matrix(reduction.rref)
    assert [r[-1] for r in reduction.rref] == [2, -1, 3]
    assert reduction.stages[0].ops[0].latex() == r"R_{2} \leftarrow R_{2} - 4\,R_{1}"


def test_integer_solution_against_brute_force():
    rand = random.Random(3)
    for _ in range(150):
        m, n = rand.randint(1, 3), rand.randint(1, 3)
        a = [[rand.randint(-3, 3) for _ in range(n)] for _ in range(m)]
        y = [rand.randint(-5, 5) for _ in range(m)]
        found = linsolve.integer_solution(a, y)
        if found is not None:
            assert all(
                sum(p * q for p, q in zip(row, found, strict=False)) == b for row, b in zip(a, y, strict=False)
            ), (a, y, found)
        else:  # nothing small fits either
            assert not any(
                all(sum(p * q for p, q in zip(row, f, strict=False)) == b for row, b in zip(a, y, strict=False))
                for f in itertools.product(range(-6, 7), repeat=n)
            ), (a, y)


@settings(max_examples=150)
@given(conv1d_cases())
def test_solving_recovers_the_filter_when_A_has_full_column_rank(case):
    signal, kernel, stride, padding = case
    exact_signal = [sp.Integer(v) for v in signal]
    output = conv.correlate1d(exact_signal, [sp.Integer(v) for v in kernel], stride, padding)
    # Two backends for the forward pass: exact windows and NumPy sliding windows.
    numeric = conv_numpy.correlate(np.array(signal, float), np.array(kernel, float), (stride,), (padding,))
    assert np.array_equal(np.array(output, dtype=float), numeric)
    solution = filter_problem(signal, [int(v) for v in output], len(kernel), stride, padding)
    full_rank = sp.Matrix(conv.windows(exact_signal, len(kernel), stride, padding)).rank() == len(kernel)
    assert solution.case == ("unique" if full_rank else "family")
    if full_rank:
        assert list(solution.filter) == kernel
    else:
        assert conv.correlate1d(exact_signal, solution.checked_filter, stride, padding) == output


# --------------------------------------------------------------------------- 6c: transpose convolution


def test_homework_transpose_convolution():
    answer = key(tc, tc.solve(tc.Params()))["6c"]
    assert answer["kind"] == "matrix"
    assert answer["value"] == [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]
    mistakes = {json.dumps(m["value"]): m["feedback"] for m in answer["mistakes"]}
    assert "flipped" in mistakes["[[-1, 2, 0], [4, -2, 2], [-3, 2, 1]]"]
    assert "overwrite" in mistakes["[[-1, 2, -2], [3, 1, -1], [0, 0, 1]]"]
    assert json.dumps(answer["value"]) not in mistakes


def test_the_homework_symbolic_example():
    a, b, c, x, y, z = sp.symbols("a b c x y z")
    assert conv.transpose_conv1d([a, b, c], [x, y, z], 2, 0) == [
        a * x,
        a * y,
        a * z + b * x,
        b * y,
        b * z + c * x,
        c * y,
        c * z,
    ]
    example = tc.view(tc.solve(tc.Params()))["example"]
    assert "a z + b x" in example["result"] and "b z + c x" in example["result"]


def test_one_dimensional_with_stride_and_padding():
    solution = transpose_problem([1, -2, 3], [2, 1, "1/2"], stride=2, padding=1)
    answer = key(tc, solution)["6c"]
    assert answer["kind"] == "vector" and answer["value"] == [1, "-3.5", -2, 5, 3]
    feedback = {json.dumps(m["value"]): m["feedback"] for m in answer["mistakes"]}
    assert "one step apart" in feedback['[-3, "4.5", 2]']  # stride taken as 1
    assert "padding was not applied" in feedback['[2, 1, "-3.5", -2, 5, 3, "1.5"]']


def test_two_dimensional_with_stride_and_padding():
    solution = transpose_problem([[1, -2, 3], [0, 2, 1]], [[2, 1, 1], [1, 0, -1], [1, 1, 1]], stride=2, padding=1)
    assert key(tc, solution)["6c"]["value"] == [[0, -3, 0, 5, 0], [1, 3, 0, 5, 4], [0, 2, 0, -1, 0]]


@pytest.mark.parametrize(
    "x, w, stride, padding",
    [
        ([[-1, 2], [3, 1]], [[1, -1], [0, 1]], 1, 0),
        ([[1, -2, 3], [0, 2, 1]], [[2, 1, 1], [1, 0, -1], [1, 1, 1]], 2, 1),
        ([[1, 2], [3, 4], [5, 6]], [[1, 0, -1]], 3, 2),
        ([1, -2, 3], [2, 1, "1/2"], 2, 1),
        ([4, -1, 0, 2], [1, 2], 3, 0),
        (["0.5", "1/3"], [3], 1, 0),
    ],
)
def test_transpose_agrees_with_numpy_and_torch(torch, x, w, stride, padding):
    solution = transpose_problem(x, w, stride, padding)
    assert_all_agree(tc.crosscheck(solution) + tc.oracle_check(solution))


def test_random_strided_padded_transposes_against_torch(torch):
    rng = np.random.default_rng(7)
    for dims in (1, 2) * 5:
        shape_x = tuple(int(v) for v in rng.integers(1, 4, size=dims))
        shape_w = tuple(int(v) for v in rng.integers(1, 4, size=dims))
        stride = int(rng.integers(2, 4))
        largest = min(((n - 1) * stride + k - 1) // 2 for n, k in zip(shape_x, shape_w, strict=False))
        padding = int(rng.integers(1, largest + 1)) if largest >= 1 else 0
        x, w = rng.integers(-5, 6, size=shape_x).tolist(), rng.integers(-5, 6, size=shape_w).tolist()
        solution = transpose_problem(x, w, stride, padding)
        assert_all_agree(tc.crosscheck(solution) + tc.oracle_check(solution))


@settings(max_examples=150)
@given(transpose_cases())
def test_placed_copies_equal_the_adjoint_of_correlation(case):
    x, w, stride, padding = case
    solution = transpose_problem(x, w, stride, padding)
    assert_all_agree(tc.crosscheck(solution))


def test_crosscheck_catches_a_wrong_transpose():
    solution = tc.solve(tc.Params())
    wrong = [row[:] for row in solution.result]
    wrong[1][1] += 1
    broken = tc.Solution(solution.params, solution.placements, solution.full, wrong)
    assert not any(c.agrees for c in tc.crosscheck(broken))


# --------------------------------------------------------------------------- variants


def test_homework_values_keep_every_guarantee():
    assert cf.guarantees(cf.Params(), cf.solve(cf.Params())) == []
    assert tc.guarantees(tc.Params(), tc.solve(tc.Params())) == []


@pytest.mark.parametrize("seed", range(15))
def test_samples_are_fit_to_hand_out(seed):
    rng = np.random.default_rng(seed)
    params = cf.sample(rng)
    solution = cf.solve(params)
    assert cf.guarantees(params, solution) == []
    assert f"the first entry of the filter is ${sp.latex(solution.filter[0])}$" in render_sheet(
        "problems",
        solve_all({**params_from_data({}), "conv_filter": params}, BuildContext(skip=KERNEL_PROBLEMS)),
        Variant(),
    )
    params = tc.sample(rng)
    assert tc.guarantees(params, tc.solve(params)) == []


def test_guarantees_name_what_is_broken():
    family = filter_problem([1, 2, 1, 2, 1], [4, 5, 4], 3)
    assert "infinitely many" in cf.guarantees(family.params, family)[0]
    apart = transpose_problem([[1, 2], [3, 4]], [[1, 1], [1, 1]], stride=2)
    assert any("overlap" in b for b in tc.guarantees(apart.params, apart))


def test_samples_are_reproducible():
    assert cf.sample(np.random.default_rng(9)) == cf.sample(np.random.default_rng(9))
    assert tc.sample(np.random.default_rng(9)) == tc.sample(np.random.default_rng(9))


# --------------------------------------------------------------------------- parameters and sheets


def test_numbers_are_read_exactly():
    solution = filter_problem(["0.5", "1/3", 2, -1], ["1/6", "5/3"], 3)
    assert solution.signal == (sp.Rational(1, 2), sp.Rational(1, 3), 2, -1)


@pytest.mark.parametrize(
    "raw, message",
    [
        (
            {"conv_filter": {"output": [1, 2, 3, 4]}},
            "conv_filter.output: expected 3 numbers (⌊(n + 2p − K)/s⌋ + 1 = 3), got 4",
        ),
        (
            {"conv_filter": {"filter_length": 6}},
            "conv_filter.filter_length: expected at most the padded signal's length n + 2p = 5, got 6",
        ),
        ({"conv_filter": {"stride": 0}}, "conv_filter.stride: expected an integer from 1 to 8, got 0"),
        ({"conv_filter": {"padding": -1}}, "conv_filter.padding: expected an integer from 0 to 4, got -1"),
        ({"conv_filter": {"signal": []}}, "conv_filter.signal: expected a list of 1 to 16 numbers, got []"),
        ({"conv_filter": {"signal": [1, "x", 0, -2, 3]}}, "conv_filter.signal[1]: expected a number"),
        ({"conv_filter": {"signal": "1, 4, 0"}}, "conv_filter.signal: expected a list of numbers"),
        (
            {"transpose_conv": {"input": [[1, 2], [3]]}},
            "transpose_conv.input[1]: expected 2 numbers, as many as the first row, got [3]",
        ),
        ({"transpose_conv": {"input": [[]]}}, "transpose_conv.input[0]: expected a list of 1 to 6 numbers, got []"),
        ({"transpose_conv": {"input": []}}, "transpose_conv.input: expected a list of 1 to 16 numbers, got []"),
        (
            {"transpose_conv": {"input": [1, [2]]}},
            "transpose_conv.input[0]: expected a row (a list of numbers) like the other rows, got 1",
        ),
        (
            {"transpose_conv": {"filter": [1, 2]}},
            "transpose_conv.filter: expected a 2-D (a list of rows) filter like the input, got [1, 2]",
        ),
        ({"transpose_conv": {"filter": [[1, "__import__('os')"]]}}, "transpose_conv.filter[0][1]: expected a number"),
        (
            {"transpose_conv": {"padding": 2}},
            "transpose_conv.padding: expected at most 1, so that (n − 1)s + K − 2p = 3 − 2p keeps an entry, got 2",
        ),
        ({"transpose_conv": {"stride": 0}}, "transpose_conv.stride: expected an integer from 1 to 4, got 0"),
    ],
)
def test_bad_inputs_get_one_clear_message(raw, message):
    with pytest.raises(ParamsError) as info:
        params_from_data(raw)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("conv_filter:\n  output: [1, 2, 3, 4]\n", "conv_filter.output: expected 3 numbers"),
        ("conv_filter:\n  signal: [1, 4, 0, -2, 3]\n  filter_length: 6\n", "conv_filter.filter_length"),
        ("transpose_conv:\n  input: [[1, 2], [3]]\n", "transpose_conv.input[1]"),
        ("transpose_conv:\n  input: [[]]\n", "transpose_conv.input[0]"),
        ("transpose_conv:\n  filter: [[1, x]]\n", "transpose_conv.filter[0][1]"),
        ("transpose_conv:\n  stride: 0\n", "transpose_conv.stride"),
        ("transpose_conv:\n  padding: 9\n", "transpose_conv.padding"),
    ],
)
def test_bad_inputs_through_the_cli(run_cli, tmp_path, content, fragment):
    assert_build_rejects(run_cli, tmp_path, content, fragment)


SHEET_CASES = {
    "family, 1-D transpose": {
        "conv_filter": {"signal": [1, 2, 1, 2, 1], "output": [4, 5, 4], "filter_length": 3},
        "transpose_conv": {"input": [1, -2, 3], "filter": [2, 1, "1/2"], "stride": 2, "padding": 1},
    },
    "none, 2-D stride 2": {
        "conv_filter": {"signal": [3, -1, 2, 5, 0, 1, 4], "output": [-3, 11, 7, 2], "stride": 2, "padding": 1},
        "transpose_conv": {
            "input": [[1, -2, 3], [0, 2, 1]],
            "filter": [[2, 1, 1], [1, 0, -1], [1, 1, 1]],
            "stride": 2,
            "padding": 1,
        },
    },
    "large": {
        "conv_filter": {"signal": list(range(1, 17)), "output": list(range(1, 15)), "filter_length": 3},
        "transpose_conv": {"input": [[1] * 6] * 6, "filter": [[1, 2], [3, 4]], "stride": 4},
    },
}


@pytest.mark.parametrize("case", SHEET_CASES)
def test_every_branch_of_the_sheets_renders(case):
    solved = solve_all(params_from_data(SHEET_CASES[case]), BuildContext(skip=KERNEL_PROBLEMS))
    solutions = render_sheet("solutions", solved, Variant())
    problems = render_sheet("problems", solved, Variant())
    assert solutions.count(r"\section*{Problem 6") == 1 and problems.count(r"\section*{Problem 6") == 1
    assert "None" not in re.sub(
        r"\\begin\{lstlisting\}.*?\\end\{lstlisting\}", "", solutions, flags=re.S
    )  # code may say None


@pytest.mark.slow  # two whole builds with PDFs
@needs_latex
def test_branch_sheets_compile(tmp_path, session_cache):
    """The LaTeX of the none / family / large branches compiles (two builds cover all of them)."""
    cases = [("none, 2-D stride 2", "family, 1-D transpose"), ("family, 1-D transpose", "large")]
    for index, (filter_case, transpose_case) in enumerate(cases):
        raw = {
            "conv_filter": SHEET_CASES[filter_case]["conv_filter"],
            "transpose_conv": SHEET_CASES[transpose_case]["transpose_conv"],
        }
        built = build(params_from_data(raw), tmp_path / str(index), context=BuildContext(cache_dir=session_cache))
        assert any(p.name == "solutions.pdf" for p in built.written)


def test_the_no_filter_key_grades_none_right_and_its_least_squares_filter_wrong():
    from solver.engine.kinds import compile_part

    solution = filter_problem([1, 2, 1, 2, 1], [3, 1, 4], 3)
    grader = compile_part("6b", key(cf, solution)["6b"])
    assert grader.graded and grader.grade("no filter").status == "correct"
    assert grader.grade(["-0.25", 2, "-0.25"]).status == "incorrect"
