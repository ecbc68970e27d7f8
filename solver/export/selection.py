"""Which variants an export writes, the same way for every format: N seeds from ``--start``, or a batch.

``--variants N --start SEED`` means the seeds SEED to SEED + N - 1 (SEED defaults to 0), as in
``hw6 stress``; ``--manifest CSV`` means the distinct variants of a batch, each ``params.json``
checked against the manifest's digest. Every exported key has passed its cross-checks.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..build.pipeline import Solved
from ..io.files import read_text, write_bytes_atomic
from ..kernel.errors import InputFileError
from ..variants.manifest import text_digest

MAX_VARIANTS = 500


@dataclass(frozen=True)
class Exported:
    """One variant to export: its seed (None: parameters without one), label, digest, problems and key."""

    seed: int | None
    label: str  # "seed 7", or "parameters <digest>" for a variant without a seed
    params_sha256: str  # of its params.json, as a batch's manifest records it
    solved: list[Solved]
    parts: dict[str, Any]

    @property
    def solutions(self) -> dict[str, Any]:
        """Each problem's solution by its section."""
        return {item.problem.section: item.solution for item in self.solved}


@dataclass(frozen=True)
class VariantFile:
    """One variant's parameters file in a batch, and who it belongs to (empty for everyone)."""

    path: str  # relative to the batch's folder
    params_text: str
    student_id: str = ""
    email: str = ""
    sid: str = ""


@dataclass(frozen=True)
class Artifact:
    """What an export writes to ``--out``, what it says it wrote, and lines on what it left out."""

    data: bytes
    summary: str
    notes: tuple[str, ...] = ()


def add_export_arguments(parser: argparse.ArgumentParser, out_metavar: str, out_help: str) -> None:
    """``--out FILE`` and the selection of variants: the options of every format that exports variants."""
    parser.add_argument("--out", metavar=out_metavar, required=True, help=out_help)
    add_selection_arguments(parser)


def run_export(args: argparse.Namespace, make: Callable[[list[Exported]], Artifact]) -> int:
    """Select the variants, make the artifact from them and write it to ``--out`` (whole or not at all)."""
    out = out_file(args)
    artifact = make(selected_variants(args))
    write_bytes_atomic(out, artifact.data)
    for note in artifact.notes:
        print(f"hw6: {note}")
    print(f"hw6: wrote {out}: {artifact.summary}")
    return 0


def add_drawing_arguments(parser: argparse.ArgumentParser) -> None:
    """``--variant-options`` and ``--cache-dir``: how the variants are drawn and solved."""
    from ..commands import options

    options.variant_options(parser)
    parser.add_argument("--cache-dir", metavar="DIR", help="cache for trained models (default: output/.cache)")


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    from ..commands import options

    parser.add_argument(
        "--variants", metavar="N", type=variant_count, help="export N variants: the seeds START to START+N-1"
    )
    parser.add_argument("--start", metavar="SEED", type=options.seed, help="the first seed (default 0)")
    parser.add_argument("--manifest", metavar="CSV", help="a batch's manifest.csv: export its distinct variants")
    add_drawing_arguments(parser)


def variant_count(text: str) -> int:
    """``--variants``: how many, from 1 to MAX_VARIANTS."""
    value = int(text) if text.strip().isdigit() and len(text.strip()) <= 6 else 0
    if not 1 <= value <= MAX_VARIANTS:
        raise argparse.ArgumentTypeError(f"expected a number of variants from 1 to {MAX_VARIANTS}, got {text!r}")
    return value


def out_file(args: argparse.Namespace) -> Path:
    """``--out``: the file to write, which must not be a folder."""
    out = Path(args.out)
    if out.is_dir():
        raise InputFileError(f"--out: {out} is a folder; expected the name of the file to write")
    return out


