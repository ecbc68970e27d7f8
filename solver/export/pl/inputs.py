"""PrairieLearn's inputs for hw6's parts: which element holds a part (pl-string-input for expressions,
hypotheses and big-O classes; pl-matrix-component-input for vectors, matrices and measured arrays;
pl-number-input for a few separate numbers), the names of its cells, and question.html around them."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from ...engine.numbers import precision_rule

Parts = Mapping[str, Mapping[str, Any]]
STRING_KINDS = ("expr", "expr_list", "complexity", "sequences")
MATRIX_KINDS = ("vector", "matrix")


def input_name(part_id: str) -> str:
    """An answers-name PrairieLearn accepts (a letter first, then letters, digits and _)."""
    return "p" + re.sub(r"[^A-Za-z0-9]", "_", part_id)


def input_spec(part_id: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """What the runtime needs to read one part: its input's name, element and kind, and for a part of
    several cells their names and layout (``flat``: graded as a list, else as rows)."""
    kind, value, name = spec["kind"], spec["value"], input_name(part_id)
    entry: dict[str, Any] = {"name": name, "part": part_id, "kind": kind}
    if kind in STRING_KINDS:
        return entry | {"element": "string"}
    if kind == "numbers" and not spec.get("shape"):  # a few separate numbers: one number input each
        cells = [f"{name}_{k + 1}" for k in range(len(value))]
        return entry | {"element": "number", "cells": cells, "flat": True}
    if kind == "numbers":
        shape = list(spec["shape"])
        rows, columns = (shape[0], shape[1]) if len(shape) == 2 else (1, shape[0])
        if rows * columns != len(value):
            raise ValueError(f"part {part_id}: its shape {shape} does not hold its {len(value)} numbers")
        return entry | _cells(name, rows, columns, flat=len(shape) == 1)
    if kind not in MATRIX_KINDS:
        raise ValueError(f"part {part_id}: kind {kind!r} has no PrairieLearn input")
    grid = [value] if kind == "vector" else value
    if not isinstance(grid, list) or not grid or any(not isinstance(row, list) or not row for row in grid):
        raise ValueError(f"part {part_id}: its key is not a list of exact numbers, which the cells of an input hold")
    if len({len(row) for row in grid}) != 1:
        raise ValueError(f"part {part_id}: its key's rows differ in length")
    return entry | _cells(name, len(grid), len(grid[0]), flat=kind == "vector")


def _cells(name: str, rows: int, columns: int, *, flat: bool) -> dict[str, Any]:
    cells = [f"{name}{k + 1}" for k in range(rows * columns)]  # pl-matrix-component-input's own names
    return {"element": "matrix", "rows": rows, "columns": columns, "cells": cells, "flat": flat}


def element_html(spec: Mapping[str, Any], label: str, part: Mapping[str, Any]) -> str:
    """The input elements of one part; hw6 grades them (weights are shown as PrairieLearn's)."""
    points = part.get("points", 1)
    weight = f' weight="{int(points)}"' if float(points).is_integer() else ""
    if spec["element"] == "number":
        order = part.get("order") or [f"{k + 1}" for k in range(len(spec["cells"]))]
        return "\n".join(
            f'<pl-number-input answers-name="{cell}" label="{html.escape(f"{label} {what}:", quote=True)}" '
            'show-help-text="false" size="20"></pl-number-input>'
            for cell, what in zip(spec["cells"], order, strict=True)
        )
    attributes = [f'answers-name="{spec["name"]}"', f'label="{html.escape(label, quote=True)}"']
    if spec["element"] == "matrix":
        name = spec["name"]  # a variant's shape comes with its numbers: Problem 3's T and H vary
        attributes += [f'rows="{{{{params.rows_{name}}}}}"', f'columns="{{{{params.columns_{name}}}}}"']
        attributes.append('allow-partial-credit="true"')
        digits = part.get("min_digits")
        if isinstance(digits, int):  # the popover then speaks of significant figures, as hw6's rule does
            attributes += ['comparison="sigfig"', f'digits="{digits}"']
        element = f"<pl-matrix-component-input {' '.join(attributes)}{weight}></pl-matrix-component-input>"
        return element + "\n" + f'<p class="small text-muted">{html.escape(rule_text(part))}</p>'

    attributes += ['show-help-text="false"', 'size="60"']
    if spec["kind"] == "sequences":
        attributes.append('multiline="true"')
    return f"<pl-string-input {' '.join(attributes)}{weight}></pl-string-input>"


def rule_text(part: Mapping[str, Any]) -> str:
    """hw6's rule for a part's cells, in the words its feedback uses (hw6 grades, not the element)."""
    digits = part.get("min_digits")
    if isinstance(digits, int):
        return f"Graded by hw6: {precision_rule(digits)}."
    if part.get("kind") == "numbers":
        return "Graded by hw6 within the tolerance its feedback states."
    return "Graded by hw6: exact values (integers, fractions such as -1/2, or decimals that are exact)."


def shape_params(inputs: list[dict[str, Any]]) -> dict[str, int]:
    """The rows and columns of a variant's matrix inputs, for question.html's element attributes."""
    shapes: dict[str, int] = {}
    for spec in inputs:
        if spec["element"] == "matrix":
            shapes[f"rows_{spec['name']}"], shapes[f"columns_{spec['name']}"] = spec["rows"], spec["columns"]
    return shapes


def skeleton(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What every variant's inputs must share for one question.html: all but a matrix's shape."""
    fixed = ("name", "part", "kind", "element", "flat")
    return [
        {k: spec.get(k) for k in fixed} | ({"cells": spec["cells"]} if spec["element"] == "number" else {})
        for spec in inputs
    ]


def question_html(
    statement: str, label: Callable[[str, Mapping[str, Any]], str], parts: Parts, inputs: list[dict[str, Any]]
) -> str:
    """question.html: the statement, one element per part, and hw6's feedback in the submission panel."""
    lines = ["<pl-question-panel>", statement.strip(), "</pl-question-panel>", ""]
    for spec in inputs:
        part = parts[spec["part"]]
        lines += ['<div class="mb-3">', element_html(spec, label(spec["part"], part), part), "</div>"]
    lines += ["", "<pl-submission-panel>"]
    for spec in inputs:
        name = spec["name"]
        lines.append(f"{{{{#feedback.{name}}}}}<p>{spec['part']}: {{{{feedback.{name}}}}}</p>{{{{/feedback.{name}}}}}")
    lines += ["</pl-submission-panel>", ""]
    return "\n".join(lines)
