"""``hw6 export gradescope``: a Gradescope autograder zip that grades each student's own variant.

The zip's root holds what Gradescope requires (``setup.sh``, ``run_autograder``) and what they
need: hw6 as a wheel (the code that drew the variants), ``config.json`` (points, visibility,
time limit, pinned grading dependencies) and ``variants/``: each variant's ``params.json``
and, for a batch, a manifest matching Gradescope's submitters (sid, email, id) to them. Keys
are rebuilt from the parameters at grading time and compared with a digest taken here; no
answer of the written parts is in the zip. Exported with the surnames folder (``--names-dir``),
the zip also grades Problem 4's code submission: ``variants/code_submission.json`` is the key's
test set (names and their languages, which the public data set lists anyway), since the
autograder has no data to rebuild it from. One zip then serves both Gradescope assignments
(the written answers and "Code"): it grades whichever file a student uploads, or both.
The same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__, options
from ..build.pipeline import params_from_data, params_json, read_params_and_variant, solve_all, variant_from_data
from ..engine.answer_format import gradable
from ..engine.runner import TIME_LIMIT
from ..grading.keycache import checked_answer_key
from ..io.files import dump_json, parse_structured, write_bytes_atomic
from ..kernel.errors import InputFileError
from ..kernel.problem import BuildContext
from ..variants.draw import draw, parse_seed, read_variant_options
from ..variants.manifest import text_digest
from ..variants.roster import spreadsheet_safe
from . import wheel
from .autograder import key_sha256, rebuild
from .selection import VariantFile, add_drawing_arguments, manifest_rows

NAME = "gradescope"
HELP = "a Gradescope autograder zip (setup.sh, run_autograder, hw6 wheel, each variant's parameters)"
MANIFEST_FIELDS = ("student_id", "email", "sid", "params", "params_sha256", "key_sha256", "points")
FORMAT = 1  # of config.json and the variants manifest, read by solver.export.autograder
CODE_FILE = "code_submission.json"  # answers.json's code_submission: what a submission_log.json is graded against


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="ZIP", required=True, help="the autograder zip to write")
    parser.add_argument("--params", metavar="FILE", help="one variant for everyone: these parameters")
    parser.add_argument("--seed", metavar="N", help="one variant for everyone: the variant with this seed")
    parser.add_argument("--manifest", metavar="CSV", help="a batch's manifest.csv: each student their own variant")
    parser.add_argument(
        "--visibility",
        choices=("visible", "after_published"),
        default="visible",
        help="when students see their results (default: visible; after_published: when staff publish grades)",
    )
    add_drawing_arguments(parser)

    for folder in options.data_folders():  # the surnames: the zip then grades submission_log.json too
        parser.add_argument(f"--{folder.option}", dest=folder.dest, metavar="DIR", help=folder.help)


def run(args: argparse.Namespace) -> int:
    if sum(x is not None for x in (args.params, args.seed, args.manifest)) > 1:
        raise InputFileError("--params, --seed and --manifest are alternatives; give one")
    context = options.context(args, sheets=False)
    variants = manifest_rows(Path(args.manifest)) if args.manifest else [_single_variant(args, context)]
    digests, points = _verified_keys(variants, context)
    code = code_section(variants, context)
    files = autograder_files(variants, digests, points, args.visibility, code)
    spread = f"{min(points):g}" if min(points) == max(points) else f"{min(points):g} to {max(points):g}"
    write_bytes_atomic(args.out, wheel.deterministic_zip(files, executables=("setup.sh", "run_autograder")))
    size = sum(len(content) for _, content in files)
    graded_log = f"; a submission_log.json is graded for {code['points']:g} points" if code else ""
    print(
        f"hw6: wrote {args.out}: {len(variants)} variant(s), {spread} points graded automatically{graded_log}, "
        f"{size:,} bytes"
    )
    return 0


def _single_variant(args: argparse.Namespace, context) -> VariantFile:
    if args.seed is not None:
        drawn = draw(parse_seed(args.seed), context, options=read_variant_options(args.variant_options))
        recorded: dict[str, Any] = dict(drawn.params)
        variant = drawn.variant
    else:
        recorded, variant = read_params_and_variant(args.params)
    return VariantFile("params.json", dump_json(params_json(recorded, variant)))


def _verified_keys(variants: list[VariantFile], context) -> tuple[list[str], list[float]]:
    """Each variant's key digest (its cross-checks must agree) and its points graded automatically."""
    context = BuildContext(cache_dir=context.cache_dir)  # the autograder has no data sets: Problem 4 is not solved
    digests, points = [], []
    for variant in variants:
        parts, _ = rebuild(variant.params_text, variant.path, context)
        digests.append(key_sha256(parts))
        points.append(round(sum(float(spec.get("points", 1)) for spec in gradable(parts).values()), 4))
    return digests, points


