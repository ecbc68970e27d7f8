"""``hw6 export qti``: a Canvas QTI 1.2 package (Classic Quizzes) with N variants of the numeric parts.

The zip holds ``imsmanifest.xml``, one assessment and Canvas's ``assessment_meta.xml``. Each set
of parts sharing parameters is a question group that draws one question per student, and each
question is one whole variant (:mod:`.qti_items`), so a student never sees one variant's numbers
and is graded against another's. Every key is cross-checked before it is written; identifiers
derive from the version and the seeds, and the zip has fixed timestamps, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence

from .. import __version__
from ..engine.kinds import is_graded
from ..kernel.errors import InputFileError
from ..kernel.exports import GRADED_BY_HW6, NotExported, QtiQuestions
from . import qti_items, qti_xml, wheel
from .selection import Artifact, Exported, add_export_arguments, run_export

NAME = "qti"
HELP = "a Canvas QTI 1.2 zip (Classic Quizzes): numeric parts, one question group of whole variants per problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_export_arguments(parser, "ZIP", "the QTI zip to write (import it into Canvas)")


def run(args: argparse.Namespace) -> int:
    return run_export(args, artifact)


def artifact(variants: list[Exported]) -> Artifact:
    files, groups = package(variants)
    counts = ", ".join(f"{g.title}: {len(g.questions)}" for g in groups)
    summary = f"{len(variants)} variant(s); questions {counts}; not exported: {not_exported(variants)}"
    return Artifact(wheel.deterministic_zip(files), summary)


def package(variants: Sequence[Exported]) -> tuple[list[tuple[str, bytes]], list[qti_xml.Group]]:
    """(name, content) of every file of the zip, in a fixed order, and the question groups."""
    seeds = " ".join("homework" if v.seed is None else str(v.seed) for v in variants)
    base = "hw6_" + hashlib.sha256(f"{__version__}\0{seeds}".encode()).hexdigest()[:16]
    groups = question_groups(variants, base)
    title = "Homework 6: numeric parts"
    description = (
        "<p>Each question shows its own numbers; enter the numbers as each question asks. The other parts"
        " of the homework are handed in separately.</p>"
    )
    points = sum(max(q.points for _, q in g.questions) * (g.pick or len(g.questions)) for g in groups)
    notes = [("hw6_version", __version__), ("hw6_seeds", seeds), ("hw6_not_exported", not_exported(variants))]
    assessment = f"{base}_assessment"
    files = [
        (
            "imsmanifest.xml",
            qti_xml.manifest_xml(f"{base}_manifest", assessment, f"{title}: hw6 {__version__}, seeds {seeds}"),
        ),
        (f"{assessment}/{assessment}.xml", qti_xml.assessment_xml(assessment, title, groups, notes)),
        (f"{assessment}/assessment_meta.xml", qti_xml.meta_xml(assessment, title, description, points)),
    ]
    return files, groups


def question_groups(variants: Sequence[Exported], base: str) -> list[qti_xml.Group]:
    """Each problem's question group (and fixed questions after it), in the sheet's order."""
    groups = []
    for item in variants[0].solved:
        section, declared = item.problem.section, item.problem.exports.qti
        if not isinstance(declared, QtiQuestions):
            continue
        questions = []
        for variant in variants:
            text = declared.question(variant.solutions[section], variant.parts)
            if text is not None:
                questions.append(qti_items.blanks_question(section, text, variant.parts, variant.seed))
        if declared.fixed is not None:
            fixed_sets = [list(declared.fixed(v.parts)) for v in variants]
            if any(f != fixed_sets[0] for f in fixed_sets):
                raise InputFileError(
                    f"the variants' {declared.fixed_title} questions differ; export variants drawn with the same options"
                )
        if not questions:
            continue
        if len({q.points for q in questions}) > 1:
            raise InputFileError(f"{declared.title}: the variants give it different points; export them separately")
        idents = tuple((f"{base}_{section}_{i}", q) for i, q in enumerate(questions, start=1))
        groups.append(qti_xml.Group(f"{base}_{section}", declared.title, idents))
        if declared.fixed is not None:
            key = declared.fixed_key or f"{section}_fixed"
            fixed = tuple((f"{base}_{key}_{i}", q) for i, q in enumerate(fixed_sets[0], start=1))
            groups.append(qti_xml.Group(f"{base}_{key}", declared.fixed_title, fixed, pick=0))
    return groups


def not_exported(variants: Sequence[Exported]) -> str:
    """What of the automatically graded parts Canvas does not get, and why, from the problems' word:
    "Problems 1 and 2 and 6(b) without a unique filter: graded by hw6 (Gradescope autograder)"."""
    numbers: dict[str, list[int]] = {}
    partial: dict[str, list[str]] = {}
    for item in variants[0].solved:
        declared = item.problem.exports.qti
        graded = any(is_graded(part.kind) for part in item.problem.parts(item.solution).values())
        if isinstance(declared, QtiQuestions) and declared.unexported:
            partial.setdefault(GRADED_BY_HW6, []).append(declared.unexported)
            numbers.setdefault(GRADED_BY_HW6, [])
        elif not isinstance(declared, QtiQuestions) and graded:
            reason = declared.reason if isinstance(declared, NotExported) else "no Canvas question declared"
            numbers.setdefault(reason, []).append(item.problem.number)
    lines = []
    for reason, whole in numbers.items():
        named = sorted(set(whole))
        subjects = [("Problem " if len(named) == 1 else "Problems ") + " and ".join(map(str, named))] if named else []
        lines.append(" and ".join(subjects + partial.get(reason, [])) + f": {reason}")
    return "; ".join(lines) or "none"
