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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.errors import InputFileError
from ..io.files import write_bytes_atomic
from . import qti_items, qti_xml, wheel

NAME = "qti"
HELP = "a Canvas QTI 1.2 zip (Classic Quizzes): numeric parts, one question group of whole variants per problem"
ZIP_NAME = "hw6-canvas-qti.zip"
MAX_VARIANTS = 500
NOT_EXPORTED = "Problems 1 and 2 and 6(b) without a unique filter: graded by hw6 (Gradescope autograder)"


@dataclass(frozen=True)
class Exported:
    """One variant: its seed (None: the homework's values), its solutions and its checked key."""

    seed: int | None
    solutions: dict[str, Any]  # section -> solution
    parts: dict[str, Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..commands import options

    parser.add_argument("--out", metavar="DIR", required=True, help=f"folder to write {ZIP_NAME} into")
    parser.add_argument("--variants", type=_variants, metavar="N", help="N variants, from seed --start on")
    parser.add_argument("--start", type=options.seed, default=0, metavar="SEED", help="first seed (default 0)")
    parser.add_argument("--manifest", metavar="CSV", help="a batch's manifest.csv: the batch's variants")
    options.variant_options(parser)
    parser.add_argument("--cache-dir", metavar="DIR", help="cache for trained models (default: output/.cache)")


def _variants(text: str) -> int:
    value = int(text) if text.strip().isdigit() and len(text.strip()) <= 4 else 0
    if not 1 <= value <= MAX_VARIANTS:
        raise argparse.ArgumentTypeError(f"expected a number of variants from 1 to {MAX_VARIANTS}, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from ..commands import options
    from ..core.problem import BuildContext

    if (args.variants is None) == (args.manifest is None):
        raise InputFileError("give --variants N or --manifest CSV (one of them)")
    if args.variants is not None and args.start + args.variants - 1 > options.MAX_SEED:
        raise InputFileError(
            f"--start: the last seed ({args.start} + --variants - 1) must be at most {options.MAX_SEED}"
        )
    context = BuildContext(cache_dir=options.context(args).cache_dir)  # Problem 4's data is not needed
    if args.manifest is not None:
        variants = manifest_variants(Path(args.manifest), context)
    else:
        variants = seeded_variants(range(args.start, args.start + args.variants), context, args.variant_options)
    files, groups = package(variants)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputFileError(f"--out: {out} is a file; expected a folder")
    write_bytes_atomic(out / ZIP_NAME, wheel.deterministic_zip(files))
    counts = ", ".join(f"{g.title}: {len(g.questions)}" for g in groups)
    print(f"hw6: wrote {out / ZIP_NAME}: {len(variants)} variant(s); questions {counts}; not exported: {NOT_EXPORTED}")
    return 0


def seeded_variants(seeds: Sequence[int] | range, context, options_file: str | None) -> list[Exported]:
    from ..variants.draw import draw, read_variant_options
    from ..variants.grading import checked_parts

    drawing = read_variant_options(options_file)
    exported = []
    for seed in seeds:
        drawn = draw(seed, context, options=drawing)
        parts = checked_parts(drawn.solved, drawn.variant)
        exported.append(Exported(seed, {s.problem.section: s.solution for s in drawn.solved}, parts))
    return exported


def manifest_variants(manifest: Path, context) -> list[Exported]:
    """The distinct variants of a batch (each params.json checked against the manifest's digest)."""
    from ..core.pipeline import params_from_data, solve_all, variant_from_data
    from ..io.files import parse_structured
    from ..variants.grading import checked_parts
    from ..variants.manifest import text_digest
    from .gradescope import _manifest_variants

    seen, exported = set(), []
    for row in _manifest_variants(manifest):
        digest = text_digest(row.params_text)
        if digest in seen:
            continue
        seen.add(digest)
        raw = parse_structured(row.params_text, row.path, json_only=True)
        params, variant = params_from_data(raw, row.path), variant_from_data(raw)
        solved = solve_all(params, context)
        parts = checked_parts(solved, variant, params["grading"])
        exported.append(Exported(variant.seed, {s.problem.section: s.solution for s in solved}, parts))
    return sorted(exported, key=lambda v: (v.seed is not None, v.seed or 0))


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
