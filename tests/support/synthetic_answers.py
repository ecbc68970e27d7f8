"""Synthetic answers for tests and benchmarks: the key's expressions in many forms.

:func:`equivalent_forms` writes a polynomial answer the ways students do —
expanded with ``^`` or ``**``, terms reordered, Horner-factored in the first
symbol (``u3 + w(2 u2 + w(3 u1))``), light LaTeX, Unicode superscripts and
subscripts, over a common denominator, with a zero added. :func:`wrong_forms`
perturbs it (a coefficient, a term, an exponent) so that it is wrong.
``ascii`` marks forms that ``sympy.parse_expr`` with implicit multiplication
also reads (the benchmark's baseline).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver.engine.algebra import Space

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

Term = tuple[Fraction, tuple[tuple[str, int], ...]]  # coefficient, ((symbol, exponent), ...)


@dataclass(frozen=True)
class Form:
    style: str
    text: str
    ascii: bool  # plain syntax that sympy.parse_expr (implicit multiplication, ^ as power) reads too


def polynomial_terms(text: str, symbols: Sequence[str]) -> list[Term]:
    """The terms of a polynomial key text, in the ring's order."""
    space = Space(symbols)
    pair = space.read(text, trusted=True).pair
    if pair is None:
        raise ValueError("not a polynomial")
    numerator, denominator = pair
    if not denominator.is_ground:
        raise ValueError("not a polynomial")
    scale = Fraction(int(denominator.LC.numerator), int(denominator.LC.denominator))
    terms = []
    for monomial, coefficient in numerator.terms():
        factors = tuple((s, e) for s, e in zip(space.symbols, monomial, strict=False) if e)
        terms.append((Fraction(int(coefficient.numerator), int(coefficient.denominator)) / scale, factors))
    return terms


def _factor(symbol: str, exponent: int, style: str) -> str:
    if style == "latex":
        name = symbol[0] + (f"_{{{symbol[1:]}}}" if symbol[1:].isdigit() else symbol[1:])
        return name if exponent == 1 else f"{name}^{{{exponent}}}"
    if style == "unicode":
        name = symbol[0] + symbol[1:].translate(_SUBSCRIPTS) if symbol[1:].isdigit() else symbol
        return name if exponent == 1 else name + str(exponent).translate(_SUPERSCRIPTS)
    if style == "stars":
        return symbol if exponent == 1 else f"{symbol}**{exponent}"
    return symbol if exponent == 1 else f"{symbol}^{exponent}"


def _number(value: Fraction, style: str) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if style == "latex":
        return rf"\frac{{{value.numerator}}}{{{value.denominator}}}"
    return f"({value.numerator}/{value.denominator})"


def render(terms: Sequence[Term], style: str = "caret") -> str:
    """A sum of terms; ``style`` is caret, stars, latex or unicode."""
    times = {"stars": " * ", "latex": r" \cdot ", "unicode": "·"}.get(style, " ")
    minus = "−" if style == "unicode" else "-"
    pieces: list[str] = []
    for coefficient, factors in terms:
        magnitude = abs(coefficient)
        parts = [_factor(s, e, style) for s, e in factors]
        if magnitude != 1 or not parts:
            parts.insert(0, _number(magnitude, style))
        body = times.join(parts)
        if not pieces:
            pieces.append(f"{minus}{body}" if coefficient < 0 else body)
        else:
            pieces.append(f" {minus} {body}" if coefficient < 0 else f" + {body}")
    return "".join(pieces) or "0"


def horner(terms: Sequence[Term], variable: str) -> str | None:
    """``c0 + w(c1 + w(c2 + ...))`` in ``variable``; None when no term has it."""
    by_power: dict[int, list[Term]] = {}
    for coefficient, factors in terms:
        power = dict(factors).get(variable, 0)
        rest = tuple((s, e) for s, e in factors if s != variable)
        by_power.setdefault(power, []).append((coefficient, rest))
    if set(by_power) == {0}:
        return None
    text = ""
    for power in range(max(by_power), -1, -1):
        layer = render(by_power.get(power, []))
        layer = "" if layer == "0" else layer
        if text:
            text = f"{layer} + {variable}({text})" if layer else f"{variable}({text})"
        else:
            text = layer
    return text


def _raise_power(factors: tuple[tuple[str, int], ...], symbol: str, by: int) -> tuple[tuple[str, int], ...]:
    exponents = dict(factors)
    exponents[symbol] = exponents.get(symbol, 0) + by
    return tuple(sorted((s, e) for s, e in exponents.items() if e))


def equivalent_forms(text: str, symbols: Sequence[str]) -> list[Form]:
    """``text`` (a polynomial) written in many equivalent ways."""
    terms = polynomial_terms(text, symbols)
    main = symbols[0] if symbols else None
    forms = [
        Form("key text", text, True),
        Form("caret", render(terms), True),
        Form("reversed", render(terms[::-1]), True),
        Form("stars", render(terms, "stars"), True),
        Form("latex", render(terms, "latex"), False),
        Form("unicode", render(terms, "unicode"), False),
        Form("doubled over 2", f"({render([(2 * c, f) for c, f in terms])})/2", True),
        Form("zero added", f"(w + 1)^2 - w^2 - 2 w - 1 + {render(terms)}" if "w" in symbols else text, True),
    ]
    if main is not None:
        factored = horner(terms, main)
        if factored:
            forms.append(Form("horner", factored, True))
        shifted = [(c, _raise_power(f, main, 1)) for c, f in terms]
        forms.append(Form("over " + main, f"({render(shifted)})/{main}", True))
    return forms


def wrong_forms(text: str, symbols: Sequence[str], rng: random.Random) -> list[Form]:
    """Plausible wrong answers: one coefficient, term or exponent changed."""
    terms = polynomial_terms(text, symbols)
    forms = []
    index = rng.randrange(len(terms)) if terms else 0
    if terms:
        bumped = list(terms)
        coefficient, factors = bumped[index]
        bumped[index] = (coefficient + 1, factors)
        forms.append(Form("coefficient + 1", render(bumped), True))
    if len(terms) > 1:
        forms.append(Form("term dropped", render(terms[:index] + terms[index + 1 :]), True))
    if symbols:
        main = symbols[0]
        raised = [(c, _raise_power(f, main, int(i == index))) for i, (c, f) in enumerate(terms)]
        forms.append(Form(f"{main} exponent + 1", render(raised), True))
    forms.append(Form("one added", render(terms) + " + 1", True))
    return [form for form in forms if form.text != text]


def synthetic_answer(spec: Mapping[str, Any], rng: random.Random) -> tuple[Any, str]:
    """One answer to an ``expr``/``expr_list`` part and what it should get: correct, incorrect or invalid."""
    symbols = list(spec.get("symbols") or [])
    roll = rng.random()
    values = spec["value"] if isinstance(spec["value"], list) else [spec["value"]]
    if roll < 0.05:
        junk = rng.choice(["w +", "(w u1", "x + w", "9**9**9", "__import__('os')", "", "w^w"])
        return (junk if spec["kind"] == "expr" else [junk] * len(values)), "invalid"
    if roll < 0.15 and spec.get("mistakes"):
        return rng.choice(spec["mistakes"])["value"], "incorrect"
    wrong = roll < 0.35
    answers = []
    for position, value in enumerate(values):
        pool = wrong_forms(value, symbols, rng) if wrong and position == 0 else equivalent_forms(value, symbols)
        answers.append(rng.choice(pool).text)
    answer = answers[0] if spec["kind"] == "expr" else answers
    return answer, "incorrect" if wrong else "correct"
