"""``hw6 batch``: one variant per student of a roster, with a manifest."""

from __future__ import annotations

import argparse
import sys
import warnings

from ..kernel.errors import InputWarning
from . import options

NAME = "batch"
HELP = "one variant per student of a roster, with a manifest"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roster", metavar="CSV", required=True, help="UTF-8 CSV with an id column and optionally name"
    )
    parser.add_argument("--out", metavar="DIR", required=True, help="one folder per student goes here")
    parser.add_argument("--jobs", type=options.jobs, default=1, metavar="N", help="LaTeX runs in parallel (default 1)")
    parser.add_argument("--salt", default="", metavar="TEXT", help="mixed into every student's seed")
    options.variant_options(parser)
    parser.add_argument("--no-pdf", action="store_true", help="write the .tex files and keys only")
    options.scheduler_option(parser)
    options.context_options(parser)


UNSALTED = "no --salt: a student's seed, label and key follow from the student's id alone; give --salt TEXT"


def run(args: argparse.Namespace) -> int:
    from ..variants.batch import run_batch
    from ..variants.draw import read_variant_options

    result = run_batch(
        args.roster,
        args.out,
        jobs=args.jobs,
        salt=args.salt,
        pdf=not args.no_pdf,
        context=options.context(args),
        options=read_variant_options(args.variant_options),
        scheduler=options.scheduler(args),
    )
    print(
        f"built {len(result.built)}, already done {len(result.skipped)}, failed {len(result.failed)}; "
        f"manifest: {result.manifest}"
    )
    for student_id, message in result.failed.items():
        print(f"hw6: error: student {student_id}: {message}", file=sys.stderr)
    if not args.salt and result.built:  # the seeds come from the ids alone: anyone who knows an id has the key
        warnings.warn(UNSALTED, InputWarning, stacklevel=1)
    return 1 if result.failed else 0
