"""``hw6 check``: grade students' answers against the answer key of their own variant."""

from __future__ import annotations

import argparse
import os
import sys

from ..core.errors import CrossCheckFailed
from ..core.pipeline import answer_key, run_checks
from ..io.files import StagedOutput, dump_json, write_text_atomic
from . import options

NAME = "check"
HELP = "grade students' answers against the answer key"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("answers", metavar="ANSWERS", help="a YAML/JSON answer file, a folder of them, or a class CSV")
    options.params_option(parser)
    parser.add_argument("--seed", metavar="N", help="grade against the variant with this seed instead of --params")
    parser.add_argument(
        "--manifest", metavar="CSV", help="a batch's manifest.csv: grade each student against their own variant"
    )
    options.variant_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--gradescope", metavar="FILE", help="write Gradescope's results.json (a folder of them for a class)"
    )
    parser.add_argument(
        "--jobs", metavar="N", type=options.jobs, help="worker processes (default: 1, or 2 for a class)"
    )


def run(args: argparse.Namespace) -> int:
    from ..grading import gradescope, report
    from ..grading.runner import KeyGroup, compile_key, grade_groups
    from ..grading.submissions import read_submissions
    from ..variants.draw import draw, read_manifest_seeds, read_variant_options

    context = options.context(args)
    drawing = read_variant_options(args.variant_options)
    solved, variant, grading = options.solved(args, context, drawing)
    keys: dict[int | None, dict] = {None: _checked_key(solved, variant, grading)}

    def key_for_seed(seed: int) -> dict:
        if seed not in keys:  # each student's own variant, drawn and checked once
            drawn = draw(seed, context, options=drawing)
            keys[seed] = _checked_key(drawn.solved, drawn.variant, grading)
        return keys[seed]

    seeds = read_manifest_seeds(args.manifest, drawing) if args.manifest else None
    staff_key = getattr(args, "seed", None) is not None or getattr(args, "params", None) is not None
    submissions, is_class = read_submissions(
        args.answers, keys[None], key_for_seed=key_for_seed, seeds=seeds, fixed_variant=staff_key
    )
    jobs = args.jobs or (min(2, os.cpu_count() or 1) if is_class else 1)
    groups = {seed: [s for s in submissions if s.seed == seed] for seed in dict.fromkeys(s.seed for s in submissions)}
    graders = {seed: compile_key(keys[seed]) for seed in groups}
    graded = grade_groups([KeyGroup(keys[seed], graders[seed], group) for seed, group in groups.items()], jobs=jobs)
    by_submission = {}
    for seed, group_results in zip(groups, graded, strict=True):
        for submission, result in zip(groups[seed], group_results, strict=True):
            if seed is not None:
                result.notes.insert(0, f"graded against the variant with seed {seed}")
            by_submission[id(submission)] = result
        for part_id, grader in graders[seed].compiled().items():
            if reason := getattr(grader, "reason", ""):
                print(f"hw6: note: part {part_id} is not graded automatically: {reason}", file=sys.stderr)
    results = [by_submission[id(s)] for s in submissions]

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
