"""Rubrics for the parts that staff grade by hand.

A course of 400 needs its graders to agree: each hand-graded part of the key carries rubric items,
each worth whole points, with what earns them, the other answers that earn them too and the usual
wrong answers that do not. A problem's key adds them with :func:`with_rubric`, which stores them under
the part's ``rubric`` extra in ``answers.json``; :func:`rubric_markdown` writes the graders' sheet,
``rubric.md``, from that key, so the two never differ.

    answers.json  parts["3e"]["rubric"] = [{"points": 1, "expected": ..., "accepted": [...], "wrong": [...]}]
    rubric.md     one section per hand-graded part, its items numbered, the points summed
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from .problem import Part

RUBRIC_FILE = "rubric.md"


class RubricItemJSON(TypedDict):
    points: int
    expected: str
    accepted: list[str]
    wrong: list[str]


@dataclass(frozen=True)
class Item:
    """One thing a grader looks for: ``points`` for ``expected`` (or any of ``accepted``), none for ``wrong``."""

    points: int
    expected: str
    accepted: Sequence[str] = ()
    wrong: Sequence[str] = ()

    def __post_init__(self) -> None:
        if self.points <= 0:
            raise ValueError(f"a rubric item is worth at least one point, not {self.points}")

    def to_json(self) -> RubricItemJSON:
        return {
            "points": self.points,
            "expected": self.expected,
            "accepted": list(self.accepted),
            "wrong": list(self.wrong),
        }


def with_rubric(part: Part, *items: Item) -> Part:
    """``part`` with its ``rubric`` extra: the items a grader scores it by."""
    if not items:
        raise ValueError("a rubric has at least one item")
    return replace(part, extra={**part.extra, "rubric": [item.to_json() for item in items]})


def rubric_markdown(parts: Mapping[str, Mapping[str, Any]], variant_label: str) -> str:
    """The graders' sheet for one variant: every part of the key that has a rubric, in key order."""
    lines = [f"# Rubric for the hand-graded parts ({variant_label})", ""]
    lines += [
        "Each item is worth the points given; an answer earns an item when it says what is expected or one of the",
        "accepted alternatives. The wrong answers listed are the usual ones: they earn nothing for that item.",
        "",
    ]
    for part_id, part in parts.items():
        items = part.get("rubric")
        if not items:
            continue
        total = sum(item["points"] for item in items)
        lines += [f"## {part_id} ({total} point{'s' if total != 1 else ''})", ""]
        for number, item in enumerate(items, start=1):
            points = item["points"]
            lines.append(f"{number}. **{points} point{'s' if points != 1 else ''}.** {item['expected']}")
            lines += [f"   - Also accepted: {text}" for text in item["accepted"]]
            lines += [f"   - Not accepted: {text}" for text in item["wrong"]]
        lines.append("")
    return "\n".join(lines)
