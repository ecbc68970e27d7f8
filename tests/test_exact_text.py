"""The one exact-number formatter (kernel.exact.exact_text, decimal_text): what PrairieLearn's
statements, Moodle's Cloze boxes, Canvas's notations and the keys write."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from solver.export.qti_notation import exact_notations
from solver.kernel.exact import decimal_text, exact_text
from solver.render.mathjax import number_text

fractions = st.fractions(max_denominator=10**7)


def terminates(value: Fraction) -> bool:
    q = value.denominator
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    return q == 1


@given(fractions)
def test_the_text_reads_back_exactly_from_any_input_type(value):
    text = exact_text(value)
    assert Fraction(text) == value
    assert exact_text(sp.Rational(value.numerator, value.denominator)) == exact_text(str(value)) == text
    assert ("/" in text) == (not terminates(value))  # a decimal exactly when one exists


@given(fractions)
def test_a_decimal_is_the_one_decimal_has(value):
    text = decimal_text(value)
    if not terminates(value):
        assert text is None
    else:
        with localcontext() as context:
            context.prec = 400  # Moodle's Cloze boxes wrote the decimal this way before
            old = format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")
        assert text == exact_text(value) == old


@given(fractions, st.integers(min_value=0, max_value=8))
def test_max_places_keeps_decimals_short(value, places):
    text = exact_text(value, max_places=places)
    assert Fraction(text) == value
    if "." in text:
        assert len(text.split(".")[1]) <= places


def test_the_platforms_use_it():
    assert number_text("0.125") == "0.125" and number_text("1/1024") == "1/1024"  # 10 places: a fraction
    assert number_text(-3) == "-3" and number_text("-0.05") == "-0.05"
    assert exact_notations("-1/4") == ["-1/4", "-0.25"]
    assert exact_notations(2) == ["2", "+2", "2.0", "+2.0"]
