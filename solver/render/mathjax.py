"""Exact numbers as the platforms' MathJax shows them in a statement: integers, short decimals, fractions.

The numbers of a problem's PrairieLearn statement come from its parameters (never from the key);
a problem's folder formats them with these, so every problem writes them alike.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any


def number_text(value: Any) -> str:
    """An exact number as students read it: an integer, a terminating decimal or a fraction."""
    number = Fraction(str(value))
    if number.denominator == 1:
        return str(number.numerator)
    scaled, places = number, 0
    while scaled.denominator != 1 and places < 6:
        scaled, places = scaled * 10, places + 1
    if scaled.denominator != 1:
        return f"{number.numerator}/{number.denominator}"
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def vector_tex(values: Any) -> str:
    return r"\left[" + ",\\ ".join(number_text(v) for v in values) + r"\right]"


def matrix_tex(rows: Any) -> str:
    if rows and not isinstance(rows[0], (list, tuple)):
        return vector_tex(rows)
    body = r" \\ ".join(" & ".join(number_text(v) for v in row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def tex_name(name: str) -> str:
    """``u1`` -> ``u_{1}``, ``h_2`` -> ``h_{2}``: a node or symbol name in TeX."""
    match = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    return f"{match.group(1)}_{{{match.group(2)}}}" if match else name