def selected_variants(args: argparse.Namespace) -> list[Exported]:
    """The variants ``--variants N [--start SEED]`` or ``--manifest CSV`` select, keys checked."""
    from ..commands import options
    from ..kernel.problem import BuildContext

    if (args.variants is None) == (args.manifest is None):
        raise InputFileError("give --variants N or --manifest CSV (one of them)")
    if args.manifest is not None and args.start is not None:
        raise InputFileError("--start goes with --variants N, not with --manifest CSV")
    context = BuildContext(cache_dir=options.context(args, sheets=False).cache_dir)  # Problem 4's data is not exported
    if args.manifest is not None:
        return manifest_variants(Path(args.manifest), context)
    start = args.start or 0
    if start + args.variants - 1 > options.MAX_SEED:
        raise InputFileError(f"--start: the last seed ({start} + --variants - 1) must be at most {options.MAX_SEED}")
    return seed_variants(range(start, start + args.variants), args.variant_options, context)


def seed_variants(seeds: range | list[int], options_file: str | None, context: Any) -> list[Exported]:
    """The variants of these seeds, drawn with the options of ``--variant-options``."""
    from ..grading.check import checked_parts
    from ..variants.draw import draw, read_variant_options
    from ..variants.manifest import params_digest

    drawing = read_variant_options(options_file)
    exported = []
    for seed in seeds:
        drawn = draw(seed, context, options=drawing)
        parts = checked_parts(drawn.solved, drawn.variant)
        digest = params_digest(drawn.params, drawn.variant)
        exported.append(Exported(seed, f"seed {seed}", digest, drawn.solved, parts))
    return exported


def manifest_variants(manifest: Path, context: Any) -> list[Exported]:
    """A batch's distinct variants (students who share one share its questions), by seed."""
    from ..build.pipeline import params_from_data, solve_all, variant_from_data
    from ..grading.check import checked_parts
    from ..io.files import parse_structured

    exported, seen = [], set()
    for row in manifest_rows(manifest):
        digest = text_digest(row.params_text)
        if digest in seen:
            continue
        seen.add(digest)
        raw = parse_structured(row.params_text, row.path, json_only=True)
        params, variant = params_from_data(raw, row.path), variant_from_data(raw)
        solved = solve_all(params, context)
        parts = checked_parts(solved, variant, params["grading"])
        label = f"seed {variant.seed}" if variant.seed is not None else f"parameters {digest[:12]}"
        exported.append(Exported(variant.seed, label, digest, solved, parts))
    return sorted(exported, key=lambda e: (e.seed is None, e.seed or 0, e.label))


def manifest_rows(manifest: Path) -> list[VariantFile]:
    """Every student of a batch, with their params.json checked against the manifest's digest."""
    from ..variants.roster import student_folder, unguard_spreadsheet

    text = read_text(manifest, 64 * 2**20, "a manifest CSV")
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputFileError(f"{manifest}: not a valid CSV file ({exc})") from None
    needed = {"student_id", "folder", "version", "params_sha256"}
    if not rows or not needed <= set(rows[0]):
        raise InputFileError(f"{manifest}: expected a batch manifest with the columns {', '.join(sorted(needed))}")
    variants = []
    for line, row in enumerate(rows, start=2):
        cell = {key: unguard_spreadsheet(value or "") for key, value in row.items() if key}
        student = cell["student_id"]
        if cell["version"] != __version__:
            raise InputFileError(
                f"{manifest} line {line}: drawn by hw6 {cell['version']}, this is {__version__}; export with that version"
            )
        folder = cell["folder"]
        if folder != student_folder(student):
            raise InputFileError(f"{manifest} line {line}: folder {folder!r} is not the folder of {student!r}")
        params_text = read_text(manifest.parent / folder / "params.json", 4 * 2**20, "a params.json")
        if text_digest(params_text) != cell["params_sha256"]:
            raise InputFileError(
                f"{manifest.parent / folder / 'params.json'}: changed since the batch (digest differs)"
            )
        variants.append(
            VariantFile(f"{folder}/params.json", params_text, student, cell.get("email", ""), cell.get("sid", ""))
        )
    return variants
