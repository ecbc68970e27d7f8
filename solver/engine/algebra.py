"""Values of parsed answers: exact rational functions, or numbers at random points.

An answer tree (see :mod:`.syntax`) becomes a pair ``(numerator, denominator)``
of sparse polynomials over QQ (``sympy.polys.rings``). Two answers are equal
exactly when ``n1 * d2 == n2 * d1``: a canonical comparison of coefficient
dictionaries, with no ``simplify`` and no ``.equals``. Only a fractional power
of a non-constant (``w^(1/2)``) leaves the rational functions; such answers
are compared at several random points of the part's domain in 50-digit
arithmetic, then confirmed symbolically where SymPy can do it cheaply.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import mpmath
from sympy.polys.domains import QQ
from sympy.polys.orderings import lex
from sympy.polys.rings import PolyElement, PolyRing

from .answers import key_fraction
from .budget import Measure, Size, exact_power
from .limits import AnswerError
from .syntax import Name, Neg, Node, Num, Pow, Prod, Sum, names_in, parse
from .tokens import Grammar

NUMERIC_POINTS = 12
NUMERIC_DIGITS = 50
NUMERIC_TOLERANCE = mpmath.mpf(10) ** -30
# Symbols are real and may be negative: (w^6)^(1/2) is |w|^3, not w^3. Away from 0: few poles.
POSITIVE = (Fraction(1, 2), Fraction(3, 2))
DEFAULT_DOMAIN = (POSITIVE, (Fraction(-3, 2), Fraction(-1, 2)))
Intervals = tuple[tuple[Fraction, Fraction], ...]

Pair = tuple[PolyElement, PolyElement]  # numerator, denominator


class NotRational(Exception):
    """The value is not a rational function; compare it numerically."""


class Space:
    """The symbols of one part, the values of its substitutable names and its domain.

    ``symbols`` are the variables a student may write; ``substitutions`` maps
    further names (``p``, ``dy/dq``) to trusted expression text, which may
    bring in symbols of their own (``p`` is ``u1``; then ``u1`` may be written too);
    ``domain`` is ``[low, high]`` for every symbol or ``{symbol: [low, high]}``.
    """

    def __init__(
        self,
        symbols: Sequence[str],
        substitutions: Mapping[str, str] | None = None,
        domain: Any = None,
        seed: str = "",
    ):
        substitutions = dict(substitutions or {})
        trees = {name: parse(str(text), Grammar(trusted=True)) for name, text in substitutions.items()}
        brought = set().union(*(names_in(tree) for tree in trees.values())) if trees else set()
        unknown = brought & set(trees)
        if unknown:
            raise ValueError(f"substitutions refer to each other: {sorted(unknown)}")
        self.symbols = tuple(symbols) + tuple(sorted(brought - set(symbols)))
        self.ring = PolyRing(self.symbols, QQ, lex)
        self.one, self.zero = self.ring.one, self.ring.zero
        self.values: dict[str, Pair] = {s: (g, self.one) for s, g in zip(self.symbols, self.ring.gens, strict=False)}
        self.trees = trees
        for name, tree in trees.items():
            self.values[name] = self.exact(tree)
        sizes = {s: Size(1, 1, symbols=frozenset({s})) for s in self.symbols}
        sizes.update({name: size_of(self.values[name], names_in(tree)) for name, tree in trees.items()})
        self.measure = Measure(sizes)
        # A symbol a substitution brings in (p is u1) may also be written directly.
        self.grammar = Grammar(names=self.symbols + tuple(substitutions))
        self.domain: dict[str, Intervals] = _domain(domain, self.symbols)
        self.seed = seed
        self._points: list[dict[str, Fraction]] | None = None

    # ----------------------------------------------------------------- reading answers

    def read(self, text: str, trusted: bool = False) -> Value:
        """Parse, check the limits, then evaluate: :class:`Value`, or AnswerError."""
        grammar = Grammar(trusted=True) if trusted else self.grammar
        tree = parse(text, grammar)
        if trusted:
            unknown = names_in(tree) - set(self.values)
            if unknown:
                raise AnswerError(f"uses {', '.join(sorted(unknown))}, which the part does not declare")
        if not trusted:  # the key is computed by hw6; only answers need the limits
            self.measure(tree)
        return Value(self, tree)

    def constant(self, value: Fraction) -> Pair:
        return self.ring.ground_new(QQ(value.numerator, value.denominator)), self.one

    # ----------------------------------------------------------------- exact values

    def exact(self, node: Node) -> Pair:
        match node:
            case Num(value=value):
                return self.constant(value)
            case Name(name=name):
                return self.values[name]
            case Neg(operand=operand):
                numerator, denominator = self.exact(operand)
                return -numerator, denominator
            case Sum(terms=terms):
                return self._sum(terms)
            case Prod(factors=factors):
                return self._product(factors)
            case Pow():
                return self._power(node)
        raise AnswerError("functions are not allowed here", node.column)

    def _sum(self, items: tuple[tuple[int, Node], ...]) -> Pair:
        # Terms over the running denominator are added into one coefficient dictionary
        # (PolyElement is a dict): linear in the number of terms, where p = p + q is quadratic.
        zero = self.ring.domain.zero
        total: dict = {}
        denominator = self.one
        for sign, child in items:
            n, d = self.exact(child)
            if d != denominator:
                pending = self.ring.from_dict(total) if total else self.zero
                n, pending = n * denominator, pending * d
                total, denominator = dict(pending), denominator * d
            for monomial, coefficient in n.items():
                total[monomial] = total.get(monomial, zero) + (coefficient if sign > 0 else -coefficient)
        return self.ring.from_dict({m: c for m, c in total.items() if c}), denominator

    def _product(self, items: tuple[tuple[bool, Node], ...]) -> Pair:
        one = self.one
        numerator, denominator = one, one
        for divide, child in items:
            n, d = self.exact(child)
            if divide:
                if not n:
                    raise AnswerError("division by zero", child.column)
                n, d = d, n
            numerator = numerator * n
            if d != one:
                denominator = denominator * d
        return numerator, denominator

    def _power(self, node: Pow) -> Pair:
        exponent = self.ground(self.exact(node.exponent), node.exponent.column)
        numerator, denominator = self.exact(node.base)
        if exponent.denominator != 1:
            if not (numerator.is_ground and denominator.is_ground):
                raise NotRational
            value = exact_power(self.ground((numerator, denominator), node.column), exponent)
            if value is None:
                raise NotRational
            return self.constant(value)
        power = int(exponent)
        if power == 0:
            return self.one, self.one  # 0^0 = 1, as in SymPy
        if power < 0:
            if not numerator:
                raise AnswerError("division by zero", node.column)
            numerator, denominator, power = denominator, numerator, -power
        return numerator**power, denominator**power

    def ground(self, pair: Pair, column: int) -> Fraction:
        numerator, denominator = pair
        if not (numerator.is_ground and denominator.is_ground):
            raise AnswerError("an exponent must be a number", column)
        return _fraction(numerator) / _fraction(denominator)

    # ----------------------------------------------------------------- numeric values

    @property
    def points(self) -> list[dict[str, Fraction]]:
        """Random points of the domain, the same for every answer to this part: the first with
        every symbol in its first interval (positive by default), the second in its last, then mixed."""
        if self._points is None:
            rng = random.Random(zlib.crc32(self.seed.encode()))

            def pick(intervals: Intervals, index: int) -> Fraction:
                choice = 0 if index == 0 else len(intervals) - 1 if index == 1 else rng.randrange(len(intervals))
                low, high = intervals[choice]
                return low + (high - low) * Fraction(rng.randrange(1, 10_000), 10_000)

            self._points = [
                {s: pick(intervals, index) for s, intervals in self.domain.items()} for index in range(NUMERIC_POINTS)
            ]
        return self._points

    def numeric(self, node: Node, point: Mapping[str, Any]) -> Any:
        match node:
            case Num(value=value):
                return mpmath.mpf(value.numerator) / value.denominator
            case Name(name=name):
                return self.numeric(self.trees[name], point) if name in self.trees else point[name]
            case Neg(operand=operand):
                return -self.numeric(operand, point)
            case Sum(terms=terms):
                total = mpmath.mpf(0)
                for sign, child in terms:
                    total += sign * self.numeric(child, point)
                return total
            case Prod(factors=factors):
                total = mpmath.mpf(1)
                for divide, child in factors:
                    value = self.numeric(child, point)
                    total = total / value if divide else total * value
                return total
            case Pow(base=base, exponent=exponent):
                return _real_power(self.numeric(base, point), self.ground(self.exact(exponent), exponent.column))
        raise AnswerError("functions are not allowed here", node.column)

    # ----------------------------------------------------------------- SymPy expressions

    def sympy(self, node: Node) -> Any:
        """The tree as a SymPy expression in positive symbols (built, never parsed)."""
        import sympy as sp

        match node:
            case Num(value=value):
                return sp.Rational(value.numerator, value.denominator)
            case Name(name=name):
                return self.sympy(self.trees[name]) if name in self.trees else sp.Symbol(name, positive=True)
            case Neg(operand=operand):
                return -self.sympy(operand)
            case Sum(terms=terms):
                return sp.Add(*(sign * self.sympy(child) for sign, child in terms))
            case Prod(factors=factors):
                return sp.Mul(*(sp.Pow(self.sympy(c), -1) if divide else self.sympy(c) for divide, c in factors))
            case Pow(base=base, exponent=exponent):
                return sp.Pow(self.sympy(base), self.sympy(exponent))
        raise AnswerError("functions are not allowed here", node.column)


class Value:
    """One parsed answer in a :class:`Space`: exact when it is a rational function."""

    __slots__ = ("space", "tree", "pair", "_numbers")

    def __init__(self, space: Space, tree: Node):
        self.space, self.tree = space, tree
        try:
            self.pair: Pair | None = space.exact(tree)
        except NotRational:
            self.pair = None
        self._numbers: list | None = None

    @property
    def exact(self) -> bool:
        return self.pair is not None

    def numbers(self) -> list:
        """Values at the space's points; a point where either is undefined is skipped later."""
        if self._numbers is None:
            values = []
            with mpmath.workdps(NUMERIC_DIGITS):
                for point in self.space.points:
                    mp_point = {s: mpmath.mpf(v.numerator) / v.denominator for s, v in point.items()}
                    try:
                        values.append(self.space.numeric(self.tree, mp_point))
                    except (ZeroDivisionError, ValueError, OverflowError):
                        values.append(None)
            self._numbers = values
        return self._numbers

    def same(self, other: Value) -> bool:
        """Equal as functions: exactly when both are rational, else at every random point."""
        if self.pair is not None and other.pair is not None:
            (n1, d1), (n2, d2) = self.pair, other.pair
            return n1 * d2 == n2 * d1
        return self.numerically_same(other)

    def numerically_same(self, other: Value) -> bool:
        compared = 0
        with mpmath.workdps(NUMERIC_DIGITS):
            for a, b in zip(self.numbers(), other.numbers(), strict=False):
                if a is None or b is None:
                    continue
                scale = max(mpmath.mpf(1), abs(a), abs(b))
                if abs(a - b) > NUMERIC_TOLERANCE * scale:
                    return False
                compared += 1
        return compared > 0

    def confirmed(self, other: Value) -> bool:
        """Symbolic confirmation of a numeric match (cheap rewrites only)."""
        import sympy as sp

        difference = self.space.sympy(self.tree) - other.space.sympy(other.tree)
        for rewrite in (sp.expand, lambda e: sp.expand(sp.powsimp(sp.powdenest(e, force=True), force=True))):
            if rewrite(difference) == 0:
                return True
        return False

    def ratio(self, other: Value) -> Fraction | None:
        """c when self == c * other for a constant c != 1 (both exact), else None."""
        if self.pair is None or other.pair is None:
            return None
        (n1, d1), (n2, d2) = self.pair, other.pair
        left, right = n1 * d2, n2 * d1
        if not left or not right:
            return None
        factor = left.LC / right.LC
        if factor == 1 or left != right * factor:
            return None
        return Fraction(int(factor.numerator), int(factor.denominator))


