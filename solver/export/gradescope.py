"""``hw6 export gradescope``: a Gradescope autograder zip that grades each student's own variant.

The zip's root holds what Gradescope requires (``setup.sh``, ``run_autograder``) and what they
need: hw6 as a wheel (its grading engine), ``config.json`` (points, visibility, time limit,
pinned grading dependencies) and ``variants/``: each variant's ``params.json`` and ``key.json``
(its answer key, solved and passed by every cross-check here) and, for a batch, a manifest
matching Gradescope's submitters (sid, email, id) to them with the SHA-256 of both files. The
autograder grades from the shipped key once its digest is the manifest's and never solves a
variant, so its venv needs no PyTorch or Jupyter (Problems 3 and 4 execute notebooks to solve).
Students never see an autograder's files on Gradescope, so the keys are as safe there as the
parameters; no file a student is given holds an answer. Exported with the surnames folder (``--names-dir``),
the zip also grades Problem 4's code submission: ``variants/code_submission.json`` is the key's
test set (names and their languages, which the public data set lists anyway). One zip then serves both Gradescope assignments
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
from ..build.pipeline import (
    answer_key,
    params_from_data,
    params_json,
    read_params_and_variant,
    recorded_params,
    solve_all,
    variant_from_data,
)
from ..engine.answer_format import gradable
from ..engine.runner import TIME_LIMIT
from ..grading.keycache import checked_answer_key, checked_parts, part_titles
from ..io.files import dump_json, parse_structured, write_bytes_atomic
from ..kernel.errors import InputFileError
from ..kernel.problem import BuildContext
from ..variants.draw import draw, parse_seed, read_variant_options
from ..variants.manifest import text_digest
from ..variants.roster import spreadsheet_safe
from . import wheel
from .autograder import key_path, key_sha256, key_text
from .selection import VariantFile, add_drawing_arguments, manifest_rows

NAME = "gradescope"
HELP = "a Gradescope autograder zip (setup.sh, run_autograder, hw6 wheel, each variant's parameters and key)"
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
    keys, points = _verified_keys(variants, context)
    code = code_section(variants, context)
    files = autograder_files(variants, keys, points, args.visibility, code)
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


def rebuild(params_text: str, label: str, context, *, checks: bool = True) -> str:
    """The text of a variant's ``key.json`` (see :func:`.autograder.key_text`), solved from its
    params.json text; with ``checks`` only once every cross-check agrees. The parameters the
    solve records must be the ones given (the same text), or the key would be another variant's."""
    raw = parse_structured(params_text, label, json_only=True)
    params, variant = params_from_data(raw, label), variant_from_data(raw)
    solved = solve_all(params, context)
    if checks:
        parts = checked_parts(solved, variant, params["grading"])
    else:
        parts = answer_key(solved, variant, params["grading"])["parts"]
    recorded = recorded_params(solved, params["grading"], params["document"])
    digest = text_digest(params_text)
    if text_digest(dump_json(params_json(recorded, variant))) != digest:
        raise InputFileError(f"{label}: solving it records other parameters than it holds (another hw6 version?)")
    return key_text(parts, part_titles(solved), variant.seed, digest)


def _verified_keys(variants: list[VariantFile], context) -> tuple[list[str], list[float]]:
    """Each variant's key.json text (its cross-checks must agree) and its points graded automatically."""
    context = BuildContext(cache_dir=context.cache_dir)  # the written key needs no data set: Problem 4's log aside
    keys, points = [], []
    for variant in variants:
        text = rebuild(variant.params_text, variant.path, context)
        parts = json.loads(text)["parts"]
        keys.append(text)
        points.append(round(sum(float(spec.get("points", 1)) for spec in gradable(parts).values()), 4))
    return keys, points


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
    keys: list[str],
    points: list[float],
    visibility: str,
    code: dict[str, Any] | None = None,
) -> list[tuple[str, bytes]]:
    """(name, content) of every file of the zip, in a fixed order."""
    digests = [key_sha256(text) for text in keys]
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
    shipped = {v.path: v.params_text for v in variants} | {
        key_path(v.path): k for v, k in zip(variants, keys, strict=True)
    }
    files += [(f"variants/{name}", shipped[name].encode()) for name in sorted(shipped)]
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
