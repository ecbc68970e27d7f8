"""Reading an exported Moodle XML file the way Moodle does, for the export's tests: questions by
category, STACK trees and tests, Cloze subquestions, and Moodle's numeric rule (written here from
its documented behaviour, independently of solver.export)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction

SUBQUESTION = re.compile(r"\{(\d+):NUMERICAL:((?:\\.|[^\\}])*)\}")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")
EPSILON = 1e-14  # PHP's default precision (14 digits): Moodle widens every tolerance by this share


@dataclass(frozen=True)
class ClozeAnswer:
    fraction: Fraction
    value: float
    tolerance: float
    feedback: str


def questions(root: ET.Element) -> list[tuple[str, ET.Element]]:
    """(category path, question) for every question, in file order."""
    found, category = [], ""
    for question in root.findall("question"):
        if question.get("type") == "category":
            category = question.findtext("category/text") or ""
        else:
            found.append((category, question))
    return found


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def split_unescaped(text: str, separator: str) -> list[str]:
    pieces, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == separator:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces


def cloze_boxes(questiontext: str) -> list[tuple[int, list[ClozeAnswer]]]:
    """(weight, answers) of every NUMERICAL subquestion."""
    boxes = []
    for match in SUBQUESTION.finditer(questiontext):
        answers = []
        for raw in split_unescaped(match.group(2), "~"):
            head, *feedback = split_unescaped(raw, "#")
            if head.startswith("="):
                fraction, head = Fraction(1), head[1:]
            else:
                percent = re.match(r"%(-?\d+(?:\.\d+)?)%", head)
                assert percent, f"answer without a grade: {raw!r}"
                fraction, head = Fraction(percent.group(1)) / 100, head[percent.end() :]
            value, _, tolerance = unescape(head).partition(":")
            answers.append(ClozeAnswer(fraction, float(value), float(tolerance or 0), unescape("#".join(feedback))))
        boxes.append((int(match.group(1)), answers))
    return boxes


def moodle_numeric(answers: list[ClozeAnswer], response: str) -> Fraction:
    """The fraction Moodle's numerical rule gives ``response``: the first answer whose nominal
    tolerance interval (widened by MDL-3225's epsilon) holds it; a response that is not a number is 0."""
    text = response.strip()
    if not NUMBER.match(text):
        return Fraction(0)
    x = float(text)
    for answer in answers:
        tolerance = answer.tolerance + EPSILON * max(abs(answer.tolerance), abs(answer.value), EPSILON)
        if answer.value - tolerance <= x <= answer.value + tolerance:
            return answer.fraction
    return Fraction(0)


def cloze_score(boxes: list[tuple[int, list[ClozeAnswer]]], responses: list[str]) -> Fraction:
    assert len(boxes) == len(responses), f"{len(boxes)} boxes, {len(responses)} responses"
    total = sum(weight for weight, _ in boxes)
    earned = sum(weight * moodle_numeric(answers, r) for (weight, answers), r in zip(boxes, responses, strict=True))
    return Fraction(earned) / total


@dataclass(frozen=True)
class StackNode:
    sans: str
    tans: str
    test: str
    branches: dict[bool, tuple[str, Fraction, int, str]]  # outcome -> (mode, score, next, note)


def stack_trees(question: ET.Element) -> dict[str, tuple[Fraction, str, dict[int, StackNode]]]:
    """tree name -> (value, feedback variables, nodes by number)."""
    trees = {}
    for prt in question.findall("prt"):
        nodes = {}
        for node in prt.findall("node"):
            branches = {}
            for outcome, prefix in ((True, "true"), (False, "false")):
                branches[outcome] = (
                    node.findtext(f"{prefix}scoremode") or "",
                    Fraction(node.findtext(f"{prefix}score") or "0"),
                    int(node.findtext(f"{prefix}nextnode") or "-1"),
                    node.findtext(f"{prefix}answernote") or "",
                )
            nodes[int(node.findtext("name") or "-1")] = StackNode(
                node.findtext("sans") or "", node.findtext("tans") or "", node.findtext("answertest") or "", branches
            )
        trees[prt.findtext("name") or ""] = (
            Fraction(prt.findtext("value") or "0"),
            prt.findtext("feedbackvariables/text") or "",
            nodes,
        )
    return trees


def walk(nodes: dict[int, StackNode], outcome_of) -> tuple[Fraction, str, list[int]]:
    """Follow a tree from node 0 as STACK does: (score, last answer note, nodes visited)."""
    score, note, at, seen = Fraction(0), "", 0, []
    while at != -1:
        assert at not in seen, f"the tree loops back to node {at}"
        seen.append(at)
        mode, value, after, note = nodes[at].branches[outcome_of(at)]
        score = value if mode == "=" else score + value if mode == "+" else score - value
        at = after
    return min(max(score, Fraction(0)), Fraction(1)), note, seen
