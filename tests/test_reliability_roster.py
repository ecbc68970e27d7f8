"""``hw6 batch`` refuses every roster id ``hw6 check`` would refuse or merge, before it writes
anything (issue 28): ids that differ only by Unicode normalisation, invisible characters,
fullwidth or mathematical look-alikes, mixed scripts."""

from __future__ import annotations

import unicodedata

import pytest

from solver.variants.roster import read_roster

from .conftest import SKIP_NAMES

CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")


def write_roster(path, ids):
    path.write_text("id,name\n" + "".join(f"{i},N\n" for i in ids), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([CAFE_NFC, CAFE_NFD], "lines 2 and 3: duplicate student id"),
        (["e\u0301tienne", "\u00e9tienne"], "lines 2 and 3: duplicate student id"),
        (["Å", "\u212b"], "lines 2 and 3: duplicate student id"),  # ANGSTROM SIGN: NFC makes it Å, a duplicate
        (["ali\u200bce"], "line 2: the student id holds an invisible or control character (U+200B)"),
        (["\u202ealice"], "line 2: the student id holds an invisible or control character (U+202E)"),
        (["ali\u00adce"], "line 2: the student id holds an invisible or control character (U+00AD)"),
        (["al\ufeffice"], "line 2: the student id holds an invisible or control character (U+FEFF)"),
        (["\uff41\uff4c\uff49\uff43\uff45"], "line 2: the student id holds look-alike characters"),
        (["alice", "\uff41lice"], "line 3: the student id holds look-alike characters"),
        (["\U0001d41a\U0001d425ice"], "line 2: the student id holds look-alike characters"),
        (["\ufb01nn"], "line 2: the student id holds look-alike characters"),  # the fi ligature
        (["p\u0430ul"], "line 2: the student id mixes letters of several scripts"),  # Cyrillic а
    ],
)
def test_batch_refuses_the_id_before_writing(run_cli, tmp_path, ids, expected):
    roster = write_roster(tmp_path / "roster.csv", ["ann", *ids])
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", "--roster", roster, "--out", out, "--no-pdf", *SKIP_NAMES)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and str(roster) in lines[0], err
    shifted = expected.replace("lines 2 and 3", "lines 3 and 4").replace("line 3", "line 4").replace("line 2", "line 3")
    assert shifted in lines[0], lines[0]
    assert not out.exists() and stdout == ""


def test_an_id_is_read_in_the_form_check_grades_it_under(tmp_path):
    (student,) = read_roster(write_roster(tmp_path / "roster.csv", [CAFE_NFD]))
    assert student.id == CAFE_NFC


@pytest.mark.parametrize("ids", [["ann", "Bob"], ["Łukasz", "张伟", "o'brien", "=x", "'=x"]])
def test_ids_check_accepts_stay_accepted(tmp_path, ids):
    assert [s.id for s in read_roster(write_roster(tmp_path / "roster.csv", ids))] == ids
