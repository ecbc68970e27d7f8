"""Problem 1: exact answers against the homework, the naive SymPy route, NumPy and torch."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.problems import rnn_backprop as rb

W = rb.W


def key(steps: int = 3) -> dict:
    solution = rb.solve(rb.Params(steps))
    return {part_id: part.value for part_id, part in rb.parts(solution).items()}


def test_homework_values():
    answers = key(3)
    assert answers["1a.t"] == "u1*w**2 + u2*w + u3"
    assert answers["1a.y"] == "u1*w**3 + u2*w**2 + u3*w"
    assert answers["1b"] == "3*u1*w**2 + 2*u2*w + u3"
    assert answers["1c.p"] == "w**3"
    assert [answers[f"1c.{n}"] for n in "tsrq"] == ["w", "w", "w**2", "w**2"]
    assert answers["1d.edges"] == ["u1*w**2", "u1*w**2 + u2*w", "u1*w**2 + u2*w + u3"]
    assert answers["1d.total"] == answers["1b"]


def test_part_ids_follow_the_node_names():
    assert list(key(3)) == [*(f"1a.{n}" for n in "pqrsty"), "1b", *(f"1c.{n}" for n in "pqrst"), "1d.edges", "1d.total"]
    assert list(key(2))[:4] == ["1a.a1", "1a.h1", "1a.a2", "1a.y"]


def test_chain_rule_steps_name_the_downstream_node():
    solution = rb.solve(rb.Params(3))
    chains = {p: part.extra["chain"] for p, part in rb.parts(solution).items() if p.startswith("1c.")}
    assert chains == {"1c.p": "dy/dq * w", "1c.q": "dy/dr * 1", "1c.r": "dy/ds * w", "1c.s": "dy/dt * 1", "1c.t": "w"}
    assert rb.parts(solution)["1d.edges"].extra["node_terms"] == ["dy/dq * p", "dy/ds * r", "t"]


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 5, 8])
def test_matches_the_naive_sympy_route(steps):
    solution = rb.solve(rb.Params(steps))
    naive = rb.naive_solve(steps)
    assert sp.expand(solution.expr(solution.values["y"]) - naive["y"]) == 0
    assert sp.expand(solution.expr(solution.dydw) - naive["dydw"]) == 0
    y = solution.expr(solution.values["y"])
    for node in solution.nodes[:-1]:
        # dy/dnode by substitution: y as a function of the node's value alone.
        assert solution.expr(solution.adjoints[node.name]) == W ** _powers_after(solution, node)
    assert sp.expand(sum(solution.expr(e) for e in solution.edges) - sp.diff(y, W)) == 0


def _powers_after(solution, node) -> int:
    index = solution.nodes.index(node)
    return sum(1 for later in solution.nodes[index + 1 :] if later.kind == "mul")


@pytest.mark.parametrize("steps", [1, 3, 5, 50])
def test_numpy_crosscheck_agrees(steps):
    checks = rb.crosscheck(rb.solve(rb.Params(steps)))
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]
    assert {c.part for c in checks} == set(key(steps))


@pytest.mark.parametrize("steps", [1, 3, 5, 50])
def test_torch_autograd_agrees(torch, steps):
    checks = rb.oracle_check(rb.solve(rb.Params(steps)))
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]
    assert {c.part for c in checks} == set(key(steps))


def test_crosscheck_catches_a_wrong_answer():
    solution = rb.solve(rb.Params(3))
    broken = rb.Solution(
        solution.params,
        solution.nodes,
        solution.values,
        solution.dydw + rb.LinearPoly.u(1),
        solution.adjoints,
        solution.edges,
        solution.total,
    )
    failed = {c.part for c in rb.crosscheck(broken) if not c.agrees}
    assert failed == {"1b"}


@settings(max_examples=40)
@given(
    steps=st.integers(1, 12),
    w=st.fractions(-3, 3, max_denominator=7),
    data=st.data(),
)
def test_exact_values_at_rational_points(steps, w, data):
    """The exact polynomials, evaluated in exact arithmetic, equal the recurrence run in Fractions."""
    u = data.draw(st.lists(st.fractions(-5, 5, max_denominator=9), min_size=steps, max_size=steps))
    solution = rb.solve(rb.Params(steps))
    point = {W: sp.Rational(w.numerator, w.denominator)}
    point.update({s: sp.Rational(v.numerator, v.denominator) for s, v in zip(solution.u_symbols, u, strict=False)})
    h, values = Fraction(0), []
    for u_i in u:
        a = u_i + h
        h = w * a
        values += [a, h]
    for node, expected in zip(solution.nodes, values, strict=False):
        assert solution.expr(solution.values[node.name]).xreplace(point) == sp.Rational(
            expected.numerator, expected.denominator
        )
    # dy/dw by the exact difference quotient of the linear-in-each-copy graph is awkward; use calculus instead.
    y = solution.expr(solution.values["y"])
    assert sp.diff(y, W).xreplace(point) == solution.expr(solution.dydw).xreplace(point)


def test_large_T_solves_and_checks():
    solution = rb.solve(rb.Params(300))
    assert len(solution.values["y"].terms) == 300
    assert all(c.agrees for c in rb.crosscheck(solution))


@pytest.mark.parametrize("steps", [1, 3, 12, 25])
def test_fast_printing_matches_sympy(steps):
    """The key's text is printed from the compact form; it must be SymPy's str() and latex()."""
    solution = rb.solve(rb.Params(steps))
    for poly in (
        *solution.values.values(),
        *solution.adjoints.values(),
        *solution.edges,
        solution.total,
        solution.dydw,
    ):
        expr = solution.expr(poly)
        assert poly.to_str() == str(expr)
        assert poly.to_latex() == sp.latex(expr)


@settings(max_examples=200)
@given(st.dictionaries(st.tuples(st.integers(0, 30), st.integers(0, 6)), st.integers(-5, 5), max_size=8))
def test_printing_any_linear_poly(terms):
    poly = rb.LinearPoly(terms)
    expr = poly.to_expr(tuple(sp.Symbol(f"u{i}") for i in range(1, 31)))
    assert (poly.to_str(), poly.to_latex()) == (str(expr), sp.latex(expr))
