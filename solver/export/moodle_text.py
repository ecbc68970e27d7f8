"""What a Moodle question shows students: each problem's statement with the variant's numbers,
and a label for every answer box. HTML with TeX between ``\\(``/``\\)`` or ``\\[``/``\\]``,
which Moodle's MathJax filter typesets. Nothing here may contain an answer: the values come
from the problem's parameters and the sheet's own template variables, never from the key.

The statements and any labels of their own are the problems' (``Problem.exports.moodle``, in
each problem's folder); this module adds the title and the generic labels.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from ..build.pipeline import Solved
from ..kernel.exports import MoodleQuestion
from ..kernel.problem import Problem
from ..render.mathjax import tex_name

Labeler = Callable[[str, "int | None"], str]  # (part id, 1-based entry of a list part or None) -> label


def statement(item: Solved) -> str:
    """The problem's statement for this variant, under its title."""
    declared = item.problem.exports.moodle
    view: Mapping[str, Any] = item.problem.view(item.solution) if item.problem.view else {}
    body = declared.statement(item, view) if isinstance(declared, MoodleQuestion) else ""
    title = html.escape(f"Problem {item.problem.number}: {item.problem.title}")
    return f"<h4>{title}</h4>\n{body}"


def part_label(part_id: str, entry: int | None = None) -> str:
    """The generic label in front of a part's answer box (``entry``: 1-based position in a list part)."""
    head, _, node = part_id.partition(".")
    letter = head.lstrip("0123456789")
    symbol = tex_name(node) if node else ""
    if symbol:
        return rf"({letter}) \({symbol} =\)"
    suffix = f", entry {entry}" if entry is not None else ""
    return html.escape(f"({letter}){suffix}")


def labeler(problem: Problem) -> Labeler:
    """The problem's own labels where it words them, the generic ones elsewhere."""
    declared = problem.exports.moodle
    own = declared.label if isinstance(declared, MoodleQuestion) else None
    if own is None:
        return part_label

    def label(part_id: str, entry: int | None = None) -> str:
        return own(part_id, entry) or part_label(part_id, entry)

    return label
