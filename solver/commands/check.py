"""``hw6 check``: grade students' answers against the answer key of their own variant."""

from __future__ import annotations

import argparse
import sys

from .. import options
from ..grading import report
from ..grading.check import VariantKeys, grade_answers, write_gradescope
from ..grading.keycache import default_key
from ..io.files import dump_json
from ..variants.draw import parse_seed, read_variant_options

NAME = "check"
HELP = "grade students' answers against the answer key"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "answers",
        metavar="ANSWERS",
        help="a YAML/JSON answer file, a notebook's submission_log.json, a folder of them, or a class CSV",
    )
    options.params_option(parser)
    parser.add_argument("--seed", metavar="N", help="grade against the variant with this seed instead of --params")
    parser.add_argument(
        "--manifest", metavar="CSV", help="a batch's manifest.csv: grade each student against their own variant"
    )
    options.variant_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--gradescope", metavar="FILE", help="write Gradescope's results.json (a folder of them for a class)"
    )
    parser.add_argument(
        "--visibility",
        choices=("visible", "after_published"),
        default="visible",
        help="when students see the Gradescope tests (default: visible; after_published holds them back)",
    )
    parser.add_argument(
        "--jobs", metavar="N", type=options.jobs, help="worker processes (default: 1, or 2 for a class)"
    )
    options.scheduler_option(parser)


def run(args: argparse.Namespace) -> int:
    context = options.context(args, sheets=False)
    scheduler = options.scheduler(args)
    drawing = read_variant_options(args.variant_options)
    seed = parse_seed(args.seed) if args.seed is not None else None
    key = default_key(seed, args.params, context, drawing)  # checked when made; kept in the cache
    keys = VariantKeys(key.parts, context, drawing, key.grading, key.titles, key.code)
    staff_chose = args.seed is not None or args.params is not None  # then a file's own seed: is ignored
    graded = grade_answers(
        args.answers,
        keys,
        manifest=args.manifest,
        drawing=drawing,
        jobs=args.jobs,
        fixed_variant=staff_chose,
        scheduler=scheduler,
        default_seed=key.seed,
    )
    for note in graded.notes:
        print(f"hw6: note: {note}", file=sys.stderr)
    if args.gradescope:
        write_gradescope(graded, args.gradescope, visibility=args.visibility, titles=keys.titles)
    results = graded.results
    if args.json:
        data = report.class_json(results) if graded.is_class else report.student_json(results[0])
        sys.stdout.write(dump_json(data))
    else:
        print(report.class_tables(results) if graded.is_class else report.student_table(results[0]))
    if graded.refused:  # a manifest row or student that could not be vouched for: said after the grades
        sys.stdout.flush()
        for line in graded.refused:
            print(f"hw6: error: {line}", file=sys.stderr)
        return 2
    return 0
