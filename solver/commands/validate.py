"""``hw6 validate``: is an answers file readable, with the right part ids, shapes, symbols and syntax?

It reads each answer as the grader would but compares none with the key, so it can be run
by anyone, any number of times. Exit 0 when the file is valid, 1 when it is not.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import options
from ..engine.answer_format import check_format
from ..engine.code_log import LogError, format_problems, is_log, read_log
from ..grading.keycache import checked_parts
from ..grading.submissions import is_log_name, student_name
from ..io.files import read_structured
from ..kernel.errors import InputFileError
from ..variants.draw import draw, parse_seed, read_variant_options
from ..variants.manifest import params_digest, verify_manifest

NAME = "validate"
HELP = "check an answers file's part ids, shapes and syntax (no grading)"
MAX_FILE_BYTES = 4 * 2**20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "answers",
        metavar="ANSWERS",
        help="a YAML or JSON answers file (a filled answers template), or a submission_log.json",
    )
    options.params_option(parser)
    parser.add_argument("--seed", metavar="N", help="check against the variant with this seed instead of --params")
    parser.add_argument(
        "--manifest",
        metavar="CSV",
        help="a batch's manifest.csv: the student's variant (by the file's student: entry or name)",
    )
    options.variant_options(parser)


def run(args: argparse.Namespace) -> int:
    path = Path(args.answers)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    if is_log_name(path):
        return validate_log(path)
    try:
        data = read_structured(path, max_bytes=MAX_FILE_BYTES)
    except InputFileError as error:
        print(f"{path}: not valid: {error}")
        return 1
    if path.suffix.lower() == ".json" and is_log(data):
        return validate_log(path)
    context = options.context(args, sheets=False)
    drawing = read_variant_options(args.variant_options)
    seed = None
    if args.seed is None and args.params is None and isinstance(data, dict):
        if args.manifest:
            named = data.get("student")
            student = named if isinstance(named, str) else path.stem

            def digest(row_seed: int) -> str:
                drawn_row = draw(row_seed, context, options=drawing)
                return params_digest(drawn_row.params, drawn_row.variant)

            verified = verify_manifest(args.manifest, drawing, digest)
            seed = verified.seeds.get(student_name(student))
            if seed is None:
                why = verified.problems.get(student_name(student)) or f"no student {student_name(student)!r}"
                raise InputFileError(f"{args.manifest}: {why} (from {path})")
        elif data.get("seed") not in (None, ""):
            seed = parse_seed(data["seed"], f"{path}: seed")
    if seed is not None:
        drawn = draw(seed, context, options=drawing)
        parts = checked_parts(drawn.solved, drawn.variant)
    else:
        solved, variant, grading, _ = options.solved(args, context, drawing)
        parts = checked_parts(solved, variant, grading)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("student", "seed") or k in parts}
    report = check_format(data, parts)
    answered = f"{len(report.answered)} of {len(report.answered) + len(report.unanswered)} parts answered"
    if report.valid:
        print(f"{path}: valid ({answered})")
    else:
        count = len(report.problems) + len(report.unknown)
        print(f"{path}: not valid: {count} problem{'s' if count != 1 else ''} ({answered})")
    for line in report.lines():
        print(f"  {line}")
    return 0 if report.valid else 1


def validate_log(path: Path) -> int:
    """A submission_log.json: readable, format 3, predictions as [name, language] pairs (no key needed)."""

    try:
        log, notes = read_log(path)
    except LogError as error:
        print(f"{path}: not valid: {error}")
        return 1
    problems = format_problems(log)
    for line in notes:
        print(f"note: {line}")
    if problems:
        print(f"{path}: not valid ({len(problems)} problem{'s' if len(problems) != 1 else ''}):")
        for line in problems:
            print(f"  {line}")
        return 1
    print(f"{path}: valid submission log ({len(log['predictions']):,} predictions)")
    return 0
