"""Measured numbers as Python and NumPy print them, read exactly (no float round trip, no eval).

The forms an array may be pasted in are :mod:`.grid`'s (NumPy and torch prints,
LaTeX, MATLAB, labelled output lines, YAML lists); each entry is then one number
(``0.12875871076997433``, ``2e-3``, ``-3.2E-05``). ``nan`` and ``inf`` are refused
with their own message. Every limit (text length, entries,
the length of one number, its exponent) is checked before a number is built.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .answers import describe_type
from .grid import MAX_TEXT, Grid, read_grid

__all__ = ["MAX_TEXT", "Printed", "number", "read_printed"]
from .limits import AnswerError

MAX_NUMBER_LENGTH = 40  # characters of one number: a float64 repr needs at most 24
MAX_MAGNITUDE = 400  # |decimal exponent|: float64 ends near 1e308

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.I)


@dataclass(frozen=True)
class Printed:
    """Numbers in row-major order and the shape they were given in: (n,) or (rows, columns)."""

    values: tuple[Fraction, ...]
    shape: tuple[int, ...]
    stated: tuple[tuple[int, Fraction], ...] = ()  # per value: significant digits, unit of the last one


def number(raw: Any) -> Fraction:
    """One finite number, exactly as written or printed."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, (Mapping, list, tuple)):
        raise AnswerError(f"expected a number, got {describe_type(raw)}")
    if isinstance(raw, int):
        if raw.bit_length() > 4 * MAX_MAGNITUDE:
            raise AnswerError("the number is too large")
        return Fraction(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise AnswerError(f"{raw} is not a finite number")
        return Fraction(Decimal(repr(raw)))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise AnswerError(f"{raw} is not a finite number")
        raw = format(raw, "E")
    if isinstance(raw, Fraction):
        return raw
    if not isinstance(raw, str):
        raise AnswerError(f"expected a number, got {describe_type(raw)}")
    return _number_text(raw.strip().replace("\u2212", "-"))


def _number_text(text: str) -> Fraction:
    shown = text[:20] + ("…" if len(text) > 20 else "")
    if len(text) > MAX_NUMBER_LENGTH:
        raise AnswerError(f"the number {shown} is longer than {MAX_NUMBER_LENGTH} characters")
    if _NOT_FINITE.fullmatch(text):
        raise AnswerError(f"{text} is not a finite number: give the value itself")
    if not _NUMBER.fullmatch(text):
        raise AnswerError(f"cannot read {shown!r} as a number")
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_MAGNITUDE:  # at most 40 characters: int() is cheap
        raise AnswerError(f"the number {shown} is out of range")
    return Fraction(Decimal(text))


def read_printed(raw: Any) -> Printed:
    """Numbers given as a YAML value or as printed text (any form :mod:`.grid` reads), with the
    shape they were given in (leading singleton dimensions beyond two dropped)."""
    grid = read_grid(raw)
    values = tuple(_entry(value, index, grid) for index, value in enumerate(grid.entries))
    return Printed(values, grid.squeezed(), tuple(stated_precision(value) for value in grid.entries))


def stated_precision(raw: Any) -> tuple[int, Fraction]:
    """The significant digits a number states and the unit of its last digit, as written:
    ``0.4788`` states 4 (unit 0.0001), ``4.7880e-01`` 5, ``12`` 2 (unit 1). Call after :func:`number`."""
    if isinstance(raw, str):
        decimal = Decimal(raw.strip().replace("\u2212", "-"))
    elif isinstance(raw, float):
        decimal = Decimal(repr(raw))
    elif isinstance(raw, (int, Decimal)):
        decimal = Decimal(raw)
    else:  # a Fraction: exact, as many digits as asked
        return MAX_NUMBER_LENGTH, Fraction(0)
    sign, digits, exponent = decimal.as_tuple()
    if not isinstance(exponent, int):
        return 0, Fraction(0)
    significant = len(digits) if any(digits) else 1
    return significant, Fraction(10) ** exponent


def _entry(value: Any, index: int, grid: Grid) -> Fraction:
    try:
        return number(value)
    except AnswerError as error:
        shape = grid.squeezed()
        if len(shape) == 2:
            where = f"row {index // shape[1] + 1}, column {index % shape[1] + 1}"
        else:
            where = f"entry {index + 1}"
        raise AnswerError(f"{where}: {error}" if len(grid.entries) > 1 else str(error)) from None
