"""Exact numbers as the platforms' MathJax shows them in a statement: integers, short decimals, fractions.

The numbers of a problem's PrairieLearn statement come from its parameters (never from the key);
a problem's folder formats them with these, so every problem writes them alike.
"""

from __future__ import annotations

import re
from typing import Any

from ..kernel.exact import exact_text


def number_text(value: Any) -> str:
    """An exact number as students read it: an integer, a decimal of at most 6 places or a fraction."""
    return exact_text(value, max_places=6)


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


# Canvas's question text: square brackets mark its blanks, so numbers are shown in parentheses, a list
# as (1, -2, 3) and a matrix row by row, (1, 2; 3, 4).
def paren_list(values: Any) -> str:
    return "(" + ", ".join(exact_text(v) for v in values) + ")"


def paren_rows(rows: Any) -> str:
    return "(" + "; ".join(", ".join(exact_text(v) for v in row) for row in rows) + ")"
