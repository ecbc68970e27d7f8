"""Big-O classes: ``T*k*M``, ``O(kMT)``, ``Θ(T k M)`` and ``\\mathcal{O}(TkM)`` are one class.

The answer is first simplified as a sum of signed monomials (so ``TkM - TkM``
is 0, not ``TkM``); the class is then the set of its dominant monomials
(every symbol is taken to grow, so ``T k M + T k`` is ``T k M``). A class must
be a positive growth term: a dominant term with a negative coefficient, or
nothing left at all, is refused. Constant factors vanish, ``log(k^2)``,
``\\log_2 k``, ``lg k`` and ``ln k`` are ``log k``, and a symbolic exponent
(``M^T``) is an atom of its own. :func:`check_budget` bounds the expansion
from the tree before any of this runs.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .budget import Measure
from .limits import MAX_EXPONENT, AnswerError
from .syntax import Call, Name, Neg, Node, Num, Pow, Prod, Sum, names_in

Monomial = tuple[tuple[str, Fraction], ...]  # sorted (atom, exponent), no zero exponents
BigO = frozenset  # of Monomial
Poly = dict  # Monomial -> Fraction coefficient (never 0)

MAX_MONOMIALS = 1_000
MAX_BIG_O_DEGREE = 1_000
CONSTANT: Monomial = ()
IDENTITY = ("O", "Theta", "Omega")  # Θ and Ω name the same growth term for grading


def big_o(node: Node) -> BigO:
    """The big-O class of a parsed answer, or AnswerError when it is not a positive growth term."""
    check_budget(node)
    poly = _poly(node)
    if not poly:
        raise AnswerError("the expression is 0 after simplifying, which is not a growth term")
    dominant = _dominant(set(poly))
    if any(poly[m] < 0 for m in dominant):
        raise AnswerError("the dominant term is negative after simplifying, which is not a growth term")
    return dominant


def check_budget(node: Node) -> tuple[int, int]:
    """(terms, degree) bounds of the expansion; refuses ``(T+k+M)^1000`` before any algebra."""
    match node:
        case Num() | Name():
            return 1, int(isinstance(node, Name))
        case Neg(operand=operand):
            return check_budget(operand)
        case Call(argument=argument):
            check_budget(argument)
            return 1, 1
        case Sum(terms=terms):
            sizes = [check_budget(child) for _, child in terms]
            return _bounded(sum(t for t, _ in sizes), max(d for _, d in sizes), node)
        case Prod(factors=factors):
            count, degree = 1, 0
            for _, child in factors:
                t, d = check_budget(child)
                count, degree = _bounded(count * t, degree + d, node)
            return count, degree
        case Pow(base=base, exponent=exponent):
            t, d = check_budget(base)
            if names_in(exponent):
                check_budget(exponent)
                return 1, 1
            value = Measure({})(exponent).constant
            if value is None:
                raise AnswerError("an exponent must be a number", exponent.column)
            if abs(value) > MAX_EXPONENT or value.denominator > MAX_EXPONENT:
                # 9^9^9: the tower's value is never built (a constant base is otherwise free here)
                shown = str(value) if abs(value.numerator).bit_length() < 64 else "a huge number"
                raise AnswerError(
                    f"exponent {shown} is larger than {MAX_EXPONENT:,} in absolute value", exponent.column
                )
            power = math.ceil(abs(value))
            if t > 1 and power * math.log2(t) > 64:
                raise AnswerError("big-O expression is too large to compare", node.column)
            return _bounded(t**power, d * power, node)
    raise AssertionError(node)


def _bounded(terms: int, degree: int, node: Node) -> tuple[int, int]:
    if degree > MAX_BIG_O_DEGREE:
        raise AnswerError(f"big-O expression has degree above {MAX_BIG_O_DEGREE:,}", node.column)
    if terms > MAX_MONOMIALS:
        raise AnswerError("big-O expression is too large to compare", node.column)
    return terms, degree


def _poly(node: Node) -> Poly:
    match node:
        case Num(value=value):
            return {CONSTANT: value} if value else {}
        case Name(name=name):
            return {((name, Fraction(1)),): Fraction(1)}
        case Neg(operand=operand):
            return {m: -c for m, c in _poly(operand).items()}
        case Sum(terms=terms):
            total: Poly = {}
            for sign, child in terms:
                for monomial, coefficient in _poly(child).items():
                    total[monomial] = total.get(monomial, Fraction(0)) + sign * coefficient
            return {m: c for m, c in total.items() if c}
        case Prod(column=column, factors=factors):
            result: Poly = {CONSTANT: Fraction(1)}
            for divide, child in factors:
                factor = _poly(child)
                if divide:
                    if len(factor) != 1:
                        raise AnswerError("cannot compare a big-O class divided by a sum", child.column)
                    ((monomial, coefficient),) = factor.items()
                    factor = {_scale(monomial, Fraction(-1)): 1 / coefficient}
                result = _product(result, factor, column)
            return result
        case Pow():
            return _power(node)
        case Call(function=function, argument=argument):
            inner = _poly(argument)
            if function in IDENTITY:
                return inner
            if not inner:
                raise AnswerError("the logarithm of 0 is not defined", node.column)
            growing = [m for m in _dominant(set(inner)) if m != CONSTANT]
            if any(inner[m] < 0 for m in growing):
                raise AnswerError("the logarithm of a negative term is not defined", node.column)
            atoms = sorted({atom for monomial in growing for atom, exponent in monomial if exponent > 0})
            if not atoms:
                return {CONSTANT: Fraction(1)}
            return {((f"log({atom})", Fraction(1)),): Fraction(1) for atom in atoms}
    raise AssertionError(node)


def _power(node: Pow) -> Poly:
    base, exponent_node = _poly(node.base), node.exponent
    if names_in(exponent_node):
        # M^T: an exponential in a symbol is an atom of its own.
        atom = f"({describe(big_o(node.base))})^({describe(big_o(exponent_node))})"
        return {((atom, Fraction(1)),): Fraction(1)}
    exponent = Measure({})(exponent_node).constant  # checks the exponent's limits first
    if exponent is None:
        raise AnswerError("an exponent must be a number", exponent_node.column)
    if exponent == 0:
        return {CONSTANT: Fraction(1)}
    if len(base) == 1:
        ((monomial, coefficient),) = base.items()
        if exponent.denominator != 1:
            if coefficient < 0:
                raise AnswerError("a fractional power of a negative term is not a growth term", node.column)
            return {_scale(monomial, exponent): Fraction(1)}  # a positive constant factor
        return {_scale(monomial, exponent): coefficient ** int(exponent)}
    if exponent.denominator != 1 or exponent < 0:
        raise AnswerError("cannot compare a fractional or negative power of a sum", node.column)
    result: Poly = {CONSTANT: Fraction(1)}
    for _ in range(int(exponent)):
        result = _product(result, base, node.column)
    return result


def _scale(monomial: Monomial, factor: Fraction) -> Monomial:
    return tuple((atom, exponent * factor) for atom, exponent in monomial)


def _product(left: Poly, right: Poly, column: int) -> Poly:
    if len(left) * len(right) > MAX_MONOMIALS * 20:
        raise AnswerError("big-O expression is too large to compare", column)
    products: Poly = {}
    for a, ca in left.items():
        for b, cb in right.items():
            exponents: dict[str, Fraction] = dict(a)
            for atom, exponent in b:
                exponents[atom] = exponents.get(atom, Fraction(0)) + exponent
            monomial = tuple(sorted((atom, e) for atom, e in exponents.items() if e))
            products[monomial] = products.get(monomial, Fraction(0)) + ca * cb
    result = {m: c for m, c in products.items() if c}
    if len(result) > MAX_MONOMIALS:
        raise AnswerError("big-O expression is too large to compare", column)
    return result


def _dominates(a: Monomial, b: Monomial) -> bool:
    """a >= b for all large values of every symbol: no smaller exponent anywhere."""
    ea, eb = dict(a), dict(b)
    return all(ea.get(atom, 0) >= eb.get(atom, 0) for atom in set(ea) | set(eb))


def _dominant(monomials: set) -> BigO:
    return frozenset(m for m in monomials if not any(o != m and _dominates(o, m) for o in monomials))


def looser_bound(student: BigO, tight: BigO, extra_degree: int) -> bool:
    """Whether ``student`` is a valid upper bound of ``tight`` that is looser by at most
    ``extra_degree`` powers of the symbols (O(T k^2 M) for O(T k M)), polynomial and logs only."""
    if student == tight:
        return False
    if not all(any(_dominates(s, t) for s in student) for t in tight):
        return False  # not an upper bound: some growth of the tight class is missing
    if any(not _polynomial(m) for m in student):
        return False
    largest = max(_degree(t) for t in tight)
    return all(_degree(s) <= largest + extra_degree for s in student)


def _degree(monomial: Monomial) -> Fraction:
    return sum((e for atom, e in monomial if not atom.startswith("log(")), Fraction(0))


def _polynomial(monomial: Monomial) -> bool:
    return all(e > 0 and "^" not in atom and "(" not in atom.removeprefix("log(") for atom, e in monomial)


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
