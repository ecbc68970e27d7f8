"""A batch's variant found by the label its student sees, through the batch's manifest only.

Sheets name a variant by an opaque label (:func:`solver.build.variant.opaque_label`), a keyed hash
of its seed under the batch's ``--salt``: without the manifest a label names no seed, so ``hw6 key``
and ``hw6 build`` take ``--label`` only together with ``--manifest``. The row found is checked as
grading checks it (:mod:`.manifest`): its seed must still draw the parameters it records, or, for a
row of another hw6 version, the student's params.json beside the manifest must match and is used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..build.pipeline import Solved, Variant, options_from_data, read_params_and_variant, solve_all
from ..build.variant import normal_label
from ..io.files import read_csv_rows
from ..kernel.errors import InputFileError, ParamsError
from ..kernel.problem import BuildContext
from .manifest import MAX_MANIFEST_BYTES, REQUIRED_COLUMNS, Row, VerifiedManifest, params_digest
from .manifest import _row_problem as row_problem
from .roster import unguard_spreadsheet

LABEL_COLUMN = "label"


@dataclass(frozen=True)
class Labelled:
    """The manifest's row for one label, and the drawing options it records."""

    row: Row
    label: str
    options: dict[str, Any]
    student: str  # as the batch printed it on the sheets: the name, or the id without one


def find_label(manifest: str | Path, label: str) -> Labelled:
    """The one row of ``manifest`` whose label is ``label``; one-line errors name the file and line."""
    path = Path(manifest)
    wanted = normal_label(label)
    if wanted is None:
        raise ParamsError("--label", "a variant label as printed on the sheets, such as 7KQ2-M9XD", label)
    rows = read_csv_rows(path, MAX_MANIFEST_BYTES, "a manifest CSV")
    header = [cell.strip() for cell in rows[0]] if rows else []
    missing = [c for c in (*REQUIRED_COLUMNS, LABEL_COLUMN) if c not in header]
    if missing:
        raise InputFileError(f"{path}: no {', '.join(missing)} column; expected the manifest hw6 batch writes")
    found = []
    for line, cells in enumerate(rows[1:], start=2):
        row = {name: unguard_spreadsheet(value).strip() for name, value in zip(header, cells, strict=False)}
        if normal_label(row.get(LABEL_COLUMN, "")) == wanted:
            found.append((line, row))
    if not found:
        raise InputFileError(f"{path}: no variant is labelled {wanted}")
    if len({row["seed"] for _, row in found}) > 1:
        lines = " and ".join(str(line) for line, _ in found)
        raise InputFileError(f"{path}: lines {lines}: the label {wanted} names different seeds")
    line, row = found[0]
    options_text = row.get("variant_options", "")
    try:
        options = options_from_data(json.loads(options_text) if options_text else None, "variant_options")
    except (ValueError, ParamsError):
        raise InputFileError(f"{path}: line {line}: variant_options is not the drawing options hw6 writes") from None
    fields = ("student_id", "folder", "seed", "version", "variant_options", "params_sha256")
    student = row.get("name") or row.get("student_id", "")
    return Labelled(Row(line, *(row.get(name, "") for name in fields)), wanted, options, student)


def solved_for_label(
    manifest: str | Path, label: str, context: BuildContext | None = None
) -> tuple[list[Solved], Variant]:
    """The solved problems of the variant labelled ``label`` in ``manifest``, and the variant (its label
    as printed), after checking the row as grading would (see the module's docstring)."""
    from .draw import draw, parse_seed

    path = Path(manifest)
    found = find_label(path, label)
    try:
        seed = parse_seed(found.row.seed_text, "seed")
    except ParamsError as exc:
        raise InputFileError(f"{path}: line {found.row.line}: {exc}") from None
    drawn: list[Any] = []

    def digest_for_seed(seed: int) -> str:
        drawn.append(draw(seed, context, student=found.student, options=found.options, label=found.label))
        return params_digest(drawn[-1].params, drawn[-1].variant)

    verified = VerifiedManifest(path)
    problem = row_problem(path, found.row, seed, digest_for_seed, verified)
    if problem:
        raise InputFileError(f"{path}: line {found.row.line}: {found.row.student or '(no id)'}: {problem}")
    if seed in verified.params_files:  # drawn by another hw6 version: its params.json is the variant
        params, variant = read_params_and_variant(verified.params_files[seed])
        return solve_all(params, context), replace(variant, student=found.student, label=found.label)
    return drawn[-1].solved, drawn[-1].variant


def check_label_arguments(label: str | None, manifest: str | None, alternatives: dict[str, object]) -> bool:
    """Whether a command was asked for a variant by label; ``--label`` comes only with ``--manifest``
    and with none of ``alternatives`` (option -> its value, None when not given)."""
    if label is None:
        return False
    if manifest is None:
        raise ParamsError("--label", "--manifest too: only the batch's manifest.csv ties a label to its variant")
    given = [option for option, value in alternatives.items() if value is not None]
    if given:
        raise ParamsError("--label", f"no {', '.join(given)} (the manifest records the variant)", None)
    return True


def labels_by_seed(manifest: str | Path) -> dict[int, str]:
    """Each seed's label as a batch's manifest records it (empty for a manifest without labels), so
    what students are told names their variant by its label, never by its seed."""
    rows = read_csv_rows(Path(manifest), MAX_MANIFEST_BYTES, "a manifest CSV")
    header = [cell.strip() for cell in rows[0]] if rows else []
    if LABEL_COLUMN not in header or "seed" not in header:
        return {}
    seed_at, label_at = header.index("seed"), header.index(LABEL_COLUMN)
    labels = {}
    for cells in rows[1:]:
        if len(cells) > max(seed_at, label_at):
            seed_text, label = unguard_spreadsheet(cells[seed_at]).strip(), normal_label(cells[label_at])
            if seed_text.isdigit() and label is not None:
                labels[int(seed_text)] = label
    return labels
