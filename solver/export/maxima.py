"""SymPy expressions written as Maxima input, for the question variables of STACK questions.

Only the shapes hw6's keys contain are written: integers and rationals, symbols, sums,
products, integer and rational powers, and a few elementary functions. Anything else raises
``ValueError`` rather than being written in a form Maxima might read differently. Every
operand that is not atomic is put in parentheses, so the text does not depend on Maxima's
operator precedences beyond the ordinary ones (``^`` binds tighter than ``*`` and ``/``,
those tighter than ``+`` and ``-``; unary minus is written as a product with ``-1``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy as sp

# SymPy function class -> Maxima function name (both take one argument).
FUNCTIONS: dict[type, str] = {
    sp.exp: "exp",
    sp.log: "log",
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.tanh: "tanh",
    sp.Abs: "abs",
}
MAXIMA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"e", "i", "pi", "if", "then", "else", "do", "for", "and", "or", "not", "true", "false"})


def maxima_name(name: str) -> str:
    """A symbol's name as a Maxima variable; names Maxima gives a meaning to are refused."""
    if not MAXIMA_NAME.match(name) or name in RESERVED:
        raise ValueError(f"{name!r} is not a plain Maxima variable name")
    return name


def to_maxima(expr: sp.Basic) -> str:
    """``expr`` as Maxima input text."""
    if isinstance(expr, sp.Integer):
        return str(int(expr))
    if isinstance(expr, sp.Rational):
        return f"{int(expr.p)}/{int(expr.q)}"
    if expr is sp.pi:
        return "%pi"
    if expr is sp.E:
        return "%e"
    if isinstance(expr, sp.Symbol):
        return maxima_name(expr.name)
    if isinstance(expr, sp.Add):
        terms = sp.Add.make_args(expr)
        return " + ".join(_operand(term) for term in _ordered(terms))
    if isinstance(expr, sp.Mul):
        return "*".join(_operand(factor) for factor in _ordered(sp.Mul.make_args(expr)))
    if isinstance(expr, sp.Pow):
        base, exponent = expr.args
        if not isinstance(exponent, sp.Rational):
            raise ValueError(f"only rational exponents are written, not {exponent}")
        return f"{_operand(base)}^{_operand(exponent)}"
    function = FUNCTIONS.get(type(expr))
    if function is not None and len(expr.args) == 1:
        return f"{function}({to_maxima(expr.args[0])})"
    raise ValueError(f"no Maxima form for {type(expr).__name__}: {expr}")


def _operand(expr: sp.Basic) -> str:
    """``expr`` as an operand of ``+``, ``*`` or ``^``: atoms bare, everything else in parentheses."""
    text = to_maxima(expr)
    atomic = isinstance(expr, (sp.Symbol, sp.Integer)) and not (isinstance(expr, sp.Integer) and expr < 0)
    if atomic or (isinstance(expr, sp.Function) and type(expr) in FUNCTIONS) or expr in (sp.pi, sp.E):
        return text
    return f"({text})"


def _ordered(args: Iterable[sp.Basic]) -> list[sp.Basic]:
    """Operands in SymPy's canonical order, so the same expression always gives the same text."""
    return sorted(args, key=sp.default_sort_key)


def list_to_maxima(values: Iterable[sp.Basic]) -> str:
    return "[" + ", ".join(to_maxima(value) for value in values) + "]"


def key_expression(text: str, symbols: Iterable[str]) -> sp.Expr:
    """A key's SymPy ``str()`` text (trusted: hw6 wrote it) as an expression over its symbols."""
    names = {name: sp.Symbol(maxima_name(name)) for name in symbols}
    return sp.sympify(text, locals=names, rational=True)
