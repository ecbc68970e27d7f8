"""Big-O classes: ``T*k*M``, ``O(kMT)``, ``O(T k M)`` and ``\\mathcal{O}(TkM)`` are one class.

A class is the set of its dominant monomials. Constant factors vanish, a sum
keeps only the terms no other term dominates (every symbol is taken to grow,
so ``T k M + T k`` is ``T k M``), ``log(k^2)`` is ``log k``, and a symbolic
exponent (``M^T``) is kept as an atom of its own.
"""

from __future__ import annotations

from fractions import Fraction

from .budget import Measure
from .limits import AnswerError
from .syntax import Call, Name, Neg, Node, Num, Pow, Prod, Sum, names_in

Monomial = tuple[tuple[str, Fraction], ...]  # sorted (atom, exponent), no zero exponents
BigO = frozenset  # of Monomial

MAX_MONOMIALS = 1_000
CONSTANT: Monomial = ()


def big_o(node: Node) -> BigO:
    """The big-O class of a parsed answer (functions ``O`` and ``log`` allowed)."""
    match node:
        case Num():
            return frozenset({CONSTANT})
        case Name(name=name):
            return frozenset({((name, Fraction(1)),)})
        case Neg(operand=operand):
            return big_o(operand)
        case Sum(terms=terms):
            return _dominant(set().union(*(big_o(child) for _, child in terms)))
        case Prod(column=column, factors=factors):
            result: BigO = frozenset({CONSTANT})
            for divide, child in factors:
                factor = big_o(child)
                if divide:
                    if len(factor) != 1:
                        raise AnswerError("cannot compare a big-O class divided by a sum", child.column)
                    (monomial,) = factor
                    factor = frozenset({_scale(monomial, Fraction(-1))})
                result = _product(result, factor, column)
            return result
        case Pow():
            return _power(node)
        case Call(function=function, argument=argument):
            inner = big_o(argument)
            if function == "O":
                return inner
            atoms = sorted({atom for monomial in inner for atom, exponent in monomial if exponent > 0})
            if not atoms:
                return frozenset({CONSTANT})
            return _dominant({((f"log({atom})", Fraction(1)),) for atom in atoms})
    raise AssertionError(node)


def _power(node: Pow) -> BigO:
    base, exponent_node = big_o(node.base), node.exponent
    if names_in(exponent_node):
        # M^T: an exponential in a symbol is an atom of its own.
        atom = f"({describe(base)})^({describe(big_o(exponent_node))})"
        return frozenset({((atom, Fraction(1)),)})
    exponent = Measure({})(exponent_node).constant  # checks the exponent's limits first
    if exponent is None:
        raise AnswerError("an exponent must be a number", exponent_node.column)
    if exponent == 0:
        return frozenset({CONSTANT})
    if len(base) == 1:
        (monomial,) = base
        return frozenset({_scale(monomial, exponent)})
    if exponent.denominator != 1 or exponent < 0:
        raise AnswerError("cannot compare a fractional or negative power of a sum", node.column)
    result: BigO = frozenset({CONSTANT})
    for _ in range(int(exponent)):
        result = _product(result, base, node.column)
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
