"""``hw6 check --manifest`` verifies every row before grading: a tampered manifest grades nobody
against a guessed variant (issue 13)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from solver.kernel.problem import BuildContext
from solver.variants.batch import run_batch

STUDENTS = ("ann", "ben", "cat")


@pytest.fixture(scope="module")
def batch(tmp_path_factory, session_cache) -> Path:
    root = tmp_path_factory.mktemp("manifest")
    roster = root / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{s},{s.title()}\n" for s in STUDENTS))
    run_batch(roster, root / "out", pdf=False, context=BuildContext(cache_dir=session_cache), progress=False)
    answers = root / "answers"
    answers.mkdir()
    for student in STUDENTS:
        key = json.loads((root / "out" / student / "answers.json").read_text())["parts"]
        (answers / f"{student}.yaml").write_text(json.dumps({"student": student, "6b": key["6b"]["value"]}))
    return root


def rows(batch: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((batch / "out" / "manifest.csv").read_text())))


def write_manifest(path: Path, table: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return path


def check(run_cli, batch: Path, manifest: Path) -> tuple[int, dict, list[str]]:
    code, out, err = run_cli("check", batch / "answers", "--manifest", manifest, "--json")
    return code, {r["student"]: r for r in json.loads(out)}, err.strip().splitlines()


def test_the_batch_manifest_verifies_and_grades_everyone(run_cli, batch):
    code, results, err = check(run_cli, batch, batch / "out" / "manifest.csv")
    assert (code, err) == (0, [])
    assert all(results[s]["parts"]["6b"]["status"] == "correct" for s in STUDENTS)


def swap_seeds(table):
    table[0]["seed"], table[1]["seed"] = table[1]["seed"], table[0]["seed"]
    return ["ann", "ben"]


def change_seed(table):
    table[2]["seed"] = str(int(table[2]["seed"]) + 1)
    return ["cat"]


def change_hash(table):
    table[1]["params_sha256"] = "0" * 16
    return ["ben"]


def remove_student(table):
    del table[0]
    return ["ann"]


def duplicate_student(table):
    table.append(dict(table[2]))
    return ["cat"]


def change_version_without_params(table):
    table[0]["version"] = "0.0.1"
    table[0]["folder"] = "no-such-folder"
    return ["ann"]


def empty_seed(table):
    table[1]["seed"] = ""
    return ["ben"]


@pytest.mark.parametrize(
    "tamper",
    [
        swap_seeds,
        change_seed,
        change_hash,
        remove_student,
        duplicate_student,
        change_version_without_params,
        empty_seed,
    ],
)
def test_a_tampered_row_is_reported_and_its_student_is_not_graded(run_cli, batch, tmp_path, tamper):
    table = rows(batch)
    flagged = tamper(table)
    code, results, err = check(run_cli, batch, write_manifest(tmp_path / "manifest.csv", table))
    assert code == 2, err
    assert all(line.startswith("hw6: error: ") for line in err) and len(err) == len(flagged), err
    for student in STUDENTS:
        status = results[student]["parts"]["6b"]["status"]
        if student in flagged:
            assert status == "invalid" and any("not graded" in note for note in results[student]["notes"])
            assert any(student in line for line in err)
        else:
            assert status == "correct", (student, results[student])


def test_a_row_of_another_version_is_graded_from_its_params_json(run_cli, batch, tmp_path):
    table = rows(batch)
    table[0]["version"] = "0.0.1"  # the folder's params.json still matches the recorded hash
    manifest = write_manifest(batch / "out" / "manifest-old.csv", table)
    code, results, err = check(run_cli, batch, manifest)
    assert (code, err) == (0, [])
    assert results["ann"]["parts"]["6b"]["status"] == "correct"
