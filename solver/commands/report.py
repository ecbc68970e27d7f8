"""``hw6 report``: item analysis of a graded class (score distributions, modelled mistakes, variants)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "report"
HELP = "item analysis of a graded class as one HTML page (and JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", metavar="RESULTS", help="what 'hw6 check --json' printed for a class")
    parser.add_argument("--out", metavar="FILE", required=True, help="the HTML page to write")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")


def run(args: argparse.Namespace) -> int:
    from ..analysis import numbers
    from ..analysis.measures import analyse
    from ..analysis.page import page
    from ..analysis.results import read_results
    from ..io.files import dump_json, ensure_writable_dir, write_text_atomic
    from ..kernel.errors import OutputError

    targets = [Path(args.out)] + ([Path(args.json)] if args.json else [])
    for target in targets:  # both writable before either is written
        if target.is_dir():
            raise OutputError(f"{target}: is a folder, expected a file to write")
        ensure_writable_dir(target.parent)
    analysis = analyse(read_results(args.results))
    html = page(analysis, Path(args.results).name)
    data = dump_json(numbers(analysis)) if args.json else None
    write_text_atomic(args.out, html)
    if data is not None:
        write_text_atomic(args.json, data)
    return 0
