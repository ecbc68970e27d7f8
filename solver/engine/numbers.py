"""The grader of ``numbers``: measured values, right within a tolerance the feedback states.

``tolerance`` (absolute) or ``rtol`` (relative) may be given in the key; by
default a value may differ by half a unit in the last significant digit, the
key's ``digits`` extra when it states one, else the most the key prints
(0.168381: within 5e-07), which is what "agree to the significant digits the
key prints" means. Answers are read as Python and NumPy print them (see
:mod:`.printed`). With a ``shape`` of rows × columns (3a's hidden states), the
matrix and its row-major flat list are both accepted. With a ``below`` extra
(one bound per entry) the values are the student's own measurements: each is
right when it is at least 0 and below its bound. A ``mistakes`` list (values of
the key's shape, each with its feedback) names what a wrong answer equal to one
of them got wrong, compared as the key is.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from .answers import scalar_text
from .feedback import compile_mistakes, entries_text, find_mistake, join, list_text, listing
from .graders import Grader, tolerance_rule
from .keyspec import PartSpec
from .limits import AnswerError
from .printed import Printed, number, read_printed
from .verdicts import TOLERANCE, Verdict, correct, incorrect


class NumbersGrader(Grader):
    def __init__(self, part_id: str, spec: PartSpec):
        super().__init__(part_id, spec)
        value = spec["value"]
        self.scalar = not isinstance(value, (list, tuple))
        texts = [scalar_text(v, "a number") for v in ([value] if self.scalar else value)]
        self.key = [number(text) for text in texts]
        rule = tolerance_rule(spec, half=True)
        self.tolerances = [rule(v, text) for v, text in zip(self.key, texts, strict=True)]
        self.digits = max(_significant(text) for text in texts)
        stated = spec.get("digits")  # the key states the significant digits it was rounded to
        if stated is not None:
            if isinstance(stated, bool) or not isinstance(stated, int) or not 1 <= stated <= 17:
                raise ValueError(f"digits: expected an integer from 1 to 17, got {stated!r}")
            if self.digits > stated:
                raise ValueError(f"digits: the key states {stated} but prints {self.digits}")
            self.digits = stated
        if "tolerance" not in spec and "rtol" not in spec:
            # The key prints every value to the same significant digits (%.6g drops trailing zeros).
            self.tolerances = [_half_unit(v, self.digits) or t for v, t in zip(self.key, self.tolerances, strict=True)]
        shape = spec.get("shape")
        self.shape = tuple(int(n) for n in shape) if isinstance(shape, (list, tuple)) and shape else None
        if self.shape is not None and _product(self.shape) != len(self.key):
            raise ValueError(f"shape {list(self.shape)} does not hold {len(self.key)} values")
        exact = spec.get("exact")  # the values to more digits than the key prints
        self.exact = self.key if exact is None else [number(v) for v in (exact if isinstance(exact, list) else [exact])]
        if len(self.exact) != len(self.key):
            raise ValueError(f"exact: {len(self.exact)} values for {len(self.key)}")
        self.min_digits = _min_digits(spec.get("min_digits"))
        # What a platform's numeric box (one centre, one tolerance) can do: centred on the exact
        # value, as wide as one unit of the asked digits' last (it cannot count stated digits).
        self.centres, self.box_tolerances = list(self.key), list(self.tolerances)
        if self.min_digits is not None:
            self.centres = list(self.exact)
            self.box_tolerances = [
                _without_short_numbers(v, 2 * (_half_unit(v, self.min_digits) or Fraction(0)), self.min_digits)
                for v in self.exact
            ]
        below = spec.get("below")
        self.bounds = None if below is None else [number(b) for b in (below if isinstance(below, list) else [below])]
        self.mistakes = compile_mistakes(
            spec,
            lambda value: [number(scalar_text(v, "a number")) for v in (value if isinstance(value, list) else [value])],
        )

    def stated(self) -> str:
        """The tolerance in words, as the feedback and the key state it."""
        if self.bounds is not None:
            return "each value must be at least 0 and below its target"
        if self.min_digits is not None:
            return precision_rule(self.min_digits)
        if "tolerance" in self.spec or "rtol" in self.spec or len(set(self.tolerances)) == 1:
            shown = f"{float(self.tolerances[0]):g}" if "rtol" not in self.spec else f"{self.spec['rtol']} relative"
            within = f"within {shown}" + ("" if self.scalar else " each")
            return within + (f" (the key's {self.digits} significant digits)" if "digits" in self.spec else "")
        return f"to {self.digits} significant digits"

    def expects(self) -> str:
        text = "a number" if self.scalar else list_text(len(self.key), "number", "numbers")
        order: Any = self.spec.get("order") or self.spec.get("labels")
        if isinstance(order, list):
            text += ": " + ", ".join(str(o) for o in order)
        elif isinstance(order, str):
            text += f" ({order})"
        if self.spec.get("below") is not None:
            text += "; your own measured values"
        if self.min_digits is not None:
            text += f"; at least {self.min_digits} significant digits each"
        return text

    def check_format(self, answer: Any) -> None:
        given = read_printed(answer)
        if self.flat(given) is None:
            raise AnswerError(f"expected {self.expected_shape()}, got {self.got(given)}")

    def expected_shape(self) -> str:
        if self.scalar:
            return "one number"
        if self.shape is not None and len(self.shape) == 2:
            rows, columns = self.shape
            return f"{rows} × {columns} or {rows * columns} numbers"
        return f"{len(self.key)} numbers"

    def flat(self, given: Printed) -> list[Fraction] | None:
        """The values in the key's order, or None when the shape fits no reading with certainty.

        A row or a column of the right length is a vector; a matrix must have the key's rows and
        columns (its transpose, or another grouping, leaves the order unclear)."""
        values = list(given.values)
        if self.scalar:
            return values if len(values) == 1 else None
        if len(values) != len(self.key):
            return None
        if len(given.shape) <= 1 or (len(given.shape) == 2 and 1 in given.shape):
            return values
        if len(given.shape) == 2 and self.shape is not None and tuple(given.shape) == self.shape:
            return values
        return None

    def got(self, given: Printed) -> str:
        if len(given.shape) >= 2:
            return "×".join(map(str, given.shape))
        return f"{len(given.values)} number" + ("" if len(given.values) == 1 else "s")

    def check(self, answer: Any) -> Verdict:
        given = read_printed(answer)
        student = self.flat(given)
        if student is None:
            return incorrect(f"expected {self.expected_shape()}, got {self.got(given)}", method=TOLERANCE)
        short: list[int] = []
        if self.bounds is not None:
            wrong = [i for i, (s, bound) in enumerate(zip(student, self.bounds, strict=False)) if not 0 <= s < bound]
        elif self.min_digits is not None:
            stated = given.stated or tuple((MAX_DIGITS, Fraction(0)) for _ in student)
            places = Fraction(1, 10**self.min_digits)  # torch prints 4 decimal places: 0.0898 is enough
            short = [i for i, (digits, unit) in enumerate(stated) if digits < self.min_digits and unit > places]
            wrong = [
                i
                for i, (s, k, (_, unit)) in enumerate(zip(student, self.exact, stated, strict=True))
                if i in short or abs(s - k) > max(unit, abs(k) * RELATIVE)
            ]
        else:
            wrong = [
                i for i, (s, k, t) in enumerate(zip(student, self.key, self.tolerances, strict=True)) if abs(s - k) > t
            ]
        if not wrong:
            return correct(method=TOLERANCE)
        mistake = find_mistake(self.mistakes, lambda value: self._same(student, given, value))
        if mistake is not None:
            return incorrect(mistake, Fraction(len(student) - len(wrong), len(student)), TOLERANCE)
        credit = Fraction(len(student) - len(wrong), len(student))
        if short:
            asked = f"at least {self.min_digits} significant digits (or {self.min_digits} decimal places) are asked"
            if self.scalar:
                return incorrect(f"{asked}; this value gives fewer", method=TOLERANCE)
            numbers = [str(i + 1) for i in short]
            few = f"entry {numbers[0]} gives fewer" if len(short) == 1 else f"entries {listing(numbers)} give fewer"
            others = [i for i in wrong if i not in short]
            return incorrect(join(f"{asked}: {few}", entries_text(others) if others else None), credit, TOLERANCE)
        if self.scalar:
            what = "not below the target" if self.bounds is not None else "not the expected value"
            return incorrect(f"{what} ({self.stated()})", method=TOLERANCE)
        rule = self.stated() if self.bounds is not None else f"values are compared {self.stated()}"
        return incorrect(join(entries_text(wrong), rule), credit, TOLERANCE)

    def _same(self, student: list[Fraction], given: Printed, target: list[Fraction]) -> bool:
        """The answer equals a modelled mistake, by the rule that compares it with the key (a value
        stated with fewer digits than asked, such as ReLU's 0, must equal it to one part in a million)."""
        if len(target) != len(student):
            return False
        if self.min_digits is None:
            return all(abs(s - m) <= t for s, m, t in zip(student, target, self.tolerances, strict=True))
        stated = given.stated or tuple((MAX_DIGITS, Fraction(0)) for _ in student)
        places = Fraction(1, 10**self.min_digits)
        return all(
            abs(s - m)
            <= (abs(m) * RELATIVE if digits < self.min_digits and unit > places else max(unit, abs(m) * RELATIVE))
            for s, m, (digits, unit) in zip(student, target, stated, strict=True)
        )


RELATIVE = Fraction(1, 10**6)  # single-precision rounding: a float32 result printed in full is right
MAX_DIGITS = 40


def precision_rule(digits: int) -> str:
    """The rule in words (the sheet, the feedback and the exports' help text say the same)."""
    return (
        f"to at least {digits} significant digits (or {digits} decimal places), each value within one unit of its "
        "last digit (or one part in a million) of the exact value"
    )


def _min_digits(raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 17:
        raise ValueError(f"min_digits: expected an integer from 1 to 17, got {raw!r}")
    return raw


def _significant(text: str) -> int:
    mantissa = re.sub(r"[eE].*$", "", text.strip().lstrip("+-"))
    digits = mantissa.replace(".", "").lstrip("0")
    return max(len(digits), 1)


def _half_unit(value: Fraction, digits: int) -> Fraction | None:
    """Half a unit in the ``digits``-th significant digit of ``value`` (None for 0)."""
    if value == 0:
        return None
    magnitude, exponent = abs(value), 0
    while magnitude >= 10:
        magnitude, exponent = magnitude / 10, exponent + 1
    while magnitude < 1:
        magnitude, exponent = magnitude * 10, exponent - 1
    return Fraction(1, 2) * Fraction(10) ** (exponent - digits + 1)


def _short(value: Fraction, min_digits: int) -> bool:
    """hw6 rejects ``value`` typed as its shortest decimal: fewer digits than asked, in both counts."""
    if value == 0:
        return False
    stated = Decimal(value.numerator) / Decimal(value.denominator)
    digits, exponent = len(stated.normalize().as_tuple().digits), stated.normalize().as_tuple().exponent
    return digits < min_digits and isinstance(exponent, int) and Fraction(10) ** exponent > Fraction(1, 10**min_digits)


def _without_short_numbers(centre: Fraction, tolerance: Fraction, min_digits: int) -> Fraction:
    """A numeric box's tolerance about ``centre`` narrowed to leave out every number with fewer digits
    than asked (``-0.03`` beside ``-0.029991``): a box reads the number, not its digits, and hw6 rejects
    such a text, so the box must too. The value correctly rounded to ``min_digits`` stays inside."""
    if centre == 0 or tolerance == 0:
        return tolerance
    half = _half_unit(centre, min_digits) or Fraction(0)
    unit = 2 * half
    rounded = _round_to(centre, unit)
    narrowed = tolerance
    with localcontext() as context:
        context.prec = 60
        for digits in range(1, min_digits):
            step = unit * 10 ** (min_digits - digits)
            low = _floor_to(centre, step)
            for near in (low, low + step):
                if near != rounded and _short(near, min_digits) and abs(near - centre) <= narrowed:
                    narrowed = max(abs(rounded - centre), abs(near - centre) - unit / 100)
    return narrowed


def _floor_to(value: Fraction, step: Fraction) -> Fraction:
    return (value // step) * step


def _round_to(value: Fraction, step: Fraction) -> Fraction:
    return _floor_to(value + step / 2, step)


def _product(shape: tuple[int, ...]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total
