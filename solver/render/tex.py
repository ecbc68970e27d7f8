"""TeX text: what is safe to paste into LaTeX, and how other values get there.

Templates print every value through :func:`finalize`: :class:`Tex` goes in
verbatim, SymPy objects through ``sympy.latex``, numbers as numbers, and any
other text is escaped, so a student's name like ``Zoë O'Brien & Co_#1 $x$``
prints literally and can never inject TeX.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import Any

import sympy as sp


class Tex(str):
    """A string of LaTeX source that is safe to insert as it is."""

    __slots__ = ()


_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
}


def escape(text: Any) -> Tex:
    """Plain text as LaTeX that prints it literally (control characters dropped)."""
    out = []
    for char in str(text):
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char in "\n\t\r":
            out.append(" ")
        elif ord(char) < 32 or ord(char) == 127:
            continue
        else:
            out.append(char)
    return Tex("".join(out))


def latex(value: Any) -> Tex:
    """SymPy's LaTeX for an expression or number."""
    return Tex(sp.latex(value))


def number(value: Real, digits: int = 6) -> Tex:
    """A float with ``digits`` significant digits, in math-safe form."""
    value = float(value)
    if not math.isfinite(value):
        return Tex(r"\infty" if value > 0 else (r"-\infty" if value < 0 else r"\mathrm{NaN}"))
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return Tex(rf"{mantissa} \times 10^{{{int(exponent)}}}")
    return Tex(text)


def finalize(value: Any) -> str:
    """Jinja2 ``finalize`` hook: how every ``\\VAR{...}`` becomes TeX."""
    if isinstance(value, Tex):
        return value
    if value is None:
        raise TypeError("a template printed None; pass Tex('') for nothing")
    if isinstance(value, sp.Basic):
        return latex(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number(value)
    return escape(value)


def tex_join(items: Iterable[Any], separator: str = ", ") -> Tex:
    """Join values, each printed as :func:`finalize` would; the separator is TeX."""
    return Tex(separator.join(finalize(item) for item in items))


def bracket_list(values: Iterable[Any]) -> Tex:
    """A vector written as a bracketed list, ``[2, -1, 3]``, entries as SymPy prints them."""
    return Tex(r"\left[" + ",\\ ".join(sp.latex(v) for v in values) + r"\right]")


def matrix(rows: Iterable[Iterable[Any]], *, bar_before: int | None = None, small: bool = False) -> Tex:
    """A bracketed matrix; ``bar_before`` draws a vertical rule before that column (augmented matrices).

    Entries are printed by SymPy, except :class:`Tex` entries, which go in as they are.
    """
    rows = [[v if isinstance(v, Tex) else sp.latex(v) for v in row] for row in rows]
    width = len(rows[0]) if rows else 0
    spec = "".join("|r" if bar_before == j else "r" for j in range(width))
    body = r" \\ ".join(" & ".join(row) for row in rows)
    compact = r"\setlength{\arraycolsep}{3pt}" if small else ""
    return Tex(rf"\left[{compact}\begin{{array}}{{{spec}}} {body} \end{{array}}\right]")
