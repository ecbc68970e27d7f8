"""Reading students' answers: one YAML/JSON file, a folder of them, or a class CSV.

A file maps part ids to answers (``1b: 3 w^2 u1 + 2 w u2 + u3``); nested
mappings are joined with dots (``1a: {t: ..., y: ...}`` is ``1a.t``, ``1a.y``).
A CSV has a ``student`` column and one column per part id; a cell of a list
part (vector, matrix, expr_list, sequences, numbers) is read as YAML/JSON text
(``[1, -2, 3]``), any other cell as plain text.

Files go through the safe readers of :mod:`solver.files` (no tags, no aliases,
size limits). The ANSWERS argument itself must be readable (else exit 2); a bad
file inside a folder, or a bad cell, only makes that student's parts invalid.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine.answer_format import flatten_answers
from ..engine.code_log import LogError, is_log, read_log
from ..engine.kinds import KINDS
from ..engine.runner import Oversized, Submission
from ..io.files import parse_structured, read_structured
from ..io.inputs import read_csv_rows
from ..kernel.errors import InputFileError
from ..kernel.identity import IdentityError, canonical_id
from ..kernel.seeds import seed_or_none

MAX_FILE_BYTES = 4 * 2**20  # one student's file
MAX_CSV_BYTES = 64 * 2**20  # a class
MAX_CELL_YAML = 100_000  # characters of a CSV cell read as YAML
ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
LOG_STEM = "submission_log"  # Problem 4's code submission (see solver.engine.code_log): submission_log.json


Parts = Mapping[str, Mapping[str, Any]]
KeyForSeed = Callable[[int], Parts]  # the answer key's parts of a seeded variant


def read_submissions(
    path: str | Path,
    parts: Parts,
    *,
    key_for_seed: KeyForSeed | None = None,
    seeds: Mapping[str, int] | None = None,
    fixed_variant: bool = False,
    owners: Mapping[str, str | None] | None = None,
) -> tuple[list[Submission], bool]:
    """The submissions in ``path`` and whether it is a class (folder or CSV) or one student.

    Whose key: ``seeds`` (student -> seed, from a batch's manifest) alone decides a listed
    student's variant, and a student it does not list is not graded; with ``fixed_variant``
    (staff gave --seed or --params) every student gets ``parts``. Only when neither exists
    does a ``seed`` column (CSV) or ``seed:`` entry (file) choose the variant; otherwise it is
    ignored with a note. Answers are read against ``key_for_seed(seed)`` (variants may have
    other part ids). Every id is canonical (see :mod:`.identity`) and used by one student only.

    ``owners`` (a manifest's file names -> student ids, None for a name two rows claim) makes a
    folder's file name, not the file's own ``student:`` field, say whose answers it holds: a file
    no row names, or whose ``student:`` names someone else, is refused (see :func:`read_owned`).
    """
    path = Path(path)
    reader = _SeededKeys(parts, key_for_seed, seeds, fixed_variant)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in ANSWER_SUFFIXES)
        if not files:
            raise InputFileError(f"{path}: no answer files ({', '.join(ANSWER_SUFFIXES)}) in this folder")
        inside = path.resolve()
        outside = [p for p in files if p.is_symlink() and not p.resolve().is_relative_to(inside)]
        files = [p for p in files if p not in outside]
        if owners is not None:
            owned = {_nfc(name): None if owner is None else _nfc(owner) for name, owner in owners.items()}
            read = [read_owned(p, reader, owned) for p in files]
        else:
            read = [read_file(p, reader, strict=False, named=True) for p in files]
        return _unique(_with_logs(read) + [_link_outside(p) for p in outside]), True
    if not path.exists():
        raise InputFileError(f"{path}: no such file or folder")
    if path.suffix.lower() == ".csv":
        return _unique(read_csv(path, reader)), True
    if path.suffix.lower() not in ANSWER_SUFFIXES:
        raise InputFileError(f"{path}: expected a .yaml, .yml, .json or .csv file, or a folder of answer files")
    return [read_file(path, reader, strict=True)], False


class _SeededKeys:
    """Which parts a submission is read against: its variant's, or the default key's."""

    def __init__(self, default: Parts, key_for_seed: KeyForSeed | None, seeds: Mapping[str, int] | None, fixed: bool):
        self.default, self.key_for_seed, self.fixed = default, key_for_seed, fixed
        self.seeds = None if seeds is None else {_nfc(k): v for k, v in seeds.items()}

    def assign(self, submission: Submission, raw_seed: Any) -> Parts:
        """Set the submission's seed and return the parts to read its answers with."""
        own = None if raw_seed in (None, "") else raw_seed
        if submission.error is not None:
            return self.default
        if self.seeds is not None:
            if submission.student not in self.seeds:
                submission.error = f"student {_short(submission.student)!r} is not in the manifest"
                return self.default
            chosen = self.seeds[submission.student]
            if own is not None and seed_or_none(own) != chosen:
                submission.notes.append(f"the answers' own seed ({_short(str(own))}) is ignored: the manifest decides")
            own = chosen
        elif self.fixed:
            if own is not None:
                submission.notes.append(f"the answers' own seed ({_short(str(own))}) is ignored: staff chose the key")
            return self.default
        if own is None:
            return self.default
        seed = seed_or_none(own)
        if seed is None or self.key_for_seed is None:
            submission.error = f"seed: expected an integer from 0 to {2**63 - 1}, got {_short(str(own))!r}"
            return self.default
        submission.seed = seed
        return self.key_for_seed(seed)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _unique(submissions: list[Submission]) -> list[Submission]:
    """Two submissions under one id would both be graded as that student: neither is."""
    seen: dict[str, int] = {}
    for submission in submissions:
        if submission.error is None:
            seen[submission.student] = seen.get(submission.student, 0) + 1
    for submission in submissions:
        if submission.error is None and seen[submission.student] > 1:
            submission.error = f"{seen[submission.student]} submissions use the id {_short(submission.student)!r}"
    return submissions


def read_owned(path: Path, keys: _SeededKeys, owners: Mapping[str, str | None]) -> Submission:
    """A file of a folder graded with a manifest: its name (a row's student_id or folder) says
    whose it is; a name no row (or two rows) has is refused, unread."""
    stem = _nfc(owner_stem(path))
    if stem in owners and owners[stem] is not None:
        return read_file(path, keys, strict=False, owner=owners[stem])
    if stem in owners:
        why = "two manifest rows claim this file name (one as its student_id, one as its folder)"
    else:
        why = "no manifest row has this file name as its student_id or folder"
    line = f"{path}: {why}; not graded (rename the file, or add the row)"
    return Submission(student_name(stem) or "?", error=f"not graded: {path.name}: {why}", refused=line)


def _link_outside(path: Path) -> Submission:
    """A link in the answers folder to a file outside it: never read (it could be any file)."""
    why = "a link to a file outside the answers folder; not read"
    submission = _identified(path.stem, f"the file name {path.name!r}")
    submission.error = f"not graded: {path.name}: {why}"
    submission.notes.append(f"{path.name}: {why}")
    return submission


def read_file(
    path: Path, keys: _SeededKeys, *, strict: bool, owner: str | None = None, named: bool = False
) -> Submission:
    """One student's file; with ``strict`` a file that is not answers at all is an error, else
    an invalid submission. A file that cannot be built (an integer of 5,000 digits, nesting
    deeper than Python's stack) makes only that submission invalid. With ``owner`` (the
    manifest's id its name matched) the file's ``student:`` field must be that id. With
    ``named`` (a folder without a manifest) the file's name is its student: a ``student:``
    field naming someone else is reported in a note and ignored, so no file can stand in
    for another student's."""
    submission = (
        Submission(owner) if owner is not None else _identified(owner_stem(path), f"the file name {path.name!r}")
    )
    if is_log_name(path):
        return _handed_in(submission, path, keys)
    try:
        data = read_structured(path, max_bytes=MAX_FILE_BYTES)
        if not isinstance(data, Mapping):
            raise InputFileError(f"{path}: expected a mapping from part ids to answers")
    except InputFileError as error:
        if strict:
            raise
        submission.error = str(error)
        return submission
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        submission.error = f"{path.name}: cannot be read ({_reason(error)})"
        return submission
    if path.suffix.lower() == ".json" and is_log(data):  # a log under another name: read by the log's rules
        return _handed_in(submission, path, keys)
    name = data.get("student")
    if owner is not None and "student" not in keys.default:
        if (mismatch := _not_owner(name, owner)) is not None:
            submission.error = f"not graded: {path.name}: {mismatch}"
            submission.refused = f"{path}: {mismatch}; not graded"
            return submission
    elif named and "student" not in keys.default:
        if (mismatch := _not_owner(name, submission.student)) is not None and submission.error is None:
            shown = _short(student_name(name) if isinstance(name, str) else repr(name))
            submission.notes.append(
                f"{path.name}: its student field says {shown!r}; ignored, the file's name says whose answers these are"
            )
    elif isinstance(name, str) and name.strip() and "student" not in keys.default:
        claimed = _identified(name, "student")
        submission.student, submission.error = claimed.student, claimed.error or submission.error
    parts = keys.assign(submission, data.get("seed") if "seed" not in keys.default else None)
    if submission.error is None:
        answers, notes = flatten_answers(data, parts)
        submission.answers, submission.notes = answers, submission.notes + notes
    return submission


def is_log_name(path: Path) -> bool:
    """A code submission by its name: ``submission_log.json``, or ``<student>.submission_log.json`` in a class folder."""
    return path.suffix.lower() == ".json" and path.stem.lower().endswith(LOG_STEM)


def owner_stem(path: Path) -> str:
    """The part of a file's name that says whose it is: ``alice`` for ``alice.yaml`` and for
    ``alice.submission_log.json`` (a lone ``submission_log.json`` keeps its whole stem)."""
    stem = path.stem
    if is_log_name(path):
        stem = stem[: -len(LOG_STEM)].rstrip("._- ") or stem
    return stem


def _handed_in(submission: Submission, path: Path, keys: _SeededKeys) -> Submission:
    """A student's code submission (the log, or the one line why it cannot be read); no answers."""
    try:
        submission.handed_in = read_log(path)
    except LogError as error:
        submission.handed_in = str(error)
    keys.assign(submission, None)  # a log names no seed: the manifest's, or the default key
    return submission


def _with_logs(submissions: list[Submission]) -> list[Submission]:
    """A class folder's log joined to the same student's answers file (``alice.yaml`` and
    ``alice.submission_log.json``): one submission with both. Two of a kind stay apart (and are
    refused together by :func:`_unique`)."""
    logs: dict[str, list[Submission]] = {}
    for submission in submissions:
        if submission.error is None and submission.handed_in is not None and not submission.answers:
            logs.setdefault(submission.student, []).append(submission)
    joined: set[int] = set()
    for submission in submissions:
        found = logs.get(submission.student, [])
        if submission.error is None and submission.handed_in is None and len(found) == 1:
            submission.handed_in = found[0].handed_in
            submission.notes += found[0].notes
            joined.add(id(found[0]))
    return [s for s in submissions if id(s) not in joined]


def _not_owner(name: Any, owner: str) -> str | None:
    """Why a file's own ``student:`` field disagrees with the row its name matched, or None."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return None  # no claim: the file name alone decides
    try:
        claimed = canonical_id(name) if isinstance(name, str) else None
    except IdentityError:
        claimed = None
    if claimed == owner:
        return None
    shown = _short(student_name(name) if isinstance(name, str) else repr(name))
    return f"its student field says {shown!r}, but its name is the manifest row of {_short(owner)!r}"


def _identified(raw: str, field: str) -> Submission:
    """A submission under the canonical id, or one marked unreadable when the id is refused."""
    try:
        return Submission(canonical_id(raw))
    except IdentityError as error:
        return Submission(f"{student_name(raw) or '?'} (refused id)", error=f"{field}: {error}")


def _reason(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if isinstance(error, MemoryError):
        return "too large"
    return _short(str(error).split("\n")[0], 120) or type(error).__name__


def read_csv(path: Path, keys: _SeededKeys) -> list[Submission]:
    rows = read_csv_rows(path, MAX_CSV_BYTES, max_cell=MAX_CSV_BYTES)  # oversized cells: that answer only
    if not rows or "student" not in [h.strip() for h in rows[0]]:
        raise InputFileError(f"{path}: the first row must name the columns, one of them 'student'")
    header = [h.strip() for h in rows[0]]
    seeded = "seed" in header and "seed" not in keys.default
    submissions = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        raw_id = cells.get("student", "")
        submission = _identified(raw_id, f"row {number}, student") if raw_id.strip() else Submission(f"row {number}")
        parts = keys.assign(submission, cells.get("seed", "").strip() if seeded else None)
        if submission.error is not None:
            submissions.append(submission)
            continue
        if len(row) > len(header):
            submission.notes.append(f"row {number} has more cells than the header; the extra ones are ignored")
        for column, cell in cells.items():
            if column in parts and cell.strip():
                if len(cell) > MAX_FILE_BYTES:
                    submission.answers[column] = Oversized(len(cell))
                else:
                    submission.answers[column] = read_cell(cell, parts[column].get("kind"))
        unknown = [h for h in header if h not in ("student", "seed") and h not in parts and h]
        submission.notes += [f"column '{_short(h)}' is not a part of the answer key; ignored" for h in unknown]
        submissions.append(submission)
    return submissions


def read_cell(cell: str, kind: str | None) -> Any:
    """A CSV cell, read as the kind's row says (:attr:`Kind.cell`): YAML/JSON text for list parts
    (``[1, 2]``), plain text otherwise.

    Numbers and sequences keep their text (their graders read printed arrays, one
    hypothesis per line and scores; YAML would fold lines into one), unless a sequences
    cell is a bracketed list. A cell YAML cannot build, or builds into anything but a list,
    stays text for the grader to read or refuse.
    """
    reading = KINDS[kind].cell if kind in KINDS else "text"
    if reading == "text" or len(cell) > MAX_CELL_YAML:
        return cell
    if reading == "bracketed" and not cell.lstrip().startswith(("[", "{")):
        return cell
    if cell.lstrip().startswith("["):
        try:  # JSON first: YAML reads the same value (floats as Decimal), 10x slower
            return json.loads(cell, parse_float=_yaml_float, parse_constant=_not_json, object_pairs_hook=_unique_keys)
        except (ValueError, RecursionError, MemoryError, OverflowError):
            pass  # not JSON; YAML decides
    try:
        value = parse_structured(cell, "cell")
    except (InputFileError, ValueError, RecursionError, MemoryError, OverflowError):
        return cell  # the grader reads it as text and says what is wrong
    # Only a list is taken from YAML: a mapping ("6b: [...]") or text YAML folded from several
    # lines (a matrix one row a line) is read by the grader from the cell's own text.
    return value if isinstance(value, list) else cell


_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")  # YAML 1.1's floats among JSON's numbers


def _yaml_float(text: str) -> Decimal | str:
    return Decimal(text) if _YAML_FLOAT.fullmatch(text) else text  # YAML keeps 1e3 as the text '1e3'


def _not_json(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity: YAML reads them as text, as before


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) < len(pairs):
        raise ValueError("duplicate key")  # YAML refuses these: so does the cell
    return dict(pairs)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def student_name(text: str) -> str:
    """A label safe to print and to use in a file name's place: no control characters, short."""
    return _short(_UNPRINTABLE.sub("", str(text)).strip(), 80)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
