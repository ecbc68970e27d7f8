"""The exact engine of Problem 1: polynomials in w whose terms carry at most one input u_j.

Every value in the unrolled graph has that form, so :class:`LinearPoly` keeps it as a map
``(j, k) -> coefficient`` for ``coefficient * u_j * w**k`` (j = 0: no u) and prints it without
SymPy, whose printers need seconds for one 1,000-term sum.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy as sp

W = sp.Symbol("w")


class LinearPoly:
    """A polynomial sum of ``c * u_j * w**k`` with integer c (u_0 = 1).

    Only what the problem needs: sums, products with u-free polynomials,
    d/dw and conversion to SymPy. Instances are immutable.
    """

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[tuple[int, int], int] | None = None):
        self.terms: dict[tuple[int, int], int] = {key: c for key, c in (terms or {}).items() if c}

    @classmethod
    def u(cls, j: int) -> LinearPoly:
        return cls({(j, 0): 1})

    @classmethod
    def w_power(cls, k: int) -> LinearPoly:
        return cls({(0, k): 1})

    def __add__(self, other: LinearPoly) -> LinearPoly:
        terms = dict(self.terms)
        for key, c in other.terms.items():
            terms[key] = terms.get(key, 0) + c
        return LinearPoly(terms)

    def __mul__(self, other: LinearPoly) -> LinearPoly:
        if other.has_u and self.has_u:
            raise ValueError("a product of two u-dependent values leaves the linear-in-u class")
        terms: dict[tuple[int, int], int] = {}
        for (j1, k1), c1 in self.terms.items():
            for (j2, k2), c2 in other.terms.items():
                key = (j1 + j2, k1 + k2)  # at most one of j1, j2 is non-zero
                terms[key] = terms.get(key, 0) + c1 * c2
        return LinearPoly(terms)

    def times_w(self) -> LinearPoly:
        return LinearPoly({(j, k + 1): c for (j, k), c in self.terms.items()})

    def diff_w(self) -> LinearPoly:
        return LinearPoly({(j, k - 1): c * k for (j, k), c in self.terms.items() if k})

    @property
    def has_u(self) -> bool:
        return any(j for j, _ in self.terms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinearPoly) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    def __repr__(self) -> str:
        return f"LinearPoly({self.terms!r})"

    def evaluate(self, w: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Value at float draws: w of shape (n,), u of shape (n, T); returns (n,)."""
        if not self.terms:
            return np.zeros_like(w)
        keys = np.array(list(self.terms), dtype=np.int64)  # (m, 2)
        coefficients = np.array(list(self.terms.values()), dtype=np.float64)  # (m,)
        with_one = np.concatenate([np.ones((u.shape[0], 1)), u], axis=1)  # (n, T + 1)
        factors = with_one[:, keys[:, 0]] * w[:, None] ** keys[:, 1]  # (n, m)
        return factors @ coefficients  # (n,)

    def to_expr(self, u_symbols: tuple[sp.Symbol, ...]) -> sp.Expr:
        one_and_u = (sp.Integer(1),) + u_symbols
        return sp.Add(*(c * one_and_u[j] * W**k for (j, k), c in self.terms.items()))

    # SymPy's printers take seconds for one 1,000-term sum; these print the same text
    # directly (tests compare them with str() and latex() of to_expr()).

    def ordered(self, natural: bool = False) -> list[tuple[int, int, int]]:
        """Terms (j, k, c) in SymPy's print order: lex over generators sorted by name
        (u1 < u10 < u2 < ... < w), highest first, so u-free terms come last.
        ``natural`` orders the inputs by index instead (u1, u2, ..., u10), for readers."""
        return sorted(
            ((j, k, c) for (j, k), c in self.terms.items()),
            key=lambda t: (t[0] == 0, t[0] if natural else (f"u{t[0]}" if t[0] else ""), -t[1]),
        )

    def to_str(self) -> str:
        """``str(self.to_expr(...))``, fast when every coefficient is positive (all of Problem 1)."""
        if any(c < 0 for c in self.terms.values()):
            return str(self.to_expr(_u_symbols(self)))
        return _join_terms([_term_str(j, k, c) for j, k, c in self.ordered()])

    def to_latex(self, head: int | None = None, tail: int = 2, natural: bool = False) -> str:
        """LaTeX like ``sympy.latex``; with ``head``, long sums keep head + tail terms around
        \\dots; ``natural`` orders terms by input index (see :meth:`ordered`)."""
        if any(c < 0 for c in self.terms.values()):
            return sp.latex(self.to_expr(_u_symbols(self)))
        terms = [_term_latex(j, k, c) for j, k, c in self.ordered(natural)]
        if head is not None and len(terms) > head + tail + 1:
            terms = terms[:head] + [r"\dots"] + terms[-tail:]
        return _join_terms(terms)


def _u_symbols(poly: LinearPoly) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"u{i}") for i in range(1, max((j for j, _ in poly.terms), default=0) + 1))


def _term_str(j: int, k: int, c: int) -> str:
    factors = ([f"u{j}"] if j else []) + ([f"w**{k}" if k > 1 else "w"] if k else [])
    if not factors:
        return str(c)
    magnitude = "*".join(factors)
    if abs(c) != 1:
        magnitude = f"{abs(c)}*{magnitude}"
    return f"-{magnitude}" if c < 0 else magnitude


def _term_latex(j: int, k: int, c: int) -> str:
    factors = ([f"u_{{{j}}}"] if j else []) + ([f"w^{{{k}}}" if k > 1 else "w"] if k else [])
    if not factors:
        return str(c)
    magnitude = " ".join(factors)
    if abs(c) != 1:
        magnitude = f"{abs(c)} {magnitude}"
    return f"- {magnitude}" if c < 0 else magnitude


def _join_terms(terms: list[str]) -> str:
    if not terms:
        return "0"
    text = terms[0]
    for term in terms[1:]:
        text += f" - {term.lstrip('- ')}" if term.startswith("-") else f" + {term}"
    return text
