"""Degenerate draws: each named kind is recognised, never handed out, and counted by `hw6 stress`."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import sympy as sp

from solver.kernel.degenerate import degenerate_names
from solver.problems import PROBLEMS, BuildContext
from solver.problems.conv import exact as conv
from solver.problems.conv.filter import Params as FilterParams
from solver.problems.conv.filter import solve as filter_solve
from solver.problems.conv.transpose import Params as TransposeParams
from solver.problems.rnn_lstm import params as rnn_params
from solver.problems.rnn_lstm.study import testcases
from solver.problems.rnn_lstm.variants import STEPS_BAND
from solver.variants.draw import draw
from solver.variants.stress import Outcome, StressReport, _add, run_stress

from .conftest import SKIP_NAMES

BY_SECTION = {p.section: p for p in PROBLEMS}
NAMES = {
    "rnn_lstm": ["3(a) last input zero", "3(a) size outside band"],
    "conv_filter": ["6(b) palindromic filter"],
    "transpose_conv": ["6(c) flip-invariant filter"],
}


def kinds(section: str) -> list:
    return list(BY_SECTION[section].degenerate)


def found_in(section: str, params, solution=None) -> list[str]:
    return degenerate_names(kinds(section), params, solution)


def test_every_kind_has_its_name():
    assert {section: [k.name for k in kinds(section)] for section in NAMES} == NAMES


def grid(*rows):
    return tuple(tuple(sp.Integer(v) for v in row) for row in rows)


@pytest.mark.parametrize(
    ("filter_", "invariant"),
    [
        (grid((-1, -1), (-1, -1)), True),  # seeds 4, 5 and 12 drew this before
        (grid((1, 0), (0, 1)), True),
        (grid((1, -1), (-1, 1)), True),
        (grid((1, -1), (0, 1)), False),  # the homework's
        (grid((1, 1), (-1, -1)), False),  # equal to its mirror image, not to its 180-degree turn
        ((sp.Integer(1), sp.Integer(2), sp.Integer(1)), True),  # 1-D: reversed
        ((sp.Integer(1), sp.Integer(2)), False),
    ],
)
def test_a_flip_invariant_transpose_filter_is_degenerate(filter_, invariant):
    input_ = grid((1, 2), (3, -1)) if isinstance(filter_[0], tuple) else (sp.Integer(1), sp.Integer(-2))
    params = TransposeParams(input_, filter_, 1, 0)
    assert found_in("transpose_conv", params) == (["6(c) flip-invariant filter"] if invariant else [])


@pytest.mark.parametrize(("kernel", "palindromic"), [((2, -1, 2), True), ((3, 0, 3), True), ((2, -1, 3), False)])
def test_a_palindromic_filter_to_find_is_degenerate(kernel, palindromic):
    signal = tuple(sp.Integer(v) for v in (1, 4, 0, -2, 3))
    kernel = tuple(sp.Integer(v) for v in kernel)
    params = FilterParams(signal, tuple(conv.correlate1d(signal, kernel, 1, 0)), 3, 1, 0)
    solution = filter_solve(params, BuildContext())
    assert tuple(solution.filter) == kernel
    assert found_in("conv_filter", params, solution) == (["6(b) palindromic filter"] if palindromic else [])


def rnn_case(**fields):
    case = rnn_params.TestCaseParams(**fields)
    return SimpleNamespace(test_case=case), SimpleNamespace(case=testcases.solve(case))


def test_a_zero_last_input_and_a_size_outside_the_band_are_degenerate():
    zero = next(seed for seed in range(2000) if testcases.solve(rnn_params.TestCaseParams(seed=seed)).x[-1] == 0)
    assert found_in("rnn_lstm", *rnn_case(seed=zero)) == ["3(a) last input zero"]
    assert STEPS_BAND == (3, 5), "the homework's T = 4, one step either way"
    for steps in (3, 4, 5):
        assert found_in("rnn_lstm", *rnn_case(steps=steps)) == []
    for fields in ({"steps": 2}, {"steps": 6}, {"hidden_size": 2}, {"hidden_size": 4}):
        assert found_in("rnn_lstm", *rnn_case(**fields)) == ["3(a) size outside band"], fields


def test_the_homework_itself_is_not_degenerate():
    for section in ("conv_filter", "transpose_conv"):
        problem = BY_SECTION[section]
        params = problem.params_type()
        assert found_in(section, params, problem.solve(params, BuildContext())) == []
    assert found_in("rnn_lstm", *rnn_case()) == []


def test_the_seeds_the_issue_names_are_redrawn(solved_homework):  # Problem 3 solved once
    """Seeds 4, 5 and 12 drew an all -1 6(c) filter, seed 11 a palindromic 6(b) filter."""
    for seed, name in (
        (4, "6(c) flip-invariant filter"),
        (5, "6(c) flip-invariant filter"),
        (11, "6(b) palindromic filter"),
    ):
        drawn = draw(seed)
        assert drawn.redrawn.get(name, 0) >= 1, (seed, name)
        assert draw(seed).params == drawn.params, "the redraw is deterministic"
    for seed in range(16):
        for item in draw(seed).solved:
            assert degenerate_names(list(item.problem.degenerate), item.params, item.solution) == [], seed
            if item.problem.section == "rnn_lstm":
                assert item.params.test_case.hidden_size == 3 and 3 <= item.params.test_case.steps <= 5


def test_stress_reports_every_kind_by_name(run_cli):
    code, out, err = run_cli("stress", *SKIP_NAMES, "--count", "6", "--start", "3", "--json")
    assert code == 0, err
    report = json.loads(out)["degenerate"]
    assert sorted(report) == sorted(name for names in NAMES.values() for name in names)
    assert all(row["handed_out"] == 0 and row["seeds"] == [] for row in report.values())
    assert report["6(c) flip-invariant filter"]["redrawn"] >= 2, "seeds 4 and 5 were redrawn"
    text = run_stress(2, start=4, progress=False).text()
    assert "degenerate variants (0 handed out" in text and "6(c) flip-invariant filter  handed out 0" in text


def test_a_degenerate_variant_handed_out_fails_the_stress_run():
    report = StressReport(1, degenerate={"6(b) palindromic filter": []})
    _add(report, Outcome(7, degenerate=["6(b) palindromic filter"], redrawn={"6(b) palindromic filter": 0}))
    assert report.failed and report.degenerate == {"6(b) palindromic filter": [7]}
    assert "handed out 1  redrawn 0  seeds 7" in report.text()
