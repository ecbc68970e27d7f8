"""One problem's numeric parts (``numbers``, ``vector``, ``matrix``) as a Cloze question for one variant.

Every entry of a part is a ``NUMERICAL`` box: the key's value with the key's tolerance (0 for
exact entries), then each modelled mistake's value for that entry at 0 % with the mistake's
feedback. Box weights are the part's points shared among its entries, which is hw6's per-entry
credit. A part whose key Moodle cannot state is left out, with the reason (exact fractions
without a finite decimal, a family of solutions, "no filter"). A ``below`` part (3k: the
student's own losses) becomes the range from 0 to a billionth below the target, the closest
a tolerance can come to hw6's "at least 0 and below the target".
"""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from ..engine.answers import key_fraction
from ..engine.kinds import compile_part
from .moodle_text import part_label

CLOZE_KINDS = ("numbers", "vector", "matrix")
CLOZE_SPECIAL = '\\}#~/"'  # escaped with a backslash inside a Cloze answer or feedback
BELOW_MARGIN = Fraction(1, 10**9)


@dataclass(frozen=True)
class Box:
    """One answer box: its key and tolerance, and the mistakes' values with their feedback."""

    label: str
    value: Fraction
    tolerance: Fraction
    mistakes: tuple[tuple[Fraction, str], ...]


@dataclass(frozen=True)
class ClozePart:
    part_id: str
    points: Fraction
    boxes: tuple[Box, ...]


def cloze_part(part_id: str, spec: Mapping[str, Any]) -> ClozePart | str:
    """The boxes of one part, or why Moodle's numeric boxes cannot grade it as hw6 does."""
    points = key_fraction(spec.get("points", 1), "points")
    if spec["kind"] == "numbers":
        grader = compile_part(part_id, spec)
        bounds = getattr(grader, "bounds", None)
        keys, tolerances = getattr(grader, "centres", None), getattr(grader, "box_tolerances", None)
        if keys is None or tolerances is None:
            return f"the key cannot be read ({getattr(grader, 'reason', '')})"
        if bounds is not None:  # 0 <= value < bound: the centre and half-width of [0, bound - margin]
            keys = tolerances = [(b - b * BELOW_MARGIN) / 2 for b in bounds]
        labels = _number_labels(part_id, spec, len(keys))
        boxes = [Box(label, k, t, ()) for label, k, t in zip(labels, keys, tolerances, strict=True)]
        return ClozePart(part_id, points, tuple(boxes))
    value = spec.get("value")
    if not isinstance(value, list):
        return "its key is not a list of numbers (a family of solutions or no solution): grade it with hw6"
    matrix = spec["kind"] == "matrix"
    entries = [v for row in value for v in row] if matrix else list(value)
    try:
        keys = [key_fraction(v, "value") for v in entries]
    except ValueError as error:
        return f"its entries are not numbers ({error})"
    if any(_decimal(k) is None for k in keys):
        return "an exact entry has no finite decimal form, which a numeric box cannot take"
    alternatives: list[list[tuple[Fraction, str]]] = [[] for _ in keys]
    for mistake in spec.get("mistakes") or ():
        flat = _flat(mistake.get("value"), matrix)
        if flat is None or len(flat) != len(keys):
            continue  # another shape: no box can hold it
        for i, wrong in enumerate(flat):
            if wrong != keys[i] and _decimal(wrong) is not None and all(wrong != w for w, _ in alternatives[i]):
                alternatives[i].append((wrong, str(mistake.get("feedback", ""))))
    columns = len(value[0]) if matrix and value else 0
    boxes = [Box(_entry_label(part_id, i, columns), k, Fraction(0), tuple(alternatives[i])) for i, k in enumerate(keys)]
    return ClozePart(part_id, points, tuple(boxes))


def _number_labels(part_id: str, spec: Mapping[str, Any], count: int) -> list[str]:
    """Row and column for a matrix of numbers (3a), the key's own names when it gives them (3c, 3k)."""
    shape, order = spec.get("shape"), spec.get("order")
    if isinstance(shape, list) and len(shape) == 2 and shape[0] * shape[1] == count:
        return [_entry_label(part_id, i, int(shape[1])) for i in range(count)]
    if isinstance(order, list) and len(order) == count:
        return [f"{part_label(part_id)} {html.escape(str(name))}" for name in order]
    return [_entry_label(part_id, i, 0) for i in range(count)]


def _entry_label(part_id: str, index: int, columns: int) -> str:
    if columns:
        return f"{part_label(part_id)} row {index // columns + 1}, column {index % columns + 1}"
    return f"{part_label(part_id)} entry {index + 1}"


def _flat(value: Any, matrix: bool) -> list[Fraction] | None:
    try:
        if matrix:
            if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
                return None
            return [key_fraction(v, "mistake") for row in value for v in row]
        return [key_fraction(v, "mistake") for v in value] if isinstance(value, list) else None
    except ValueError:
        return None


def _decimal(value: Fraction) -> str | None:
    """The exact decimal text of ``value``, or None when it has no finite decimal expansion."""
    with localcontext() as context:
        context.prec = 400
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(exact) != value:
        return None
    return format(exact.normalize(), "f")


def escape(text: str) -> str:
    """Feedback as HTML with Cloze's special characters escaped."""
    escaped = html.escape(text, quote=False)
    return "".join("\\" + ch if ch in CLOZE_SPECIAL else ch for ch in escaped)


def subquestion(box: Box, weight: int) -> str:
    """``{weight:NUMERICAL:=value:tolerance~%0%mistake:0#feedback...}``."""
    answers = [f"={_decimal(box.value)}:{_decimal(box.tolerance)}"]
    answers += [f"%0%{_decimal(value)}:0#{escape(feedback)}" for value, feedback in box.mistakes]
    return "{" + f"{weight}:NUMERICAL:" + "~".join(answers) + "}"


def weights(parts: Sequence[ClozePart]) -> list[list[int]]:
    """Integer box weights in proportion to each part's points over its boxes."""
    shares = [[part.points / len(part.boxes)] * len(part.boxes) for part in parts]
    scale = math.lcm(*(share.denominator for row in shares for share in row))
    return [[int(share * scale) for share in row] for row in shares]


def cloze_question(name: str, text: str, parts: Sequence[ClozePart]) -> ET.Element:
    question = ET.Element("question", type="cloze")
    ET.SubElement(ET.SubElement(question, "name"), "text").text = name
    body = [text]
    for part, row in zip(parts, weights(parts), strict=True):
        lines = [f"{box.label} {subquestion(box, weight)}" for box, weight in zip(part.boxes, row, strict=True)]
        body.append("<p>" + "<br>\n".join(lines) + "</p>")
    questiontext = ET.SubElement(question, "questiontext", format="html")
    ET.SubElement(questiontext, "text").text = "\n".join(body)
    generalfeedback = ET.SubElement(question, "generalfeedback", format="html")
    ET.SubElement(generalfeedback, "text").text = ""
    for tag, value in (("penalty", "0"), ("hidden", "0")):
        ET.SubElement(question, tag).text = value
    ET.SubElement(question, "idnumber")
    return question
