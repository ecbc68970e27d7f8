"""Measured numbers as Python and NumPy print them, read exactly (no float round trip, no eval).

Accepted: a YAML/JSON number or list (nested for a matrix); text holding one
number (``0.12875871076997433``, ``2e-3``, ``-3.2E-05``) or many, separated by
commas, spaces or line breaks, with or without brackets: ``print(h)`` of a 1-D
or 2-D array (``[ 0.128 -0.335]``, ``[[0.1 0.2]\\n [0.3 0.4]]``), ``repr``
(``array([[0.1, 0.2], [0.3, 0.4]])``) and ``print(h.tolist())``. ``nan`` and
``inf`` are refused with their own message. Every limit (text length, entries,
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

from .answers import MAX_ENTRIES, describe_type
from .limits import AnswerError

MAX_TEXT = 100_000  # characters of printed numbers (1,000 float64 reprs with spaces fit)
MAX_NUMBER_LENGTH = 40  # characters of one number: a float64 repr needs at most 24
MAX_MAGNITUDE = 400  # |decimal exponent|: float64 ends near 1e308
MAX_DEPTH = 2  # a matrix at most

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.I)
_WRAPPER = re.compile(r"^\s*(?:np\.|numpy\.)?(?:array|tensor)\s*\((.*)\)\s*$", re.S)
_DTYPE = re.compile(r",\s*(?:dtype|device|requires_grad)\s*=.*$", re.S)
_TOKEN = re.compile(r"\[|\]|[^\s,\[\]]+")


@dataclass(frozen=True)
class Printed:
    """Numbers in row-major order and the shape they were given in: (n,) or (rows, columns)."""

    values: tuple[Fraction, ...]
    shape: tuple[int, ...]


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
    """Numbers given as a YAML value or as printed text, with the shape they were given in."""
    if isinstance(raw, str):
        return _from_text(raw)
    if isinstance(raw, (list, tuple)):
        return _from_nested(list(raw))
    return Printed((number(raw),), ())


def _from_nested(rows: list) -> Printed:
    if not rows:
        raise AnswerError("empty answer")
    if all(isinstance(row, (list, tuple)) for row in rows):
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            raise AnswerError("rows of different lengths")
        if sum(len(row) for row in rows) > MAX_ENTRIES:
            raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
        values = [_entry(value, r, c) for r, row in enumerate(rows) for c, value in enumerate(row)]
        return Printed(tuple(values), (len(rows), widths.pop()))
    if len(rows) > MAX_ENTRIES:
        raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
    return Printed(tuple(_entry(value, i, None) for i, value in enumerate(rows)), (len(rows),))


def _entry(value: Any, index: int, column: int | None) -> Fraction:
    try:
        return number(value)
    except AnswerError as error:
        where = f"entry {index + 1}" if column is None else f"row {index + 1}, column {column + 1}"
        raise AnswerError(f"{where}: {error}") from None


def _from_text(text: str) -> Printed:
    if len(text) > MAX_TEXT:
        raise AnswerError(f"answer is {len(text):,} characters long; the limit is {MAX_TEXT:,}")
    text = text.replace("\u2212", "-").strip()
    if wrapped := _WRAPPER.match(text):
        text = _DTYPE.sub("", wrapped.group(1)).strip()
    root: list = []
    stack = [root]
    count = 0
    for token in _TOKEN.findall(text):
        if token == "[":
            if len(stack) > MAX_DEPTH:
                raise AnswerError(f"brackets are nested deeper than {MAX_DEPTH}: give a vector or a matrix")
            inner: list = []
            stack[-1].append(inner)
            stack.append(inner)
        elif token == "]":
            if len(stack) == 1:
                raise AnswerError("unexpected ']'")
            stack.pop()
        else:
            count += 1
            if count > MAX_ENTRIES:
                raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
            stack[-1].append(token)
    if len(stack) > 1:
        raise AnswerError("'[' is never closed")
    if len(root) == 1 and isinstance(root[0], list):
        root = root[0]  # the outer brackets of a print
    elif not any(isinstance(item, list) for item in root):
        lines = [line.replace(",", " ").split() for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and len({len(line) for line in lines}) == 1 and len(lines[0]) > 1:
            root = lines  # one row per line, without brackets
        elif len(root) == 1:
            return Printed((number(root[0]),), ())
    return _from_nested(root)
