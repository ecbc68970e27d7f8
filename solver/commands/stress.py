"""``hw6 stress``: draw, solve, check and render many variants; report failures, timing and spread."""

from __future__ import annotations

import argparse
import sys

from ..kernel.errors import ParamsError
from . import options

NAME = "stress"
HELP = "draw and check many variants; report failures, fairness, timing, spread"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=options.count, default=100, metavar="N", help="how many variants (default 100)")
    parser.add_argument("--start", type=options.seed, default=0, metavar="SEED", help="first seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print the failures and the fairness table as JSON")
    options.variant_options(parser)
    options.scheduler_option(parser)
    options.context_options(parser)


def run(args: argparse.Namespace) -> int:
    if args.start + args.count - 1 > options.MAX_SEED:
        raise ParamsError(
            "--start", f"a first seed such that the last ({args.start} + --count - 1) is at most {options.MAX_SEED}"
        )
    from ..io.files import dump_json
    from ..variants.draw import read_variant_options
    from ..variants.stress import run_stress

    report = run_stress(
        args.count,
        start=args.start,
        context=options.context(args),
        options=read_variant_options(args.variant_options),
        scheduler=options.scheduler(args),
    )
    if args.json:
        sys.stdout.write(dump_json(report.json()))
    else:
        print(report.text())
    return 1 if report.failed else 0
