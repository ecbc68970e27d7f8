"""Hypothesis strategies shared by the tests, in one place."""

from __future__ import annotations

from hypothesis import strategies as st

steps = st.integers(min_value=1, max_value=12)
small_fractions = st.fractions(-5, 5, max_denominator=9)

# --------------------------------------------------------------------------- grading


@st.composite
def expressions(draw, depth: int = 3):
    """(text in a student's notation, the same expression built in SymPy): two backends to compare."""
    import sympy as sp

    names = ["w", "u1", "u2"]
    if depth == 0 or draw(st.booleans()):
        if draw(st.booleans()):
            value = draw(st.integers(0, 6))
            return str(value), sp.Integer(value)
        name = draw(st.sampled_from(names))
        return name, sp.Symbol(name, positive=True)
    op = draw(st.sampled_from(["+", "-", "*", "implicit", "^", "/"]))
    left_text, left = draw(expressions(depth - 1))
    if op == "^":
        power = draw(st.integers(0, 3))
        return f"({left_text})^{power}", left**power
    if op == "/":
        divisor_text, divisor = draw(st.sampled_from([("2", sp.Integer(2)), ("3", sp.Integer(3))] + [(n, sp.Symbol(n, positive=True)) for n in names]))
        return f"({left_text})/{divisor_text}", left / divisor
    right_text, right = draw(expressions(depth - 1))
    if op == "implicit":
        return f"({left_text}) ({right_text})", left * right
    joined = {"+": left + right, "-": left - right, "*": left * right}[op]
    return f"({left_text}) {op} ({right_text})", joined
