"""The ``hw6`` command.

Exit codes: 0 success; 1 a cross-check disagrees; 2 bad input, unwritable
output or LaTeX failure (one message on stderr naming the field or file).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from . import __version__
from .core.errors import CrossCheckFailed, Hw6Error, InputWarning
from .core.pipeline import (
    Variant,
    answer_key,
    prepare,
    read_params,
    read_params_and_variant,
    run_checks,
    solve_all,
    write,
)
from .io.files import StagedOutput, dump_json, write_text_atomic
from .io.text import table
from .problems import BuildContext

DEFAULT_OUT = Path("output")


def _context(args: argparse.Namespace) -> BuildContext:
    cache = getattr(args, "cache_dir", None) or DEFAULT_OUT / ".cache"
    names = getattr(args, "names_dir", None)
    return BuildContext(cache_dir=Path(cache), names_dir=Path(names) if names else None, progress=sys.stderr.isatty())


def _solved(args: argparse.Namespace, context: BuildContext, options: dict) -> tuple[list, Variant, object]:
    """What ``--seed N`` draws, or what ``--params FILE`` (default: the homework) says:
    the solved problems, the variant they are, and the grading section (None for a seed)."""
    from .variants.draw import draw, parse_seed

    if args.seed is not None:
        drawn = draw(parse_seed(args.seed), context, options=options)
        return drawn.solved, drawn.variant, None
    params, variant = read_params_and_variant(args.params)
    return solve_all(params, context), variant, params.get("grading")


def cmd_build(args: argparse.Namespace) -> int:
    from .variants.draw import read_variant_options

    solved, variant, grading = _solved(args, _context(args), read_variant_options(args.variant_options))
    built = write(prepare(solved, variant, grading), args.out, pdf=not args.no_pdf)
    for path in built.written:
        print(path)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .variants.batch import run_batch
    from .variants.draw import read_variant_options

    options = read_variant_options(args.variant_options)
    result = run_batch(
        args.roster,
        args.out,
        jobs=args.jobs,
        salt=args.salt,
        pdf=not args.no_pdf,
        context=_context(args),
        options=options,
    )
    print(
        f"built {len(result.built)}, already done {len(result.skipped)}, failed {len(result.failed)}; manifest: {result.manifest}"
    )
    for student_id, message in result.failed.items():
        print(f"hw6: error: student {student_id}: {message}", file=sys.stderr)
    return 1 if result.failed else 0


def cmd_stress(args: argparse.Namespace) -> int:
    from .variants.draw import read_variant_options
    from .variants.stress import run_stress

    options = read_variant_options(args.variant_options)
    report = run_stress(args.count, start=args.start, context=_context(args), options=options)
    print(report.text())
    return 1 if report.failures else 0


def cmd_key(args: argparse.Namespace) -> int:
    params = read_params(args.params)
    solved = solve_all(params, _context(args))
    sys.stdout.write(dump_json(answer_key(solved, grading=params.get("grading"))))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    solved = solve_all(read_params(args.params), _context(args))
    checks, notes = run_checks(solved, oracle=not args.no_torch)
    rows = [
        (
            c.part,
            c.backend,
            c.exact,
            c.numeric,
            "" if c.error is None else f"{c.error:.1e}",
            "yes" if c.agrees else "NO",
        )
        for c in checks
    ]
    print(table(("part", "backend", "exact", "numeric", "rel. error", "agrees"), rows))
    for note in notes:
        print(f"note: {note}")
    failed = sum(not c.agrees for c in checks)
    print(f"{len(checks) - failed} of {len(checks)} checks agree")
    return 1 if failed else 0


def cmd_check(args: argparse.Namespace) -> int:
    from .grading import gradescope, report
    from .grading.runner import compile_key, grade_submissions
    from .grading.submissions import read_submissions
    from .variants.draw import draw, read_manifest_seeds, read_variant_options

    context = _context(args)
    options = read_variant_options(args.variant_options)
    solved, variant, grading = _solved(args, context, options)
    keys = {None: _checked_key(solved, variant, grading)}

    def key_for_seed(seed: int) -> dict:
        if seed not in keys:  # each student's own variant, drawn and checked once
            drawn = draw(seed, context, options=options)
            keys[seed] = _checked_key(drawn.solved, drawn.variant, grading)
        return keys[seed]

    seeds = read_manifest_seeds(args.manifest, options) if args.manifest else None
    submissions, is_class = read_submissions(args.answers, keys[None], key_for_seed=key_for_seed, seeds=seeds)
    jobs = args.jobs or (min(2, os.cpu_count() or 1) if is_class else 1)
    results: list = [None] * len(submissions)
    for seed in dict.fromkeys(s.seed for s in submissions):
        group = [i for i, s in enumerate(submissions) if s.seed == seed]
        graders = compile_key(keys[seed])
        graded = grade_submissions(keys[seed], [submissions[i] for i in group], jobs=jobs, graders=graders)
        for index, result in zip(group, graded, strict=False):
            if seed is not None:
                result.notes.insert(0, f"graded against the variant with seed {seed}")
            results[index] = result
        for part_id, grader in graders.compiled().items():
            if getattr(grader, "reason", ""):
                print(f"hw6: note: part {part_id} is not graded automatically: {grader.reason}", file=sys.stderr)

    if args.gradescope:
        if is_class:  # one results.json per student, in a folder
            taken: set[str] = set()
            with StagedOutput(args.gradescope) as staged:
                for result in results:
                    staged.write_text(
                        gradescope.file_name(result.student, taken), dump_json(gradescope.results_json(result))
                    )
                staged.commit()
        else:
            write_text_atomic(args.gradescope, dump_json(gradescope.results_json(results[0])))
    if args.json:
        data = [report.student_json(r) for r in results]
        sys.stdout.write(dump_json(data if is_class else data[0]))
    else:
        print(report.class_tables(results) if is_class else report.student_table(results[0]))
    return 0


def _checked_key(solved, variant, grading) -> dict:
    """The key's parts, only once every cross-check of the answers they come from agrees."""
    checks, _ = run_checks(solved)
    failures = [c for c in checks if not c.agrees]
    if failures:
        raise CrossCheckFailed(failures)
    return answer_key(solved, variant, grading)["parts"]


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected a number of worker processes from 1 to 64, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hw6", description="Solve, check and typeset Homework 6.")
    parser.add_argument("--version", action="version", version=f"hw6 {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def context_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--names-dir", metavar="DIR", help="folder of surname files for Problem 4")
        sub.add_argument("--cache-dir", metavar="DIR", help="cache for trained models (default: output/.cache)")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--params", metavar="FILE", help="YAML or JSON parameters (default: the homework's values)")
        context_options(sub)

    def variant_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--variant-options",
            metavar="FILE",
            help="YAML/JSON drawing options per problem (e.g. beam_search: {misses_optimum: false})",
        )

    sub = commands.add_parser("build", help="write solutions.tex/pdf, problems.tex/pdf, answers.json, params.json")
    common(sub)
    sub.add_argument("--seed", metavar="N", help="draw the variant with this seed instead of reading --params")
    variant_options(sub)
    sub.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help="output folder (default: output/)")
    sub.add_argument("--no-pdf", action="store_true", help="write the .tex files and key only")
    sub.set_defaults(handler=cmd_build)

    sub = commands.add_parser("batch", help="one variant per student of a roster, with a manifest")
    sub.add_argument("--roster", metavar="CSV", required=True, help="UTF-8 CSV with an id column and optionally name")
    sub.add_argument("--out", metavar="DIR", required=True, help="one folder per student goes here")
    sub.add_argument("--jobs", type=int, default=1, metavar="N", help="LaTeX runs in parallel (default 1)")
    sub.add_argument("--salt", default="", metavar="TEXT", help="mixed into every student's seed")
    variant_options(sub)
    sub.add_argument("--no-pdf", action="store_true", help="write the .tex files and keys only")
    context_options(sub)
    sub.set_defaults(handler=cmd_batch)

    sub = commands.add_parser("stress", help="draw and check many variants; report failures, timing, spread")
    sub.add_argument("--count", type=int, default=100, metavar="N", help="how many variants (default 100)")
    sub.add_argument("--start", type=int, default=0, metavar="SEED", help="first seed (default 0)")
    variant_options(sub)
    context_options(sub)
    sub.set_defaults(handler=cmd_stress)

    sub = commands.add_parser("key", help="print the answer key as JSON")
    common(sub)
    sub.set_defaults(handler=cmd_key)

    sub = commands.add_parser("verify", help="run every cross-check and print a table")
    common(sub)
    sub.add_argument("--no-torch", action="store_true", help="skip the torch oracle even when installed")
    sub.set_defaults(handler=cmd_verify)

    sub = commands.add_parser("check", help="grade students' answers against the answer key")
    sub.add_argument("answers", metavar="ANSWERS", help="a YAML/JSON answer file, a folder of them, or a class CSV")
    common(sub)
    sub.add_argument("--seed", metavar="N", help="grade against the variant with this seed instead of --params")
    sub.add_argument(
        "--manifest", metavar="CSV", help="a batch's manifest.csv: grade each student against their own variant"
    )
    variant_options(sub)
    sub.add_argument("--json", action="store_true", help="print JSON instead of tables")
    sub.add_argument(
        "--gradescope", metavar="FILE", help="write Gradescope's results.json (a folder of them for a class)"
    )
    sub.add_argument("--jobs", metavar="N", type=_jobs, help="worker processes (default: 1, or 2 for a class)")
    sub.set_defaults(handler=cmd_check)
    return parser


def _one_line_input_warnings(fallback):
    """A ``warnings.showwarning`` that prints input warnings as one line on stderr."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        if issubclass(category, InputWarning):
            print(f"hw6: warning: {message}", file=sys.stderr)
        else:
            fallback(message, category, filename, lineno, file, line)

    return show


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "seed", None) is not None and getattr(args, "params", None) is not None:
        print("hw6: error: --seed and --params are alternatives; give one", file=sys.stderr)
        return 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default", InputWarning)  # once per message and call of main()
            warnings.showwarning = _one_line_input_warnings(warnings.showwarning)
            return args.handler(args)
    except Hw6Error as exc:
        print(f"hw6: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hw6: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `hw6 key | head`: the reader left, which is not an error
        sys.stderr.close()
        return 0
