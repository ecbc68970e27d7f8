"""The cost of an answer, bounded from its syntax tree before any algebra runs.

:class:`Measure` bounds every node as numerator / denominator polynomials
(terms, degree, coefficient bits) and raises :class:`AnswerError` where an
expansion would break a limit of :mod:`.limits`, so ``(w + 1)^1000`` is refused
here rather than killed by the time limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from .limits import MAX_BITS, MAX_DEGREE, MAX_EXPONENT, MAX_POWER_TERMS, MAX_TERMS, AnswerError
from .syntax import Call, Name, Neg, Node, Num, Pow, Prod, Sum


@dataclass(frozen=True)
class Size:
    """Upper bounds for an expression written as numerator / denominator polynomials.

    ``terms``/``degree`` bound the numerator, ``den_terms``/``den_degree`` the
    denominator, ``bits`` one coefficient; ``symbols`` are the variables it can
    involve; ``constant`` is the exact value of a constant subtree (needed for
    exponents), ``rational`` whether the value is a rational function (no
    fractional powers of non-constants).
    """

    terms: int
    degree: int
    den_terms: int = 1
    den_degree: int = 0
    bits: int = 1
    symbols: frozenset[str] = frozenset()
    constant: Fraction | None = None
    rational: bool = True

    @property
    def polynomial(self) -> bool:
        return self.den_terms == 1 and self.den_degree == 0


def _bits(value: Fraction) -> int:
    return abs(value.numerator).bit_length() + value.denominator.bit_length()


def _number_size(value: Fraction) -> Size:
    return Size(1 if value else 0, 0, bits=_bits(value), constant=value)


class Measure:
    """Bounds every node of a tree and raises AnswerError where a limit is broken.

    ``leaves`` gives the :class:`Size` of each name: 1 term of degree 1 for a
    symbol, the substituted value's size for a node name such as ``p``.
    """

    def __init__(self, leaves: dict[str, Size]):
        self.leaves = leaves

    def check(self, size: Size, column: int) -> Size:
        if size.degree + size.den_degree > MAX_DEGREE:
            raise AnswerError(f"answer would expand to degree above {MAX_DEGREE:,}", column)
        if size.bits > MAX_BITS:
            raise AnswerError(f"answer would need numbers longer than {MAX_BITS:,} bits", column)
        if size.terms <= MAX_TERMS and size.den_terms <= MAX_TERMS:
            return size
        # Products overestimate: (w + 1)^40 has 41 terms, not 2^40. Cap by the number of
        # monomials of that degree in the symbols involved.
        variables = len(size.symbols)
        terms = min(size.terms, math.comb(variables + size.degree, variables))
        den_terms = min(size.den_terms, math.comb(variables + size.den_degree, variables))
        if max(terms, den_terms) > MAX_TERMS:
            raise AnswerError(f"answer would expand to more than {MAX_TERMS:,} terms", column)
        return replace(size, terms=terms, den_terms=den_terms)

    def __call__(self, node: Node) -> Size:
        match node:
            case Num(value=value):
                return _number_size(value)
            case Name(name=name):
                return self.leaves[name]
            case Neg(operand=operand):
                inner = self(operand)
                return replace(inner, constant=-inner.constant if inner.constant is not None else None)
            case Call(argument=argument):
                return replace(self(argument), terms=1, degree=1, rational=False, constant=None)
            case Sum(column=column, terms=terms):
                return self.check(self._sum([(s, self(child)) for s, child in terms]), column)
            case Prod(column=column, factors=factors):
                return self.check(self._product([(d, self(child)) for d, child in factors], column), column)
            case Pow(column=column, base=base, exponent=exponent):
                return self.check(self._power(self(base), exponent, column), column)
        raise AssertionError(node)

    def _sum(self, items: list[tuple[int, Size]]) -> Size:
        sizes = [size for _, size in items]
        symbols = frozenset[str]().union(*(s.symbols for s in sizes))
        rational = all(s.rational for s in sizes)
        constant: Fraction | None = None
        constants = [(sign, s.constant) for sign, s in items if s.constant is not None]
        if len(constants) == len(items):
            constant = sum((sign * value for sign, value in constants), Fraction(0))
        if all(s.polynomial for s in sizes):
            bits = max(s.bits for s in sizes) + len(sizes).bit_length()
            terms, degree = sum(s.terms for s in sizes), max(s.degree for s in sizes)
            return Size(terms, degree, bits=bits, symbols=symbols, constant=constant, rational=rational)
        den_terms = math.prod(s.den_terms for s in sizes)
        den_degree = sum(s.den_degree for s in sizes)
        terms = sum(s.terms * den_terms // max(s.den_terms, 1) for s in sizes)
        degree = max(s.degree + den_degree - s.den_degree for s in sizes)
        bits = sum(s.bits for s in sizes) + len(sizes).bit_length()
        return Size(terms, degree, den_terms, den_degree, bits, symbols, constant, rational)

    def _product(self, items: list[tuple[bool, Size]], column: int) -> Size:
        size = Size(1, 0, bits=0, constant=Fraction(1))
        for divide, s in items:
            if divide and s.constant == 0:
                raise AnswerError("division by zero", column)
            top, bottom = (
                ((s.den_terms, s.den_degree), (s.terms, s.degree))
                if divide
                else ((s.terms, s.degree), (s.den_terms, s.den_degree))
            )
            constant = None
            if size.constant is not None and s.constant is not None:
                constant = size.constant / s.constant if divide else size.constant * s.constant
            size = Size(
                size.terms * top[0], size.degree + top[1], size.den_terms * bottom[0], size.den_degree + bottom[1],
                size.bits + s.bits + min(s.terms, 1 << 20).bit_length(), size.symbols | s.symbols,
                constant, size.rational and s.rational,
            )  # fmt: skip
            if size.terms > MAX_TERMS or size.den_terms > MAX_TERMS:  # keep the counts small
                size = self.check(size, column)
        return size

    def _power(self, base: Size, exponent_node: Node, column: int) -> Size:
        exponent = self(exponent_node).constant
        if exponent is None:
            raise AnswerError("an exponent must be a number", exponent_node.column)
        if abs(exponent) > MAX_EXPONENT or exponent.denominator > MAX_EXPONENT:
            shown = str(exponent) if _bits(exponent) < 64 else "a huge number"
            raise AnswerError(
                f"exponent {shown} is larger than {MAX_EXPONENT:,} in absolute value", exponent_node.column
            )
        if exponent < 0 and base.constant == 0:
            raise AnswerError("division by zero", column)
        whole = math.ceil(abs(exponent))
        bits = base.bits * whole + whole * min(base.terms, 1 << 20).bit_length()
        if bits > MAX_BITS:
            raise AnswerError(f"answer would need numbers longer than {MAX_BITS:,} bits", column)
        constant = exact_power(base.constant, exponent) if base.constant is not None else None
        if constant is not None:
            return _number_size(constant)
        if exponent.denominator != 1:
            # A fractional power of a non-constant is evaluated numerically, never expanded.
            return replace(
                base, terms=1, degree=whole, den_terms=1, den_degree=0, bits=bits, constant=None, rational=False
            )
        expanded = max(
            _expanded_terms(base.terms, base.degree * whole, base.symbols, whole),
            _expanded_terms(base.den_terms, base.den_degree * whole, base.symbols, whole),
        )
        if expanded > MAX_POWER_TERMS:
            # Expanding by repeated squaring costs about the square of the result's terms:
            # ((w + 1)^30)^30 has only 901 terms but takes seconds, so it is refused here.
            raise AnswerError(f"a power would expand to more than {MAX_POWER_TERMS:,} terms", column)
        size = replace(
            base,
            terms=_power_count(base.terms, whole), degree=base.degree * whole,
            den_terms=_power_count(base.den_terms, whole), den_degree=base.den_degree * whole, bits=bits,
        )  # fmt: skip
        if exponent < 0:
            size = replace(
                size, terms=size.den_terms, degree=size.den_degree, den_terms=size.terms, den_degree=size.degree
            )
        return size


def _expanded_terms(terms: int, degree: int, symbols: frozenset[str], exponent: int) -> int:
    """Terms of a sum of ``terms`` terms raised to ``exponent`` (1 for a monomial), capped by
    the monomials of that degree in its symbols."""
    if terms <= 1 or exponent <= 1:
        return 1
    return min(_power_count(terms, exponent), math.comb(len(symbols) + degree, max(len(symbols), 1)))


def _power_count(terms: int, exponent: int) -> int:
    """terms ** exponent, saturating just above MAX_TERMS without computing huge numbers."""
    if terms <= 1 or exponent == 0:
        return terms if exponent else 1
    if exponent * math.log2(terms) > math.log2(MAX_TERMS + 1):
        return MAX_TERMS + 1
    return terms**exponent


def exact_power(base: Fraction, exponent: Fraction) -> Fraction | None:
    """base ** exponent when it is rational (4^(1/2) = 2), else None. Sizes are checked first."""
    if exponent.denominator == 1:
        if exponent < 0 and base == 0:
            return None
        return base ** int(exponent)
    if base < 0:
        return None  # even roots of negatives are not real; odd ones are left to numeric checks
    root = exponent.denominator
    p, q = _nth_root(base.numerator, root), _nth_root(base.denominator, root)
    if p is None or q is None:
        return None
    value = Fraction(p, q) ** abs(exponent.numerator)
    return value if exponent > 0 else (1 / value if value else None)


def _nth_root(value: int, n: int) -> int | None:
    """The exact integer n-th root of value >= 0, or None."""
    if value < 2:
        return value
    root = 1 << -(-value.bit_length() // n)  # an upper bound; Newton's method descends from it
    while True:
        better = ((n - 1) * root + value // root ** (n - 1)) // n
        if better >= root:
            break
        root = better
    return root if root**n == value else None
