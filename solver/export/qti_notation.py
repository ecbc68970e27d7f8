"""The texts a Canvas blank accepts for one key entry, each one hw6's own grader accepts too.

Canvas compares a fill-in-the-blank answer as text (trimmed, case folded), never as a number,
so each blank lists the ways of writing the key's value a student is told to use: a measured
number with up to the key's significant digits (plain or with an exponent, with or without a
leading ``+``) and an exact number as an integer, a fraction or a terminating decimal. Every
candidate is graded by hw6 before it is listed (:func:`accepted_by_hw6`), so Canvas never
accepts a text hw6 would reject.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..engine.kinds import compile_part
from ..engine.verdicts import CORRECT


def _signed(body: str, negative: bool) -> list[str]:
    return [f"-{body}"] if negative else [body, f"+{body}"]


def measured_notations(text: str, digits: int) -> list[str]:
    """``text`` (a key value such as ``-0.029991``) written with up to ``digits`` significant digits."""
    value = Decimal(text)
    if value == 0:
        return ["0", "0.0", "-0", "+0"]
    negative, magnitude = value < 0, abs(value)
    exponent = magnitude.adjusted()
    stated = len(magnitude.normalize().as_tuple().digits)
    forms: list[str] = []
    for count in range(stated, max(digits, stated) + 1):
        plain = format(magnitude.quantize(Decimal(1).scaleb(min(exponent - count + 1, 0))), "f")
        mantissa = format(magnitude.scaleb(-exponent).quantize(Decimal(1).scaleb(1 - count)), "f")
        bodies = [plain, f"{mantissa}e{exponent:+03d}", f"{mantissa}e{exponent:+d}", f"{mantissa}e{exponent}"]
        for body in bodies:
            forms += _signed(body, negative)
    return list(dict.fromkeys(forms))


def exact_notations(value: Any) -> list[str]:
    """An exact key entry (``2``, ``"-0.25"``, ``"1/3"``) as an integer, fraction or decimal."""
    number = Fraction(str(value))
    negative, magnitude = number < 0, abs(number)
    bodies = []
    if magnitude.denominator == 1:
        bodies += [str(magnitude.numerator), f"{magnitude.numerator}.0"]
    else:
        bodies.append(f"{magnitude.numerator}/{magnitude.denominator}")
        decimal = Decimal(magnitude.numerator) / Decimal(magnitude.denominator)
        if Fraction(decimal) == magnitude:  # terminating: also as a decimal
            bodies.append(format(decimal.normalize(), "f"))
    forms = [form for body in bodies for form in _signed(body, negative)]
    if number == 0:
        forms += ["-0", "+0"]
    return list(dict.fromkeys(forms))


def accepted_by_hw6(
    part_id: str, spec: dict[str, Any], entries: Sequence[str], index: int, candidates: Sequence[str]
) -> list[str]:
    """The candidates for entry ``index`` that hw6 grades correct with every other entry the key's."""
    grader = compile_part(part_id, spec)
    shape: Callable[[list[str]], Any] = _shaper(spec)
    kept = []
    for candidate in candidates:
        answer = list(entries)
        answer[index] = candidate
        if grader.grade(shape(answer)).status == CORRECT:
            kept.append(candidate)
    return kept


def _shaper(spec: dict[str, Any]) -> Callable[[list[str]], Any]:
    """How a flat list of blank texts becomes the answer hw6 reads (a matrix's rows for a matrix)."""
    value = spec["value"]
    if spec.get("kind") == "matrix" and value and isinstance(value[0], list):
        columns = len(value[0])
        return lambda flat: [flat[i : i + columns] for i in range(0, len(flat), columns)]
    return lambda flat: flat
