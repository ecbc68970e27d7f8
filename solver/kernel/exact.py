"""Exact numbers read from untrusted input, and their canonical text forms.

Input numbers may be integers, decimals (``0.5``, ``"-0.36"``) or fractions
(``"1/3"``). Decimals are read as the exact decimal written, never through a
binary float: ``"0.1"`` is ``1/10``. Nothing here calls ``eval`` or ``sympify``.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import sympy as sp

from .errors import ParamsError

NUMBER_TEXT = "a number (integer, decimal such as 0.5, or fraction such as 1/3)"

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)")
_MAX_TEXT = 200
_MAX_EXPONENT = 1000  # 1e1000 is plenty; 1e999999999 would take minutes to expand


def to_rational(value: Any, field: str) -> sp.Rational:
    """Read ``value`` as an exact SymPy Rational or raise ParamsError for ``field``."""
    if isinstance(value, sp.Rational):
        return value
    if isinstance(value, bool) or value is None:
        raise ParamsError(field, NUMBER_TEXT, value, has_got=True)
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParamsError(field, "a finite number", value)
        # repr gives the shortest decimal that reads back as this float: what was written.
        return _from_decimal(Decimal(repr(value)), field, value)
    if isinstance(value, Decimal):
        return _from_decimal(value, field, value)
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if len(text) > _MAX_TEXT:
            raise ParamsError(field, f"{NUMBER_TEXT} of at most {_MAX_TEXT} characters", value)
        if _DECIMAL.fullmatch(text):
            return _from_decimal(Decimal(text), field, value)
        match = _FRACTION.fullmatch(text)
        if match:
            numerator, denominator = int(match[1]), int(match[2])
            if denominator == 0:
                raise ParamsError(field, "a fraction with a non-zero denominator", value)
            return sp.Rational(numerator, denominator)
    raise ParamsError(field, NUMBER_TEXT, value, has_got=True)


def _from_decimal(number: Decimal, field: str, original: Any) -> sp.Rational:
    if not number.is_finite():
        raise ParamsError(field, "a finite number", original)
    try:
        exponent = number.as_tuple().exponent
        if abs(int(exponent)) > _MAX_EXPONENT or number.adjusted() > _MAX_EXPONENT:
            raise ParamsError(field, f"a number with at most {_MAX_EXPONENT} digits", original)
        fraction = Fraction(number)
    except (InvalidOperation, OverflowError) as exc:  # pragma: no cover - guarded above
        raise ParamsError(field, NUMBER_TEXT, original) from exc
    return sp.Rational(fraction.numerator, fraction.denominator)


def to_integer(value: Any, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Read ``value`` as a Python int in [minimum, maximum]; ``3.0`` and ``"3"`` are not integers."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamsError(field, range_text("an integer", minimum, maximum), value, has_got=True)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ParamsError(field, range_text("an integer", minimum, maximum), value, has_got=True)
    return value


def range_text(what: str, minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{what} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{what} >= {minimum}"
    if maximum is not None:
        return f"{what} <= {maximum}"
    return what


def is_terminating(value: sp.Rational) -> bool:
    """Whether ``value`` has a finite decimal expansion (denominator 2^a 5^b)."""
    q = int(value.q)
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    return q == 1


def exact_text(value: sp.Rational) -> str:
    """Canonical text of an exact number: ``"3"``, ``"-0.36"`` or ``"1/3"``."""
    value = sp.Rational(value)
    if value.q == 1:
        return str(int(value.p))
    if not is_terminating(value):
        return f"{int(value.p)}/{int(value.q)}"
    q = int(value.q)
    digits = 0
    while q != 1 and 10**digits % q:
        digits += 1
    scaled = abs(int(value.p)) * (10**digits // q)
    whole, frac = divmod(scaled, 10**digits)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{str(frac).rjust(digits, '0').rstrip('0')}"


def exact_json(value: sp.Rational) -> int | str:
    """JSON form of an exact number: an int when integral, else its exact text."""
    value = sp.Rational(value)
    return int(value.p) if value.q == 1 else exact_text(value)
