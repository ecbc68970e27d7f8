"""hw6 check: inputs (file, folder, CSV), outputs (table, JSON, Gradescope), points, exit codes."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from solver.build import pipeline
from solver.engine.runner import PartResult, StudentResult
from solver.grading.gradescope import results_json

from .conftest import run_module

ALICE = """\
1a:
  t: u3 + w(u2 + w u1)
  y: w u3 + w^2 u2 + w^3 u1
1b: 3 w^2 u1 + 2 w u2 + u3
1c.p: dy/dq * w
1d.edges: [dy/dq * p, w r, t]
1d.total: u3 + w u2 + w^2 u1
"""


class Totals(NamedTuple):
    points: float  # every problem's, not only Problem 1's
    graded_parts: int
    ungraded_parts: int


@pytest.fixture(scope="module")
def totals(homework_parts) -> Totals:
    graded = sum(1 for part in homework_parts.values() if part["points"])
    return Totals(sum(part["points"] for part in homework_parts.values()), graded, len(homework_parts) - graded)


@pytest.fixture
def alice(tmp_path):
    path = tmp_path / "alice.yaml"
    path.write_text(ALICE, encoding="utf-8")
    return path


def test_one_file_prints_a_table(run_cli, alice, totals):
    code, out, err = run_cli("check", alice)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"alice: 5 / {totals.points:g}"
    assert lines[1].split() == ["part", "verdict", "score", "feedback"]
    rows = {line.split()[0]: line.split(None, 3) for line in lines[3:]}
    assert rows["1b"][1:3] == ["correct", "1/1"]
    assert rows["1a.p"][1:] == ["invalid", "0/1", "no answer"]
    assert rows["1d.total"][1] == "incorrect" and rows["1d.total"][3].startswith("counts each path")


def test_json_for_one_student(run_cli, alice, totals):
    code, out, _ = run_cli("check", alice, "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"student", "seed", "parts", "score", "max_score"}
    assert (data["score"], data["max_score"]) == (5, totals.points)
    assert data["parts"]["1b"] == {"status": "correct", "score": 1, "max_score": 1, "feedback": "", "method": "exact"}
    assert data["parts"]["1d.total"]["status"] == "incorrect"
    assert data["parts"]["1d.total"]["mistake"] == 1  # the key's second modelled slip: each path counted once
    assert data["seed"] is None and "mistake" not in data["parts"]["1b"]
    assert {p["status"] for p in data["parts"].values()} == {"correct", "incorrect", "invalid", "ungraded"}


def test_a_folder_and_gradescope_files_per_student(run_cli, alice, tmp_path):
    folder = alice.parent
    (folder / "bob.json").write_text(json.dumps({"1b": "u3 + w u2 + w^2 u1", "1z": "w"}), encoding="utf-8")
    out_dir = tmp_path / "results"
    code, out, _ = run_cli("check", folder, "--json", "--gradescope", out_dir)
    data = json.loads(out)
    assert code == 0 and [s["student"] for s in data] == ["alice", "bob"]
    assert data[1]["notes"] == ["'1z' is not a part of the answer key; ignored"]
    assert sorted(p.name for p in out_dir.iterdir()) == ["alice.json", "bob.json"]
    bob = json.loads((out_dir / "bob.json").read_text())
    assert bob["score"] == 0 and "Note: '1z'" in bob["output"]


def test_gradescope_results_shape(run_cli, alice, tmp_path):
    target = tmp_path / "results.json"
    code, _, _ = run_cli("check", alice, "--gradescope", target)
    results = json.loads(target.read_text())
    assert code == 0 and set(results) == {"score", "output", "visibility", "stdout_visibility", "tests"}
    assert results["score"] == sum(t["score"] for t in results["tests"]) == 5
    test = next(t for t in results["tests"] if t["name"].startswith("1b: "))
    assert test == {
        "name": "1b: Backprop through a simple RNN",
        "number": "1.7",
        "score": 1,
        "max_score": 1,
        "output": "correct",
        "status": "passed",
        "visibility": "visible",
    }
    assert not [t for t in results["tests"] if t["visibility"] != "visible"]  # a hidden test hides the total
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output"}
        assert isinstance(test["score"], (int, float)) and 0 <= test["score"] <= test["max_score"]


def test_gradescope_shows_staff_graded_parts_without_their_reference():
    result = StudentResult(
        "x",
        {
            "6a": PartResult("6a", "ungraded", 0, 0, "reference: weight sharing; translation equivariance"),
            "6b": PartResult("6b", "incorrect", 0.5, 1, "entry 2 is wrong"),
        },
    )
    tests = results_json(result)["tests"]
    assert tests[0]["visibility"] == "visible" and "status" not in tests[0]
    assert "weight sharing" not in json.dumps(tests) and "course staff" in tests[0]["output"]
    assert tests[1] == {
        "name": "Part 6b",
        "number": "6.2",
        "score": 0.5,
        "max_score": 1,
        "output": "incorrect: entry 2 is wrong",
        "status": "failed",
        "visibility": "visible",
    }
    held = results_json(result, visibility="after_published")
    assert {t["visibility"] for t in held["tests"]} == {held["visibility"]} == {"after_published"}


def test_a_class_csv_with_list_cells(run_cli, tmp_path, totals):
    csv_path = tmp_path / "class.csv"
    csv_path.write_text(
        "student,1b,1d.edges,2x\n"
        'ann,"3 w^2 u1 + 2 w u2 + u3","[w^2 u1, w r, t]",1\n'
        'ben,"u3 + w u2 + w^2 u1","w^2 u1, w u2, u3",\n'
        'cat,"9**9**9","[w^2 u1, ""(w"", t]",\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli("check", csv_path, "--json", "--jobs", "2")
    data = {s["student"]: s["parts"] for s in json.loads(out)}
    assert code == 0
    assert data["ann"]["1b"]["status"] == data["ann"]["1d.edges"]["status"] == "correct"
    assert data["ben"]["1b"]["feedback"].startswith("counts each path")
    assert (data["ben"]["1d.edges"]["score"], data["ben"]["1d.edges"]["feedback"]) == (
        0.3333,
        "entries 2 and 3 are wrong",
    )
    assert data["cat"]["1b"]["status"] == data["cat"]["1d.edges"]["status"] == "invalid"
    code, out, _ = run_cli("check", csv_path)
    invalid = 3 * totals.graded_parts - 4
    assert out.rstrip().endswith(
        f"3 students; answers: 2 correct, 2 incorrect, {invalid} invalid, {3 * totals.ungraded_parts} ungraded"
    )
    assert "note: column '2x' is not a part of the answer key; ignored" in out


def test_points_from_the_params_file(run_cli, alice, tmp_path, totals):
    params = tmp_path / "params.yaml"
    params.write_text("grading:\n  points:\n    1b: 2.5\n    1c: 0\n", encoding="utf-8")
    code, out, _ = run_cli("check", alice, "--params", params, "--json")
    data = json.loads(out)
    assert data["parts"]["1b"]["max_score"] == 2.5 and data["parts"]["1b"]["score"] == 2.5
    assert data["parts"]["1c.p"]["max_score"] == 0
    assert data["max_score"] == totals.points - 1 + 2.5 - 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.yaml"], "missing.yaml: no such file or folder"),
        (["answers.txt"], "expected a .yaml, .yml, .json or .csv file"),
        (["bad.yaml"], "not valid YAML"),
        (["list.yaml"], "expected a mapping from part ids to answers"),
        (["nostudent.csv"], "the first row must name the columns, one of them 'student'"),
        (["empty"], "no answer files"),
        (["alice.yaml", "--seed", "x"], "--seed: expected an integer from 0 to"),
    ],
)
def test_usage_and_file_errors_exit_2(run_cli, alice, args, message):
    folder = alice.parent
    (folder / "answers.txt").write_text("1b: w")
    (folder / "bad.yaml").write_text("1b: [w")
    (folder / "list.yaml").write_text("- w")
    (folder / "nostudent.csv").write_text("name,1b\nx,w\n")
    (folder / "empty").mkdir()
    code, out, err = run_cli("check", *[folder / a if i == 0 else a for i, a in enumerate(args)])
    assert (code, out) == (2, "") and message in err, err


@pytest.mark.parametrize("args", [["--jobs", "0"]])
def test_bad_options_exit_2(run_cli, alice, args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_cli("check", alice, *args)
    assert exit_info.value.code == 2


@pytest.mark.parametrize("args", [["--seed", "-1"], ["--seed", "1", "--params", "p.yaml"]])
def test_bad_seed_options_exit_2(run_cli, alice, args):
    code, out, err = run_cli("check", alice, *args)
    assert code == 2 and out == "" and err.startswith("hw6: error: ")


def test_check_refuses_a_key_whose_cross_check_fails(run_cli, alice, monkeypatch):
    from solver.kernel.checks import Check
    from solver.problems import rnn_backprop

    problem = rnn_backprop.PROBLEM
    failing = type(problem)(
        **{**problem.__dict__, "crosscheck": lambda s: [Check("1b", "numpy", "1", "2", False, 1.0)]}
    )
    monkeypatch.setattr(pipeline, "PROBLEMS", (failing,))
    code, _, err = run_cli("check", alice)
    assert code == 1 and "1b" in err


def test_python_module_entry_point(alice):
    result = run_module("check", alice, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"] == 5


def test_params_files_accept_a_grading_section():
    params = pipeline.params_from_data({"grading": {"points": {"1b": 2}}})
    assert pipeline.params_json(params)["grading"] == {"points": {"1b": 2}}
    assert "grading" not in pipeline.params_json(pipeline.params_from_data({}))
    with pytest.raises(Exception, match=r"grading.points\['1b'\]: expected points from 0 to 1000"):
        pipeline.params_from_data({"grading": {"points": {"1b": "1/3"}}})
    with pytest.raises(Exception, match="grading: expected a mapping with keys points"):
        pipeline.params_from_data({"grading": [1]})