def code_section(variants: list[VariantFile], context) -> dict[str, Any] | None:
    """answers.json's ``code_submission`` (the test set a student's submission_log.json is graded
    against), when the surnames folder was given; None otherwise (the zip then grades answers only).

    The autograder cannot rebuild it: it has no data set. It is the same for every variant, since it
    depends only on the data and Problem 4's and the grading parameters, which no variant draws; a
    batch whose variants differ there is refused rather than graded against one of them."""

    if not context.data_folders:
        return None
    first = parse_structured(variants[0].params_text, variants[0].path, json_only=True)
    same = ("names_classifier", "grading")
    for variant in variants[1:]:
        other = parse_structured(variant.params_text, variant.path, json_only=True)
        if any(other.get(section) != first.get(section) for section in same):
            raise InputFileError(
                f"{variant.path}: its names_classifier or grading parameters differ from {variants[0].path}'s; "
                "the autograder grades every submission_log.json against one test set"
            )
    params = params_from_data(first, variants[0].path)
    key = checked_answer_key(solve_all(params, context), variant_from_data(first), params["grading"])
    return key.get("code_submission")


def autograder_files(
    variants: list[VariantFile],
    digests: list[str],
    points: list[float],
    visibility: str,
    code: dict[str, Any] | None = None,
) -> list[tuple[str, bytes]]:
    """(name, content) of every file of the zip, in a fixed order."""
    scripts = resources.files("solver.export") / "scripts"
    roster = bool(variants[0].student_id)
    config = {
        "format": FORMAT,
        "version": __version__,
        "wheel": wheel.wheel_name(),
        "requirements": wheel.pinned_dependencies(),
        "visibility": visibility,
        "time_limit": TIME_LIMIT,
        "points": max(points),  # the most any variant gives; each variant's own is in its digests
        "variants": "manifest.csv" if roster else "params.json",
    }
    if code is not None:  # one zip grades the written answers, a submission_log.json, or both
        code_text = dump_json(code)
        config["code_submission"] = {"file": CODE_FILE, "sha256": text_digest(code_text), "points": code["points"]}
    files: list[tuple[str, bytes]] = [
        ("setup.sh", (scripts / "setup.sh").read_bytes()),
        ("run_autograder", (scripts / "run_autograder").read_bytes()),
        ("config.json", dump_json(config).encode()),
        (wheel.wheel_name(), wheel.build_wheel()),
    ]
    if roster:
        files.append(("variants/manifest.csv", manifest_text(variants, digests, points).encode()))
    else:
        config_digest = {
            "params_sha256": text_digest(variants[0].params_text),
            "key_sha256": digests[0],
            "points": points[0],
        }
        files.append(("variants/digests.json", json.dumps(config_digest, sort_keys=True).encode() + b"\n"))
    files += [(f"variants/{v.path}", v.params_text.encode()) for v in sorted(variants, key=lambda v: v.path)]
    if code is not None:
        files.append((f"variants/{CODE_FILE}", code_text.encode()))
    return files


def manifest_text(variants: list[VariantFile], digests: list[str], points: list[float]) -> str:
    """The autograder's ``variants/manifest.csv``: a row per student, every cell spreadsheet-safe
    (the autograder reads it back with :func:`..variants.roster.unguard_spreadsheet`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANIFEST_FIELDS)
    for variant, digest, total in zip(variants, digests, points, strict=True):
        sha = text_digest(variant.params_text)
        cells = [variant.student_id, variant.email, variant.sid, variant.path, sha, digest, f"{total:g}"]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue()
