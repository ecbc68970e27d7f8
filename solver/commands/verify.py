"""``hw6 verify``: run every cross-check and print a table."""

from __future__ import annotations

import argparse

from ..build.pipeline import read_params, run_checks, solve_all
from ..build.staff_report import checks_table
from . import options

NAME = "verify"
HELP = "run every cross-check and print a table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.params_option(parser)
    parser.add_argument("--no-torch", action="store_true", help="skip the torch oracle even when installed")


def run(args: argparse.Namespace) -> int:
    solved = solve_all(read_params(args.params), options.context(args))
    checks, notes = run_checks(solved, oracle=not args.no_torch)
    print(checks_table(checks))
    for note in notes:
        print(f"note: {note}")
    failed = sum(not c.agrees for c in checks)
    print(f"{len(checks) - failed} of {len(checks)} checks agree")
    return 1 if failed else 0
