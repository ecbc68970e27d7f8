"""``hw6 build``: solve, check and write one set of sheets and its key."""

from __future__ import annotations

import argparse
import warnings
from dataclasses import replace

from ..build.pipeline import prepare, skipped_sections, write
from ..build.staff_report import summary
from ..kernel.errors import InputWarning, ParamsError
from . import options

NAME = "build"
HELP = "write solutions.tex/pdf, problems.tex/pdf, answers.json, params.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.params_option(parser)
    parser.add_argument("--seed", metavar="N", help="draw the variant with this seed instead of reading --params")
    parser.add_argument(
        "--salt",
        metavar="TEXT",
        help="the secret the sheets' variant label is keyed with (as hw6 batch --salt); keep it with the seed",
    )
    label_options(parser)
    options.variant_options(parser)
    parser.add_argument("--out", metavar="DIR", default=options.DEFAULT_OUT, help="output folder (default: output/)")
    parser.add_argument("--no-pdf", action="store_true", help="write the .tex files and key only")


UNKEYED_LABEL = (
    "no --salt: anyone with hw6 can try seeds until one gives the sheets' label {label}; "
    "give --salt TEXT (a secret staff keep) to key it"
)


def label_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--label", metavar="LABEL", help="the variant a batch's sheets label so (needs --manifest)")
    parser.add_argument("--manifest", metavar="CSV", help="the batch's manifest.csv, which maps labels to variants")


def run(args: argparse.Namespace) -> int:
    from ..build.variant import opaque_label
    from ..variants.draw import read_variant_options
    from ..variants.labels import check_label_arguments, solved_for_label

    alternatives = {"--seed": args.seed, "--params": args.params, "--salt": args.salt}
    alternatives["--variant-options"] = args.variant_options
    context = options.context(args)
    if check_label_arguments(args.label, args.manifest, alternatives):
        (solved, variant), grading, document = solved_for_label(args.manifest, args.label, context), None, None
    else:
        if args.manifest is not None:
            raise ParamsError("--manifest", "--label too: the label of the variant to build", None)
        drawing = read_variant_options(args.variant_options)
        solved, variant, grading, document = options.solved(args, context, drawing)
        if args.salt is not None and variant.seed is not None:
            variant = replace(variant, label=opaque_label(variant.seed, args.salt))
    sheets = prepare(solved, variant, grading, context, document=document)
    built = write(sheets, args.out, pdf=not args.no_pdf, cache_dir=context.cache_dir)
    for path in built.written:
        print(path)
    print(summary(skipped_sections(solved), built.checks))
    if variant.seed is not None and variant.label is None:  # a label anyone can trace to a small seed
        warnings.warn(UNKEYED_LABEL.format(label=variant.shown_label), InputWarning, stacklevel=1)
    return 0