def size_of(pair: Pair, symbols: set[str]) -> Size:
    numerator, denominator = pair

    def degree(poly: PolyElement) -> int:
        return max((sum(monomial) for monomial in poly.itermonoms()), default=0)

    def bits(poly: PolyElement) -> int:
        return max(
            (int(c.numerator).bit_length() + int(c.denominator).bit_length() for c in poly.itercoeffs()), default=1
        )

    return Size(
        max(len(numerator), 1),
        degree(numerator),
        max(len(denominator), 1),
        degree(denominator),
        max(bits(numerator), bits(denominator)),
        frozenset(symbols),
    )


def _fraction(ground: PolyElement) -> Fraction:
    coefficient = ground.LC if ground else QQ(0)
    return Fraction(int(coefficient.numerator), int(coefficient.denominator))


def _real_power(base: Any, exponent: Fraction) -> Any:
    """base ** exponent over the reals; ValueError where it is not real (an even root of a negative)."""
    if base == 0 and exponent < 0:
        raise ZeroDivisionError
    if exponent.denominator == 1:
        return base ** int(exponent)
    if base < 0:
        if exponent.denominator % 2 == 0:
            raise ValueError("not real")
        magnitude = (-base) ** (mpmath.mpf(exponent.numerator) / exponent.denominator)
        return -magnitude if exponent.numerator % 2 else magnitude
    return base ** (mpmath.mpf(exponent.numerator) / exponent.denominator)


def _domain(domain: Any, symbols: Sequence[str]) -> dict[str, Intervals]:
    def interval(value: Any, field: str) -> Intervals:
        low, high = (key_fraction(v, field) for v in value)
        if not low < high:
            raise ValueError(f"{field}: empty interval")
        return ((low, high),)

    if domain is None:
        return {s: DEFAULT_DOMAIN for s in symbols}
    if isinstance(domain, Mapping):
        return {s: interval(domain[s], f"domain.{s}") if s in domain else DEFAULT_DOMAIN for s in symbols}
    return {s: interval(domain, "domain") for s in symbols}
