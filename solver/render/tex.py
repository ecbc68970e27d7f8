"""TeX text: what is safe to paste into LaTeX, and how other values get there.

Templates print every value through :func:`finalize`: :class:`Tex` goes in
verbatim, SymPy objects through ``sympy.latex``, numbers as numbers, and any
other text is escaped, so a student's name like ``Zoë O'Brien & Co_#1 $x$``
prints literally and can never inject TeX.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, SupportsFloat

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
    "'": r"\textquoteright{}",  # the typographic apostrophe (O’Brien, post’s); never a ligature
    "`": r"\textasciigrave{}",
}


# Characters pdflatex prints with T1 fonts and utf8 input (the code points t1enc.dfu declares);
# anything else would stop LaTeX with "Unicode character ... not set up for use with LaTeX".
_T1_RANGES = """
00A0-00A1 00A3 00AB 00AD 00BB 00BF-00D6 00D8-00F6 00F8-0125 0128-0137 0139-013E 0141-0148
014A-0165 0168-017E 01C4-01D4 01E2-01E3 01E6-01EB 01F0 01F4-01F5 0218-021B 0232-0233 0237 02D9
02DB 1E02-1E03 1E0D 1E1E-1E21 1E25 1E30-1E31 1E37 1E43 1E45 1E47 1E5B 1E63 1E6D 1E8E-1E91 1E9E
1EF2-1EF3 200C 2010-2015 2018-201A 201C-201E 2030-2031 2039-203A 2423 FB00-FB06
"""


def _code_points(ranges: str) -> frozenset[int]:
    points = set(range(32, 127))
    for item in ranges.split():
        first, _, last = item.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


_PRINTABLE = _code_points(_T1_RANGES)
# A number and its unit stay on one line ("174 s", "8 GPUs"): the space between them becomes a tie.
_UNIT_SPACE = re.compile(r"(?<=\d)[ \u00a0](?=(?:s|ms|min|h|GB|MB|GPUs?|pt|px)\b)")


def escape(text: Any) -> Tex:
    """Plain text as LaTeX that prints it literally.

    Control characters are dropped; a character the fonts lack is replaced by
    its accent-free base letter when it has one, else by ``?``.
    """
    out = []
    for char in str(text):
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char in "\n\t\r":
            out.append(" ")
        elif ord(char) in _PRINTABLE:
            out.append(char)
        elif ord(char) < 32 or 127 <= ord(char) < 160:
            continue
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in _PRINTABLE)
            out.append(escape(base) if base else "?")
    return Tex(_UNIT_SPACE.sub("~", "".join(out)))


def latex(value: Any) -> Tex:
    """SymPy's LaTeX for an expression or number."""
    return Tex(sp.latex(value))


def number(value: SupportsFloat, digits: int = 6) -> Tex:
    """A float with ``digits`` significant digits, in math-safe form."""
    real = float(value)
    if not math.isfinite(real):
        return Tex(r"\infty" if real > 0 else (r"-\infty" if real < 0 else r"\mathrm{NaN}"))
    text = f"{real:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return Tex(rf"{mantissa} \times 10^{{{int(exponent)}}}")
    return Tex(text)


_URL_SAFE = re.compile(r"[A-Za-z0-9:/._~?=&+\-]+")


def url(address: str) -> Tex:
    """A web address that may break across lines (``\\url``); only plain URL characters."""
    if not _URL_SAFE.fullmatch(address):
        return Tex(r"\texttt{" + escape(address) + "}")
    return Tex(r"\url{" + address + "}")


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
    cells = [[v if isinstance(v, Tex) else sp.latex(v) for v in row] for row in rows]
    width = len(cells[0]) if cells else 0
    spec = "".join("|r" if bar_before == j else "r" for j in range(width))
    body = r" \\ ".join(" & ".join(row) for row in cells)
    compact = r"\setlength{\arraycolsep}{3pt}" if small else ""
    return Tex(rf"\left[{compact}\begin{{array}}{{{spec}}} {body} \end{{array}}\right]")
