"""Options several commands share, and the build context and variant selection they imply."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..build.pipeline import Variant, read_params, read_params_and_variant, solve_all
from ..build.selection import SKIP_FIELD, require_data, skip_list
from ..kernel.problem import BuildContext, DataFolder
from ..problems import PROBLEMS

DEFAULT_OUT = Path("output")


def data_folders() -> list[DataFolder]:
    """The data folders the problems declare, each once (two problems may share one)."""
    return list({folder.option: folder for problem in PROBLEMS for folder in problem.data_folders}.values())


def context_options(parser: argparse.ArgumentParser) -> None:
    for folder in data_folders():
        parser.add_argument(f"--{folder.option}", dest=folder.dest, metavar="DIR", help=folder.help)
    parser.add_argument("--cache-dir", metavar="DIR", help="cache for trained models (default: output/.cache)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="PROBLEM",
        help="leave this problem out of the sheets and the key (repeatable): " + ", ".join(p.section for p in PROBLEMS),
    )


def params_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", metavar="FILE", help="YAML or JSON parameters (default: the homework's values)")
    context_options(parser)


def variant_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--variant-options",
        metavar="FILE",
        help="YAML/JSON drawing options per problem (e.g. beam_search: {misses_optimum: false})",
    )


def scheduler_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run one task per student on a Dask cluster: tcp://HOST:PORT, or local:N for N local workers (needs hw6[dask])",
    )


def scheduler(args: argparse.Namespace) -> str | None:
    """The checked ``--scheduler`` (None: run here)."""
    from ..variants.cluster import check_scheduler

    text = getattr(args, "scheduler", None)
    return None if text is None else check_scheduler(text)


def jobs(text: str) -> int:
    value = _whole_number(text)
    if value is None or not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected a number of worker processes from 1 to 64, got {text!r}")
    return value


MAX_COUNT = 1_000_000
MAX_SEED = 2**63 - 1


def _whole_number(text: str) -> int | None:
    text = text.strip()
    digits = text[1:] if text[:1] in "+-" else text
    return int(text) if digits.isdigit() and len(digits) <= 19 else None


def count(text: str) -> int:
    """``--count``: how many, from 1 to MAX_COUNT."""
    value = _whole_number(text)
    if value is None or not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"expected a count from 1 to {MAX_COUNT:,}, got {text!r}")
    return value


def seed(text: str) -> int:
    """A seed on the command line: an integer from 0 to 2**63 - 1."""
    value = _whole_number(text)
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to {MAX_SEED}, got {text!r}")
    return value


def context(args: argparse.Namespace, *, sheets: bool = True) -> BuildContext:
    """The build context the options give. With ``sheets`` (a command that writes sheets or a key to
    hand out) a problem whose required data folder is missing must be skipped explicitly; commands
    that grade (whose keys' data parts are graded by staff) solve it without its data."""
    cache = getattr(args, "cache_dir", None) or DEFAULT_OUT / ".cache"
    folders = {folder.key: getattr(args, folder.dest, None) for folder in data_folders()}
    given = {key: Path(value) for key, value in folders.items() if value}
    skip = skip_list(getattr(args, "skip", None) or [], PROBLEMS)
    if getattr(args, "params", None):  # a params.json records what its build left out: rebuild the same
        skip |= read_params(args.params).get(SKIP_FIELD, frozenset())
    if getattr(args, "manifest", None):  # so does a batch's manifest
        from ..variants.manifest import recorded_skips

        skip |= skip_list(recorded_skips(args.manifest), PROBLEMS, f"{args.manifest}: skipped")
    built = BuildContext(cache_dir=Path(cache), data_folders=given, progress=sys.stderr.isatty(), skip=skip)
    if sheets:
        require_data(PROBLEMS, built)
    return built


def solved(args: argparse.Namespace, build_context: BuildContext, options: dict) -> tuple[list, Variant, Any, Any]:
    """What ``--seed N`` draws, or what ``--params FILE`` (default: the homework) says: the solved
    problems, the variant they are, and the grading and document sections (None for a seed)."""
    from ..variants.draw import draw, parse_seed

    if args.seed is not None:
        drawn = draw(parse_seed(args.seed), build_context, options=options)
        return drawn.solved, drawn.variant, None, None
    params, variant = read_params_and_variant(args.params)
    return solve_all(params, build_context), variant, params.get("grading"), params.get("document")
