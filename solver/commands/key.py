"""``hw6 key``: print the answer key as JSON."""

from __future__ import annotations

import argparse
import sys

from ..core.pipeline import answer_key, read_params, solve_all
from ..io.files import dump_json
from . import options

NAME = "key"
HELP = "print the answer key as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.params_option(parser)


def run(args: argparse.Namespace) -> int:
    params = read_params(args.params)
    solved = solve_all(params, options.context(args))
    sys.stdout.write(dump_json(answer_key(solved, grading=params.get("grading"))))
    return 0
