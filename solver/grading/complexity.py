"""Big-O classes: ``T*k*M``, ``O(kMT)``, ``O(T k M)`` and ``\\mathcal{O}(TkM)`` are one class.

A class is the set of its dominant monomials. Constant factors vanish, a sum
keeps only the terms no other term dominates (every symbol is taken to grow,
so ``T k M + T k`` is ``T k M``), ``log(k^2)`` is ``log k``, and a symbolic
exponent (``M^T``) is kept as an atom of its own.
"""

from __future__ import annotations

from fractions import Fraction

from .parser import AnswerError, Measure, names_in

Monomial = tuple[tuple[str, Fraction], ...]  # sorted (atom, exponent), no zero exponents
BigO = frozenset  # of Monomial

MAX_MONOMIALS = 1_000
CONSTANT: Monomial = ()


def big_o(node: tuple) -> BigO:
    """The big-O class of a parsed answer (functions ``O`` and ``log`` allowed)."""
    kind = node[0]
    if kind == "num":
        return frozenset({CONSTANT})
    if kind == "name":
        return frozenset({((node[2], Fraction(1)),)})
    if kind == "neg":
        return big_o(node[2])
    if kind == "sum":
        return _dominant(set().union(*(big_o(child) for _, child in node[2])))
    if kind == "prod":
        result = frozenset({CONSTANT})
        for divide, child in node[2]:
            factor = big_o(child)
            if divide:
                if len(factor) != 1:
                    raise AnswerError("cannot compare a big-O class divided by a sum", child[1])
                (monomial,) = factor
                factor = frozenset({_scale(monomial, Fraction(-1))})
            result = _product(result, factor, node[1])
        return result
    if kind == "pow":
        return _power(node)
    if kind == "call":
        argument = big_o(node[3])
        if node[2] == "O":
            return argument
        atoms = sorted({atom for monomial in argument for atom, exponent in monomial if exponent > 0})
        if not atoms:
            return frozenset({CONSTANT})
        return _dominant({((f"log({atom})", Fraction(1)),) for atom in atoms})
    raise AssertionError(kind)


def _power(node: tuple) -> BigO:
    base, exponent_node = big_o(node[2]), node[3]
    if names_in(exponent_node):
        # M^T: an exponential in a symbol is an atom of its own.
        atom = f"({describe(base)})^({describe(big_o(exponent_node))})"
        return frozenset({((atom, Fraction(1)),)})
    exponent = Measure({})(exponent_node).constant  # checks the exponent's limits first
    if exponent is None:
        raise AnswerError("an exponent must be a number", exponent_node[1])
    if exponent == 0:
        return frozenset({CONSTANT})
    if len(base) == 1:
        (monomial,) = base
        return frozenset({_scale(monomial, exponent)})
    if exponent.denominator != 1 or exponent < 0:
        raise AnswerError("cannot compare a fractional or negative power of a sum", node[1])
    result = frozenset({CONSTANT})
    for _ in range(int(exponent)):
        result = _product(result, base, node[1])
    return result


def _scale(monomial: Monomial, factor: Fraction) -> Monomial:
    return tuple((atom, exponent * factor) for atom, exponent in monomial)


def _product(left: BigO, right: BigO, column: int) -> BigO:
    if len(left) * len(right) > MAX_MONOMIALS:
        raise AnswerError("big-O expression is too large to compare", column)
    products = set()
    for a in left:
        for b in right:
            exponents: dict[str, Fraction] = dict(a)
            for atom, exponent in b:
                exponents[atom] = exponents.get(atom, Fraction(0)) + exponent
            products.add(tuple(sorted((atom, e) for atom, e in exponents.items() if e)))
    return _dominant(products)


def _dominates(a: Monomial, b: Monomial) -> bool:
    """a >= b for all large values of every symbol: no smaller exponent anywhere."""
    ea, eb = dict(a), dict(b)
    return all(ea.get(atom, 0) >= eb.get(atom, 0) for atom in set(ea) | set(eb))


def _dominant(monomials: set) -> BigO:
    return frozenset(m for m in monomials if not any(o != m and _dominates(o, m) for o in monomials))


def describe(big: BigO) -> str:
    """Readable text of a class, e.g. ``T k M`` or ``T k^2 + M``."""

    def monomial_text(monomial: Monomial) -> str:
        parts = [atom if exponent == 1 else f"{atom}^{exponent}" for atom, exponent in monomial]
        return " ".join(parts) or "1"

    return " + ".join(sorted(monomial_text(m) for m in big))


def complexity_names(symbols: list[str]) -> tuple[tuple[str, ...], bool]:
    """The grammar's names and whether case can be ignored (T, k, M: yes; n and N: no)."""
    folded = {s.lower() for s in symbols}
    return tuple(symbols), len(folded) == len(symbols)
