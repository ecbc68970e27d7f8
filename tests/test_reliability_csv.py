"""Every CSV hw6 writes is safe to open in a spreadsheet and reads back to what was written
(issue 28): a cell a spreadsheet would run gets a leading apostrophe, so does a cell that starts
with one, and the readers remove exactly that apostrophe, so ``=x`` and ``'=x`` stay two ids."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.export.autograder import Setup, find_student, read_manifest
from solver.export.gradescope import manifest_text
from solver.export.selection import VariantFile
from solver.kernel.problem import BuildContext
from solver.variants.batch import run_batch
from solver.variants.roster import spreadsheet_safe, student_folder, unguard_spreadsheet

HOSTILE_IDS = ("=1+1", "+123", "@SUM(1+1)", "-x@y.z", "=x", "'=x", "''=x", "'plain", '=HYPERLINK("http://e")')
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@given(st.text(alphabet=st.sampled_from("=+-@'\t\r ax1"), max_size=6) | st.text(max_size=20))
def test_reading_a_guarded_cell_gives_back_the_text(text):
    guarded = spreadsheet_safe(text)
    assert unguard_spreadsheet(guarded) == text
    assert not guarded.startswith(FORMULA_START)


@given(st.text(max_size=8), st.text(max_size=8))
def test_two_texts_stay_two_cells(first, second):
    if first != second:
        assert spreadsheet_safe(first) != spreadsheet_safe(second)


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+123", "'+123"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("-x@y.z", "'-x@y.z"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("=x", "'=x"),
        ("'=x", "''=x"),
        ("'", "''"),
        ("ann", "ann"),
        ("x=1", "x=1"),
    ],
)
def test_the_guard_of_each_kind_of_cell(text, cell):
    assert spreadsheet_safe(text) == cell and unguard_spreadsheet(cell) == text


def test_a_cell_the_guard_never_writes_reads_as_it_is():
    """An apostrophe before ordinary text (a manifest of an older hw6, a hand edit) is kept."""
    assert unguard_spreadsheet("'ann") == "'ann"


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_the_gradescope_manifest_guards_every_cell_and_the_autograder_reads_the_ids_back(tmp_path):
    variants = [
        VariantFile(f"s{i}/params.json", "{}", student_id=sid, email=f"-{i}@y.z", sid=f"+{i}")
        for i, sid in enumerate(HOSTILE_IDS)
    ]
    text = manifest_text(variants, ["k"] * len(variants), [24.0] * len(variants))
    assert not [cell for cell in cells(text) if cell.startswith(FORMULA_START)]
    (tmp_path / "source" / "variants").mkdir(parents=True)
    (tmp_path / "source" / "variants" / "manifest.csv").write_text(text, encoding="utf-8")
    rows = read_manifest(Setup(tmp_path, {}))
    assert [row["student_id"] for row in rows] == list(HOSTILE_IDS)
    assert [row["email"] for row in rows] == [f"-{i}@y.z" for i in range(len(HOSTILE_IDS))]
    for index, sid in enumerate(HOSTILE_IDS):
        found = find_student([{"id": sid}], rows, [])
        assert found["params"] == f"s{index}/params.json"
        assert find_student([{"sid": f"+{index}"}], rows, [])["student_id"] == sid


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory, session_cache) -> Path:
    root = tmp_path_factory.mktemp("csv")
    roster = root / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name", "email"])
        for index, sid in enumerate(HOSTILE_IDS[:6]):
            writer.writerow([sid, f"=cmd|' /C calc'!A{index}", f"-{index}@y.z"])
    run_batch(roster, root / "out", pdf=False, context=BuildContext(cache_dir=session_cache), progress=False)
    return root


def test_the_batch_manifest_guards_every_cell(hostile_batch):
    text = (hostile_batch / "out" / "manifest.csv").read_text(encoding="utf-8")
    assert not [cell for cell in cells(text) if cell.startswith(FORMULA_START)]


def test_check_reads_the_hostile_ids_back_as_distinct_students(run_cli, hostile_batch):
    answers = hostile_batch / "answers"
    answers.mkdir(exist_ok=True)
    for sid in HOSTILE_IDS[:6]:
        (answers / f"{student_folder(sid)}.json").write_text(json.dumps({"1b": "w"}), encoding="utf-8")
    code, out, err = run_cli("check", answers, "--manifest", hostile_batch / "out" / "manifest.csv", "--json")
    assert (code, err) == (0, ""), err
    graded = {result["student"]: result for result in json.loads(out)}
    assert set(graded) == set(HOSTILE_IDS[:6])
    assert not [note for result in graded.values() for note in result["notes"] if "not graded" in note]
