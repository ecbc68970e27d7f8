"""A student's answer value (text, or what YAML/JSON made of it) read into the shape a kind expects.

Scalars become text for the parser, lists and matrices become lists of
entries; the key's own numbers (tolerances, domains) are read exactly here
too. Nothing here evaluates anything: a value that does not fit is an
:class:`AnswerError` saying what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .limits import AnswerError

MAX_ENTRIES = 1_000  # of a list answer


def describe_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "nothing"
    return type(value).__name__


def scalar_text(value: Any, what: str = "an expression as text") -> str:
    """A scalar answer as text: strings as they are, YAML numbers in exact decimal form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, (Mapping, list, tuple)) or value is None:
        raise AnswerError(f"expected {what}, got {describe_type(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 12:
            raise AnswerError(f"the number {value} is out of range")
        return format(value, "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AnswerError(f"expected a finite number, got {value}")
        return repr(value)
    if isinstance(value, Fraction):
        return str(value)
    raise AnswerError(f"expected {what}, got {describe_type(value)}")


_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def split_top_level(text: str) -> list[str]:
    """``"[a, f(b, c)]"`` -> ``["a", "f(b, c)"]``: commas outside brackets separate entries."""
    text = text.strip()
    if len(text) >= 2 and text[0] in "[(" and _closing(text, 0) == len(text) - 1:
        text = text[1:-1]
    return [e.strip() for e in split_outside_brackets(text, ",")] if text.strip() else []


def split_outside_brackets(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` that stands outside (), [] and {}; the pieces as they are."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == separator and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _BRACKETS:
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return -1


_LATEX_MATRIX = re.compile(r"^\s*\\begin\{([pbvBV]?matrix)\}(.*)\\end\{\1\}\s*$", re.S)


def as_list(value: Any, what: str = "a list") -> list:
    if isinstance(value, (list, tuple)):
        entries = list(value)
    elif isinstance(value, str):
        entries = split_top_level(value)
    else:
        raise AnswerError(f"expected {what}, got {describe_type(value)}")
    if not entries:
        raise AnswerError("empty answer")
    if len(entries) > MAX_ENTRIES:
        raise AnswerError(f"more than {MAX_ENTRIES:,} entries")
    return entries


def as_matrix(value: Any) -> list[list]:
    """A list of rows: YAML lists, ``"[[1, 2], [3, 4]]"`` or a LaTeX matrix."""
    if isinstance(value, str) and (match := _LATEX_MATRIX.match(value)):
        rows = [row for row in re.split(r"\\\\", match.group(2)) if row.strip()]
        return [[cell.strip() for cell in row.split("&")] for row in rows]
    rows = as_list(value, "a list of rows")
    return [as_list(row, f"row {i + 1} as a list") for i, row in enumerate(rows)]


def prefixed(prefix: str, error: AnswerError) -> AnswerError:
    return AnswerError(f"{prefix}: {error}")


def looks_numeric(text: str) -> bool:
    return bool(re.search(r"[\d(\[]", text))


def word(text: str) -> str:
    """A one-word answer ("none", "no solution") in the form words are compared in."""
    return " ".join(text.lower().strip().rstrip(".").split())


# --------------------------------------------------------------------------- the key's own numbers

_KEY_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_KEY_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)")
_KEY_EXPONENT = 1000


def key_fraction(value: Any, field: str) -> Fraction:
    """A number of the key (tolerance, domain bound) read exactly, else ValueError naming ``field``."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{field}: expected a number, got {describe_type(value)}")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{field}: expected a finite number")
        value = Decimal(repr(value))  # the shortest decimal that reads back as this float
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if len(text) <= 200 and (match := _KEY_FRACTION.fullmatch(text)):
            if int(match[2]) == 0:
                raise ValueError(f"{field}: a fraction with a zero denominator")
            return Fraction(int(match[1]), int(match[2]))
        if len(text) > 200 or not _KEY_DECIMAL.fullmatch(text):
            raise ValueError(f"{field}: expected a number, got {text[:40]!r}")
        value = Decimal(text)
    if isinstance(value, Decimal):
        try:
            if not value.is_finite() or abs(int(value.as_tuple().exponent)) > _KEY_EXPONENT:
                raise ValueError(f"{field}: expected a finite number of at most {_KEY_EXPONENT} digits")
            return Fraction(value)
        except (InvalidOperation, OverflowError):
            raise ValueError(f"{field}: expected a finite number") from None
    raise ValueError(f"{field}: expected a number, got {describe_type(value)}")
