"""``hw6 key``: print the answer key as JSON."""

from __future__ import annotations

import argparse
import sys

from ..build.pipeline import answer_key, read_params, solve_all
from ..io.files import dump_json
from ..kernel.errors import ParamsError
from . import options
from .build import label_options

NAME = "key"
HELP = "print the answer key as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.params_option(parser)
    label_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..variants.labels import check_label_arguments, solved_for_label

    context = options.context(args)
    if check_label_arguments(args.label, args.manifest, {"--params": args.params}):
        solved, _ = solved_for_label(args.manifest, args.label, context)
        sys.stdout.write(dump_json(answer_key(solved)))
        return 0
    if args.manifest is not None:
        raise ParamsError("--manifest", "--label too: the label of the variant whose key to print", None)
    params = read_params(args.params)
    solved = solve_all(params, context)
    sys.stdout.write(dump_json(answer_key(solved, grading=params.get("grading"))))
    return 0
