"""Whose key a submission is graded with, and which ids are refused (issue 12)."""

from __future__ import annotations

import json

import pytest

from solver.grading.submissions import read_submissions
from solver.kernel.identity import IdentityError, canonical_id

DEFAULT = {"1b": {"kind": "expr", "value": "w", "symbols": ["w"]}}
VARIANTS = {seed: {"1b": {"kind": "expr", "value": f"{seed}*w", "symbols": ["w"]}} for seed in (11, 12)}


@pytest.mark.parametrize(
    "raw", ["\u202ealice", "ali\u200bce", "ali\u00adce", "аlice", "ａlice", "al\x00ice", "", "   "]
)
def test_look_alike_and_invisible_ids_are_refused(raw):
    with pytest.raises(IdentityError):
        canonical_id(raw)


def test_ids_are_nfc_normalised():
    assert (
        canonical_id(" Zoe\u0301 ") == "Zoé" and canonical_id("Иван") == "Иван" and canonical_id("s123-ab") == "s123-ab"
    )
    assert canonical_id("山田はなこ") == "山田はなこ"


def write(folder, name, data):
    (folder / name).write_text(json.dumps(data))


def test_the_manifest_alone_decides_and_a_files_seed_is_ignored_with_a_note(tmp_path):
    write(tmp_path, "alice.json", {"student": "alice", "seed": 12, "1b": "12 w"})
    write(tmp_path, "bob.json", {"student": "bob", "1b": "12 w"})
    write(tmp_path, "mallory.json", {"student": "mallory", "seed": 11, "1b": "11 w"})
    submissions, _ = read_submissions(
        tmp_path, DEFAULT, key_for_seed=VARIANTS.__getitem__, seeds={"alice": 11, "bob": 12}
    )
    by_id = {s.student: s for s in submissions}
    assert by_id["alice"].seed == 11 and any("ignored" in note for note in by_id["alice"].notes)
    assert by_id["bob"].seed == 12 and by_id["bob"].error is None
    assert by_id["mallory"].error == "student 'mallory' is not in the manifest"


def test_staff_seed_or_params_override_a_files_seed(tmp_path):
    write(tmp_path, "alice.json", {"seed": 12, "1b": "12 w"})
    (submission,), _ = read_submissions(
        tmp_path / "alice.json", DEFAULT, key_for_seed=VARIANTS.__getitem__, fixed_variant=True
    )
    assert submission.seed is None and "ignored" in submission.notes[0]
    (own,), _ = read_submissions(tmp_path / "alice.json", DEFAULT, key_for_seed=VARIANTS.__getitem__)
    assert own.seed == 12  # no other source: the file's seed is used


def test_refused_and_duplicate_ids_grade_nobody_under_them(tmp_path):
    write(tmp_path, "ali\u200bce.json", {"1b": "w"})
    write(tmp_path, "bob.json", {"1b": "w"})
    write(tmp_path, "bob.yaml", {"1b": "w"})
    write(tmp_path, "alice.json", {"1b": "w"})
    submissions, _ = read_submissions(tmp_path, DEFAULT)
    errors = {s.student: s.error for s in submissions}
    assert "invisible" in errors["alice (refused id)"] and errors["alice"] is None
    assert [s.error for s in submissions if s.student == "bob"] == ["2 submissions use the id 'bob'"] * 2


def test_without_a_manifest_the_file_name_is_the_student(tmp_path):
    """alice.yaml saying student: bob is alice's, with a note; bob's own file is untouched (issue 27)."""
    write(tmp_path, "alice.json", {"student": "bob", "1b": "12 w"})
    write(tmp_path, "bob.json", {"student": "bob", "1b": "w"})
    write(tmp_path, "carol.json", {"student": "ali\u200bce", "1b": "w"})
    submissions, _ = read_submissions(tmp_path, DEFAULT)
    by_id = {s.student: s for s in submissions}
    assert sorted(by_id) == ["alice", "bob", "carol"]
    assert all(s.error is None for s in submissions)
    assert by_id["alice"].answers == {"1b": "12 w"} and by_id["bob"].answers == {"1b": "w"}
    assert any("says 'bob'" in note and "ignored" in note for note in by_id["alice"].notes)
    assert by_id["bob"].notes == [] and any("ignored" in note for note in by_id["carol"].notes)


def test_a_link_leaving_the_answers_folder_is_not_read(tmp_path):
    folder, secret = tmp_path / "answers", tmp_path / "secret.json"
    folder.mkdir()
    secret.write_text(json.dumps({"1b": "w"}))
    write(folder, "alice.json", {"1b": "w"})
    write(folder, "inside.json", {"1b": "w"})
    (folder / "mallory.json").symlink_to(secret)
    (folder / "bob.json").symlink_to(folder / "inside.json")  # a link within the folder is read
    submissions, _ = read_submissions(folder, DEFAULT)
    by_id = {s.student: s for s in submissions}
    assert by_id["mallory"].answers == {} and "outside the answers folder" in by_id["mallory"].error
    assert any("outside the answers folder" in note for note in by_id["mallory"].notes)
    assert by_id["bob"].error is None and by_id["bob"].answers == {"1b": "w"}


def test_a_csv_cell_with_one_hypothesis_per_line_stays_lines(tmp_path):
    table = tmp_path / "class.csv"
    table.write_text('student,2a\nann,"network\nneural"\n')
    parts = {
        "2a": {"kind": "sequences", "value": [{"sequence": ["neural"]}, {"sequence": ["network"]}], "ordered": False}
    }
    (submission,), _ = read_submissions(table, parts)
    assert submission.answers["2a"] == "network\nneural"


def test_hw6_check_grades_each_file_as_its_names_student(run_cli, tmp_path):
    """Through the command line (issue 27): alice.json saying student: bob voids nobody's grade."""
    folder = tmp_path / "answers"
    folder.mkdir()
    write(folder, "alice.json", {"student": "bob", "1b": "3 w^2 u1 + 2 w u2 + u3"})
    write(folder, "bob.json", {"1b": "3 w^2 u1 + 2 w u2 + u3"})
    (folder / "eve.json").symlink_to(tmp_path / "elsewhere.json")
    write(tmp_path, "elsewhere.json", {"1b": "3 w^2 u1 + 2 w u2 + u3"})
    code, out, err = run_cli("check", folder, "--json")
    assert code == 0, err
    results = {entry["student"]: entry for entry in json.loads(out)}
    assert results["alice"]["parts"]["1b"]["status"] == "correct" == results["bob"]["parts"]["1b"]["status"]
    assert any("says 'bob'" in note for note in results["alice"]["notes"])
    assert results["eve"]["parts"]["1b"]["status"] == "invalid"
    assert any("outside the answers folder" in note for note in results["eve"]["notes"])
