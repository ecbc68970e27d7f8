"""Problem 4's code submission end to end: the log the notebook writes is the log hw6 grades.

The build's ``submission_log.json`` is written by the notebook's last cell (the same cell the
starter gives students), so grading it is grading what a student hands in from a complete run.
The tests elsewhere grade logs made from the key; this one closes the loop from the notebook.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import NAMES_DIR
from tests.test_gradescope import Autograder, batch, export, graders  # noqa: F401  (batch, graders: shared fixtures)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.notebooks,
    pytest.mark.skipif(not NAMES_DIR.is_dir(), reason="needs the surnames data"),
]


def test_the_notebooks_own_log_gets_full_marks_from_hw6_check(shared_build, session_cache, run_cli, tmp_path):
    built = shared_build("--names-dir", NAMES_DIR)
    log = tmp_path / "submission_log.json"
    shutil.copyfile(built / "submission_log.json", log)
    status, out, err = run_cli("check", log, "--names-dir", NAMES_DIR, "--cache-dir", session_cache, "--json")
    assert status == 0, err
    graded = json.loads(out)["parts"]["4.code"]
    assert graded["status"] == "correct", graded["feedback"]
    assert graded["score"] == graded["max_score"] > 0

    # The same run with a tenth of its predictions changed to a language the name is not listed
    # under: recomputed from the predictions, not read from the log's own figures.
    data = json.loads(log.read_text(encoding="utf-8"))
    key = json.loads((built / "answers.json").read_text(encoding="utf-8"))["code_submission"]
    listed = {name: set(languages) for name, languages in key["test"]}
    languages = data["data"]["languages"]
    for row in data["predictions"][::10]:
        row[1] = next(language for language in languages if language not in listed[row[0]])
    log.write_text(json.dumps(data), encoding="utf-8")
    status, out, err = run_cli("check", log, "--names-dir", NAMES_DIR, "--cache-dir", session_cache, "--json")
    assert status == 0, err
    graded = json.loads(out)["parts"]["4.code"]
    assert graded["score"] < graded["max_score"]
    assert "threshold" in graded["feedback"]


def test_the_notebooks_own_log_gets_full_marks_from_the_gradescope_autograder(
    shared_build,
    graders,  # noqa: F811  (the fixture imported above)
    session_cache,
    tmp_path,
):
    built = shared_build("--names-dir", NAMES_DIR)
    zip_path = tmp_path / "homework-code.zip"
    assert export("--names-dir", NAMES_DIR, "--out", zip_path, "--cache-dir", session_cache) == 0
    roster, _ = graders
    grader = Autograder(zip_path, tmp_path / "grader", venv=roster.venv)  # a fake /autograder root, no torch
    log = (built / "submission_log.json").read_bytes()
    results, _ = grader.run({"submission_log.json": log})
    (test,) = results["tests"]
    assert test["name"].startswith("4.code: ") and test["status"] == "passed", test["output"]
    assert results["score"] == test["score"] == test["max_score"] > 0
