"""``hw6 export moodle``: the variants as a Moodle XML question file (STACK and Cloze questions).

One category per problem, one question per variant in it, so a quiz slot that draws a random
question from a category gives each student one whole variant of that problem: the parts that
share the problem's numbers are boxes of that one question, never separate questions a pool
would draw independently. Symbolic parts are STACK questions (:mod:`.moodle_stack`), numeric
ones Cloze questions (:mod:`.moodle_cloze`); beam hypotheses and complexity classes are not
exported (neither platform grades them as hw6 does). Only keys whose cross-checks all agree are
written; the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET

from .. import __version__
from ..build.pipeline import Solved
from .moodle_cloze import CLOZE_KINDS, ClozePart, cloze_part, cloze_question
from .moodle_stack import STACK_KINDS, stack_question
from .moodle_text import statement
from .selection import Artifact, Exported, add_export_arguments, run_export

NAME = "moodle"
HELP = "a Moodle XML question file: one category per problem, one STACK or Cloze question per variant"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_export_arguments(parser, "XML", "the Moodle XML question file to write")


def run(args: argparse.Namespace) -> int:
    return run_export(args, artifact)


def artifact(variants: list[Exported]) -> Artifact:
    data, notes = moodle_xml(variants)
    categories = data.count(b'<question type="category">')
    return Artifact(data, f"{len(variants)} variant(s) in {categories} categories (one per problem)", tuple(notes))


def moodle_xml(variants: list[Exported]) -> tuple[bytes, list[str]]:
    """The question file's bytes, and one line per part that is not exported (with why)."""
    seeds = ", ".join(v.label for v in variants)
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" hw6 {__version__}: Moodle questions for {len(variants)} variant(s): {seeds} "))
    notes: dict[str, str] = {}
    sections = [item.problem.section for item in variants[0].solved]
    for section in sections:
        questions: list[ET.Element] = []
        title = ""
        for variant in variants:
            item = next(s for s in variant.solved if s.problem.section == section)
            title = f"Problem {item.problem.number}: {item.problem.title} ({section})"
            question = _question(item, variant, notes)
            if question is not None:
                questions.append(question)
        if questions:
            quiz.append(_category(title, len(questions)))
            quiz.extend(questions)
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), sorted(
        f"part {part_id} is not exported to Moodle: {why}" for part_id, why in notes.items()
    )


def _question(item: Solved, variant: Exported, notes: dict[str, str]) -> ET.Element | None:
    own = [part_id for part_id in item.problem.parts(item.solution) if part_id in variant.parts]
    symbolic = {p: variant.parts[p] for p in own if variant.parts[p].get("kind") in STACK_KINDS}
    numeric: list[ClozePart] = []
    for part_id in own:
        kind = variant.parts[part_id].get("kind")
        if kind in CLOZE_KINDS:
            exported = cloze_part(part_id, variant.parts[part_id])
            if isinstance(exported, str):
                notes.setdefault(part_id, f"{exported} ({variant.label})")
            else:
                numeric.append(exported)
        elif kind in ("sequences", "complexity"):
            notes.setdefault(part_id, f"a {kind} answer is graded by hw6 (Gradescope), not by STACK or Cloze")
    name = f"hw6 {__version__} · Problem {item.problem.number} · {variant.label}"
    if symbolic and numeric:
        for part in numeric:
            notes.setdefault(part.part_id, "numeric beside symbolic parts: only the STACK question is written")
    if symbolic:
        note = f"hw6 {__version__}, {variant.label}"
        return stack_question(name, statement(item), symbolic, note, variant.seed or 0)
    if numeric:
        return cloze_question(name, statement(item), numeric)
    return None


def _category(title: str, count: int) -> ET.Element:
    question = ET.Element("question", type="category")
    category = ET.SubElement(question, "category")
    ET.SubElement(category, "text").text = f"$course$/top/hw6 {__version__}/{title.replace('/', '-')}"
    info = ET.SubElement(question, "info", format="html")
    ET.SubElement(info, "text").text = f"{count} variant(s) of this problem, one question each (hw6 {__version__})."
    return question
