"""A folder of answer files graded with a manifest: the file name picks the row, and a file's own
``student:`` field must agree with it (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.grading.submissions import read_submissions
from solver.kernel.problem import BuildContext
from solver.variants.batch import run_batch
from solver.variants.roster import student_folder

STUDENTS = ("ann", "ben", "cat lee")  # "cat lee" is not a safe folder name: its folder is cleaned and hashed


@pytest.fixture(scope="module")
def batch(tmp_path_factory, session_cache) -> Path:
    root = tmp_path_factory.mktemp("folder")
    roster = root / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{s},{s.title()}\n" for s in STUDENTS))
    run_batch(roster, root / "out", pdf=False, context=BuildContext(cache_dir=session_cache), progress=False)
    return root


def right_answer(batch: Path, student: str):
    return json.loads((batch / "out" / student_folder(student) / "answers.json").read_text())["parts"]["6b"]["value"]


def answers(tmp_path: Path, batch: Path, files: dict[str, tuple[str | None, str]]) -> Path:
    """``files``: file name -> (its student field or None, whose right answer it holds)."""
    folder = tmp_path / "answers"
    folder.mkdir()
    for name, (field, whose) in files.items():
        data = {"6b": right_answer(batch, whose)}
        if field is not None:
            data["student"] = field
        (folder / name).write_text(json.dumps(data))
    return folder


def check(run_cli, batch: Path, folder: Path) -> tuple[int, dict, list[str]]:
    code, out, err = run_cli("check", folder, "--manifest", batch / "out" / "manifest.csv", "--json")
    return code, {r["student"]: r for r in json.loads(out)}, err.strip().splitlines()


def status(result: dict) -> str:
    return result["parts"]["6b"]["status"]


def test_files_are_matched_by_student_id_or_by_the_rows_folder(run_cli, batch, tmp_path):
    assert student_folder("cat lee") != "cat lee"
    folder = answers(
        tmp_path,
        batch,
        {
            "ann.yaml": ("ann", "ann"),
            "ben.json": (None, "ben"),
            f"{student_folder('cat lee')}.yaml": ("cat lee", "cat lee"),
        },
    )
    code, results, err = check(run_cli, batch, folder)
    assert (code, err) == (0, [])
    assert {s: status(results[s]) for s in STUDENTS} == {s: "correct" for s in STUDENTS}
    assert all(results[s]["seed"] is not None for s in STUDENTS)


def test_a_file_whose_student_field_names_someone_else_is_refused(run_cli, batch, tmp_path):
    # ben's file claims to be ann's (and holds ann's right answer); cat's claims a look-alike id
    files = {"ann.yaml": ("ann", "ann"), "ben.yaml": ("ann", "ann"), "cat lee.yaml": ("cat\u200blee", "cat lee")}
    code, results, err = check(run_cli, batch, answers(tmp_path, batch, files))
    assert code == 2 and len(err) == 2 and all(line.startswith("hw6: error: ") for line in err), err
    assert "ben.yaml" in err[0] and "'ann'" in err[0] and "'ben'" in err[0] and "cat lee.yaml" in err[1]
    assert status(results["ann"]) == "correct"
    for student in ("ben", "cat lee"):
        assert status(results[student]) == "invalid" and results[student]["score"] == 0
        assert any("not graded" in note and "student field" in note for note in results[student]["notes"])


def test_a_file_no_row_names_is_refused_and_a_row_without_a_file_is_noted(run_cli, batch, tmp_path):
    files = {"ann.yaml": ("ann", "ann"), "mallory.yaml": ("ben", "ben")}  # mallory answers as ben
    code, results, err = check(run_cli, batch, answers(tmp_path, batch, files))
    assert code == 2, err
    errors = [line for line in err if line.startswith("hw6: error: ")]
    notes = [line for line in err if line.startswith("hw6: note: ")]
    assert len(errors) == 1 and "mallory.yaml" in errors[0] and "no manifest row" in errors[0], err
    assert len(notes) == 2 and all("no answers in" in line for line in notes), err
    assert any(": ben: " in line for line in notes) and any(": cat lee: " in line for line in notes)
    assert "ben" not in results and status(results["mallory"]) == "invalid"
    assert status(results["ann"]) == "correct"


def test_rows_without_a_file_alone_are_notes_not_errors(run_cli, batch, tmp_path):
    code, results, err = check(run_cli, batch, answers(tmp_path, batch, {"ben.yaml": (None, "ben")}))
    assert code == 0 and status(results["ben"]) == "correct"
    assert len(err) == 2 and all(line.startswith("hw6: note: ") and "no answers in" in line for line in err), err


DEFAULT = {"1b": {"kind": "expr", "value": "w", "symbols": ["w"]}}


def test_owners_decide_over_the_files_own_student_field(tmp_path):
    for name, data in {
        "alice.json": {"student": "bob", "1b": "w"},
        "bob.json": {"1b": "w"},
        "Bob.json": {"student": "bob", "1b": "w"},
        "shared.json": {"1b": "w"},
        "stranger.json": {"student": "alice", "1b": "w"},
        "carol.json": {"student": 7, "1b": "w"},
    }.items():
        (tmp_path / name).write_text(json.dumps(data))
    owners = {"alice": "alice", "bob": "bob", "shared": None, "carol": "carol"}
    seeds = {"alice": 1, "bob": 2, "carol": 3}
    submissions, _ = read_submissions(tmp_path, DEFAULT, key_for_seed=lambda seed: DEFAULT, seeds=seeds, owners=owners)
    by_file = {name: s for name, s in zip(sorted(p.name for p in tmp_path.iterdir()), submissions, strict=True)}
    assert by_file["bob.json"].student == "bob" and by_file["bob.json"].error is None
    assert by_file["bob.json"].answers == {"1b": "w"}
    assert "student field says 'bob'" in by_file["alice.json"].refused and by_file["alice.json"].student == "alice"
    assert "no manifest row" in by_file["Bob.json"].refused  # names are matched exactly
    assert "two manifest rows" in by_file["shared.json"].refused
    assert "no manifest row" in by_file["stranger.json"].refused and by_file["stranger.json"].answers == {}
    assert "says '7'" in by_file["carol.json"].refused
    assert all(s.error for s in submissions if s.refused)


def test_a_second_run_reads_every_variants_digest_and_key_from_the_cache(run_cli, batch, tmp_path, monkeypatch):
    from solver.grading import check as grading
    from solver.grading import keycache
    from solver.io.cache import forget_memory

    forget_memory(keycache.KIND)
    folder = answers(tmp_path, batch, {f"{s}.yaml": (s, s) for s in STUDENTS})
    command = ("check", folder, "--manifest", batch / "out" / "manifest.csv", "--json", "--cache-dir", tmp_path / "c")
    first = run_cli(*command)
    assert first[0] == 0 and len(list((tmp_path / "c" / keycache.KIND).iterdir())) == 1 + 2 * len(STUDENTS)

    def no_drawing(*args, **kwargs):
        raise AssertionError("a variant was drawn again")

    monkeypatch.setattr(grading, "draw", no_drawing)
    assert run_cli(*command) == first


def test_a_students_log_is_matched_by_its_name_like_their_answers(run_cli, batch, tmp_path):
    """``ann.submission_log.json`` is ann's (the manifest's row), joined to ``ann.yaml``; without the surnames
    the key has no test set, so the log is a note for staff, never a refused file."""
    folder = answers(tmp_path, batch, {"ann.yaml": (None, "ann")})
    (folder / "ann.submission_log.json").write_text(json.dumps({"format": 3, "predictions": []}))
    (folder / "ben.submission_log.json").write_text("{not json")
    code, results, err = check(run_cli, batch, folder)
    assert code == 0, err
    assert sorted(results) == ["ann", "ben"] and status(results["ann"]) == "correct"
    assert "hw6: note: 2 submission_log.json file(s) not graded: the key has no test set" in "\n".join(err)
    assert "4.code" not in results["ann"]["parts"]
