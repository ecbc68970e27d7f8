"""Class rosters: reading them strictly, and the files derived from them.

A roster is a UTF-8 CSV with a header. The student id column is named ``id``
(or ``student_id``, ``student``, ``sid``); a ``name`` column is optional. Ids follow
``hw6 check``'s rules (:mod:`solver.kernel.identity`): an id it would refuse is refused
here, and one it would merge with another (they differ only by Unicode normalisation) is a
duplicate, before a batch writes anything.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..io.files import read_csv_rows
from ..kernel.errors import InputFileError
from ..kernel.identity import IdentityError, canonical_id

ID_COLUMNS = ("id", "student_id", "student", "sid")
NAME_COLUMNS = ("name", "student_name", "full_name")
EMAIL_COLUMNS = ("email", "e-mail", "email_address")
SID_COLUMN = "sid"  # a student number beside the id (Gradescope's roster calls it SID)
MAX_ROSTER_BYTES = 10 * 1024 * 1024
_SAFE_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")
RESERVED_FOLDERS = ("manifest.csv",)  # beside the students' folders in a batch's output
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
_GUARDED_START = (*_FORMULA_START, GUARD)


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    line: int  # in the roster file, for messages
    email: str = ""  # carried into the manifest, so a platform can match its submitters
    sid: str = ""

    @property
    def folder(self) -> str:
        return student_folder(self.id)


def read_roster(path: str | Path) -> list[Student]:
    """Every student of the roster, or InputFileError naming the file, line and problem."""
    path = Path(path)
    rows = read_csv_rows(path, MAX_ROSTER_BYTES)
    if not rows:
        raise InputFileError(f"{path}: empty; expected a header with an id column ({', '.join(ID_COLUMNS)})")
    header = [cell.strip().lower() for cell in rows[0]]
    id_column = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    if id_column is None:
        raise InputFileError(f"{path}: the header needs a student id column named one of {', '.join(ID_COLUMNS)}")
    name_column = next((header.index(c) for c in NAME_COLUMNS if c in header), None)
    email_column = next((header.index(c) for c in EMAIL_COLUMNS if c in header), None)
    sid_column = header.index(SID_COLUMN) if SID_COLUMN in header and header[id_column] != SID_COLUMN else None
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not students
        raw_id = row[id_column].strip() if id_column < len(row) else ""
        if not raw_id:
            raise InputFileError(f"{path}: line {line}: empty student id")
        try:  # the id hw6 check grades under: two roster ids it would merge are a duplicate here
            student_id = canonical_id(raw_id)
        except IdentityError as error:
            raise InputFileError(f"{path}: line {line}: {error} ({ascii(raw_id)[:80]})") from None
        if student_id in seen:
            same = "" if raw_id == student_id else " once Unicode-normalised"
            raise InputFileError(
                f"{path}: lines {seen[student_id]} and {line}: duplicate student id {student_id!r}{same}"
            )
        seen[student_id] = line
        name, email, sid = (
            row[column].strip() if column is not None and column < len(row) else ""
            for column in (name_column, email_column, sid_column)
        )
        students.append(Student(student_id, name, line, email=email, sid=sid))
    if not students:
        raise InputFileError(f"{path}: no students listed")
    _check_folders(path, students)
    return students


def _check_folders(path: Path, students: list[Student]) -> None:
    """Two ids must not share a folder; names are compared ignoring case, as some disks do."""
    owners: dict[str, Student] = {}
    for student in students:
        other = owners.setdefault(student.folder.casefold(), student)
        if other is not student:
            raise InputFileError(
                f"{path}: lines {other.line} and {student.line}: the ids {other.id!r} and {student.id!r} "
                f"would share the folder {student.folder!r}; make one of them differ by more than case"
            )


def student_folder(student_id: str) -> str:
    """A folder name for a student: the id when it is a safe name, else a cleaned id plus a hash."""
    if _SAFE_FOLDER.fullmatch(student_id) and student_id.casefold() not in RESERVED_FOLDERS:
        return student_id
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", student_id).strip("._-")[:40] or "student"
    digest = hashlib.sha256(student_id.encode("utf-8")).hexdigest()[:10]
    return f"{cleaned}-{digest}"


def spreadsheet_safe(cell: object) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ tab or carriage return would start a
    formula, so such a cell gets a leading apostrophe. A cell that already starts with an apostrophe
    gets one too, so that :func:`unguard_spreadsheet` undoes exactly this (``=x`` and ``'=x`` stay
    two ids)."""
    text = str(cell)
    return GUARD + text if text.startswith(_GUARDED_START) else text


def unguard_spreadsheet(text: str) -> str:
    """The text :func:`spreadsheet_safe` was given (reading a manifest back). A cell it never
    writes (an apostrophe before anything else) is read as it is."""
    return text[1:] if text.startswith(GUARD) and text[1:].startswith(_GUARDED_START) else text
