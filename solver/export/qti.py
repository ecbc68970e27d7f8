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
from ..kernel.errors import InputFileError
from . import qti_items, qti_xml, wheel
from .selection import Artifact, Exported, add_export_arguments, run_export

NAME = "qti"
HELP = "a Canvas QTI 1.2 zip (Classic Quizzes): numeric parts, one question group of whole variants per problem"
NOT_EXPORTED = "Problems 1 and 2 and 6(b) without a unique filter: graded by hw6 (Gradescope autograder)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_export_arguments(parser, "ZIP", "the QTI zip to write (import it into Canvas)")


def run(args: argparse.Namespace) -> int:
    return run_export(args, artifact)


def artifact(variants: list[Exported]) -> Artifact:
    files, groups = package(variants)
    counts = ", ".join(f"{g.title}: {len(g.questions)}" for g in groups)
    summary = f"{len(variants)} variant(s); questions {counts}; not exported: {NOT_EXPORTED}"
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
    notes = [("hw6_version", __version__), ("hw6_seeds", seeds), ("hw6_not_exported", NOT_EXPORTED)]
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
    """Problem 3 (a)-(c), Problem 3 (k) (fixed), Problem 6 (b), Problem 6 (c): in the sheet's order."""
    rnn = [qti_items.rnn_question(v.solutions["rnn_lstm"], v.parts, v.seed) for v in variants]
    filters = [qti_items.filter_question(v.solutions["conv_filter"], v.parts, v.seed) for v in variants]
    transposes = [qti_items.transpose_question(v.solutions["transpose_conv"], v.parts, v.seed) for v in variants]
    training = [qti_items.training_questions(v.parts) for v in variants]
    if any(t != training[0] for t in training):
        raise InputFileError("the variants' 3(k) targets differ; export variants drawn with the same options")
    drawn: list[tuple[str, str, Sequence[qti_items.BlanksQuestion | None]]] = [
        ("rnn_lstm", "Problem 3 (a)-(c)", rnn),
        ("conv_filter", "Problem 6 (b)", filters),
        ("transpose_conv", "Problem 6 (c)", transposes),
    ]
    groups = []
    for key, title, questions in drawn:
        kept = [q for q in questions if q is not None]
        if not kept:
            continue
        if len({q.points for q in kept}) > 1:
            raise InputFileError(f"{title}: the variants give it different points; export them separately")
        idents = tuple((f"{base}_{key}_{i}", q) for i, q in enumerate(kept, start=1))
        groups.append(qti_xml.Group(f"{base}_{key}", title, idents))
        if key == "rnn_lstm":
            fixed = tuple((f"{base}_training_{i}", q) for i, q in enumerate(training[0], start=1))
            groups.append(qti_xml.Group(f"{base}_training", "Problem 3 (k)", fixed, pick=0))
    return groups
