"""A batch's ``manifest.csv``, read back and verified before anyone is graded with it.

Every row must still describe the variant its student was given: the seed and version must
draw parameters whose hash is the row's ``params_sha256`` (for a row written by another hw6
version, the student's ``params.json`` beside the manifest must have that hash instead, and
the key is rebuilt from it). A row that fails, an id listed twice, and a student who answers
but has no row are reported one line each and those students are not graded, never against
a guessed variant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..build.pipeline import options_json, params_json
from ..io.files import dump_json, read_csv_rows, read_text, text_digest
from ..kernel.errors import InputFileError, ParamsError
from .draw import parse_seed
from .roster import unguard_spreadsheet

MAX_MANIFEST_BYTES = 64 * 2**20
MAX_PARAMS_BYTES = 4 * 2**20
REQUIRED_COLUMNS = ("student_id", "seed", "version", "params_sha256")
_ROW_FIELDS = ("student_id", "folder", "seed", "version", "variant_options", "params_sha256")  # Row's order
DigestForSeed = Callable[[int], str]  # the params hash of the variant a seed draws in this version


def params_digest(params: Mapping[str, Any], variant: Any) -> str:
    """The manifest's ``params_sha256``: the start of the SHA-256 of the variant's params.json."""
    return text_digest(dump_json(params_json(params, variant)))


@dataclass(frozen=True)
class Row:
    line: int
    student: str
    folder: str
    seed_text: str
    version: str
    options: str
    digest: str


@dataclass
class VerifiedManifest:
    """What grading may use: verified students' seeds, and why the others are left out."""

    path: Path
    seeds: dict[str, int] = field(default_factory=dict)
    params_files: dict[int, Path] = field(default_factory=dict)  # seed -> params.json of another version's row
    problems: dict[str, str] = field(default_factory=dict)  # student id -> "line N: why"
    lines: dict[str, int] = field(default_factory=dict)  # student id -> its (first) line
    owners: dict[str, str | None] = field(default_factory=dict)  # id or folder -> id; None: two rows'

    def problem_lines(self) -> list[str]:
        return [f"{self.path}: {problem}" for problem in self.problems.values()]


def recorded_skips(path: str | Path) -> frozenset[str]:
    """The problems a batch left out (its manifest's ``skipped`` column), so its keys are rebuilt the same."""
    rows = read_csv_rows(Path(path), MAX_MANIFEST_BYTES, "a manifest CSV")
    header = [cell.strip() for cell in rows[0]] if rows else []
    if "skipped" not in header:
        return frozenset()
    column = header.index("skipped")
    return frozenset(name for cells in rows[1:] if len(cells) > column for name in cells[column].split())


def read_rows(path: Path) -> list[Row]:
    rows = read_csv_rows(path, MAX_MANIFEST_BYTES, "a manifest CSV")
    header = [cell.strip() for cell in rows[0]] if rows else []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing or len(rows) < 2:
        raise InputFileError(
            f"{path}: expected a manifest with the columns {', '.join(REQUIRED_COLUMNS)} and a row per student "
            "(hw6 batch writes one)"
        )
    result = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        values = [unguard_spreadsheet(row.get(name) or "").strip() for name in _ROW_FIELDS]
        result.append(Row(line, *values))
    return result


def verify_manifest(
    path: str | Path, options: Mapping[str, Any] | None, digest_for_seed: DigestForSeed
) -> VerifiedManifest:
    """Check every row of the manifest at ``path`` (see the module's docstring)."""
    path = Path(path)
    rows = read_rows(path)
    expected = options_json(options)
    verified = VerifiedManifest(path)
    lines: dict[str, list[int]] = {}
    for row in rows:
        lines.setdefault(row.student, []).append(row.line)
        if row.student:
            verified.lines.setdefault(row.student, row.line)
            for name in dict.fromkeys(n for n in (row.student, row.folder) if n):
                known = verified.owners.setdefault(name, row.student)
                verified.owners[name] = known if known == row.student else None
    for row in rows:
        try:
            drawn_with = json.loads(row.options) if row.options else None
        except ValueError:
            raise InputFileError(f"{path}: line {row.line}: variant_options is not JSON") from None
        if drawn_with != expected:
            raise InputFileError(
                f"{path}: line {row.line}: the batch drew its variants with other options "
                f"({row.options or 'the defaults'}); pass the same --variant-options"
            )
    for row in rows:
        where = f"line {row.line}: {row.student or '(no id)'}"
        if not row.student:
            verified.problems[f"line {row.line}"] = f"{where}: empty student_id"
            continue
        if len(lines[row.student]) > 1:
            listed = ", ".join(map(str, lines[row.student]))
            verified.problems[row.student] = f"line {row.line}: {row.student}: listed on lines {listed}; not graded"
            continue
        try:
            seed = parse_seed(row.seed_text, "seed")
        except ParamsError as exc:
            verified.problems[row.student] = f"{where}: {exc}; not graded"
            continue
        problem = _row_problem(path, row, seed, digest_for_seed, verified)
        if problem:
            verified.problems[row.student] = f"{where}: {problem}; not graded"
        else:
            verified.seeds[row.student] = seed
    return verified


def _row_problem(
    path: Path, row: Row, seed: int, digest_for_seed: DigestForSeed, verified: VerifiedManifest
) -> str | None:
    params_file = path.parent / row.folder / "params.json" if row.folder and "/" not in row.folder else None
    recorded = _file_digest(params_file)
    if row.version != __version__:
        if recorded is None:
            return (
                f"drawn by hw6 {row.version or '(no version)'}, this is hw6 {__version__}, and "
                f"{row.folder or '(no folder)'}/params.json is missing, so the variant cannot be rebuilt"
            )
        if recorded != row.digest:
            return f"drawn by hw6 {row.version}, and its params.json does not match params_sha256 {row.digest!r}"
        verified.params_files[seed] = params_file  # type: ignore[assignment]
        return None
    drawn = digest_for_seed(seed)
    if drawn != row.digest:
        return f"params_sha256 {row.digest!r} is not that of the variant seed {seed} draws ({drawn})"
    if recorded is not None and recorded != row.digest:
        return f"{row.folder}/params.json does not match params_sha256 {row.digest!r}"
    return None


def _file_digest(path: Path | None) -> str | None:
    if path is None or not path.exists():
        return None
    try:
        return text_digest(read_text(path, MAX_PARAMS_BYTES))
    except InputFileError:
        return None
