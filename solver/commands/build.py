"""``hw6 build``: solve, check and write one set of sheets and its key."""

from __future__ import annotations

import argparse

from ..core.pipeline import prepare, skipped_sections, write
from ..core.staff_report import summary
from . import options

NAME = "build"
HELP = "write solutions.tex/pdf, problems.tex/pdf, answers.json, params.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.params_option(parser)
    parser.add_argument("--seed", metavar="N", help="draw the variant with this seed instead of reading --params")
    options.variant_options(parser)
    parser.add_argument("--out", metavar="DIR", default=options.DEFAULT_OUT, help="output folder (default: output/)")
    parser.add_argument("--no-pdf", action="store_true", help="write the .tex files and key only")


def run(args: argparse.Namespace) -> int:
    from ..variants.draw import read_variant_options

    context = options.context(args)
    solved, variant, grading, document = options.solved(args, context, read_variant_options(args.variant_options))
    sheets = prepare(solved, variant, grading, context, document=document)
    built = write(sheets, args.out, pdf=not args.no_pdf, cache_dir=context.cache_dir)
    for path in built.written:
        print(path)
    print(summary(skipped_sections(solved), built.checks))
    return 0
