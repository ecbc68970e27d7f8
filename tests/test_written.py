"""Problems 5 and 7: facts with their source, example answers, and the student's own form."""

from __future__ import annotations

import json

from solver.problems import blog, study_record


def test_blog_facts_are_the_series_numbers_and_consistent():
    solution = blog.solve(blog.Params())
    parts = blog.parts(solution)
    assert parts["5a"].extra["data"] == {"baseline_s": 341, "final_s": 26, "accuracy": 0.94}
    assert [m.seconds for m in solution.milestones] == [297, 256, 154, 79, 26]
    assert "341 s" in parts["5a"].value and "26 s" in parts["5a"].value and blog.SOURCE in parts["5a"].value
    assert all(check.agrees for check in blog.crosscheck(solution))
    assert {parts["5b"].kind, parts["5c"].kind} == {"written"}
    assert all(80 <= len(parts[p].value.split()) <= 130 for p in ("5b", "5c"))  # about 100 words


def test_study_record_is_personal_and_ungraded(run_cli):
    code, out, _ = run_cli("key")
    key = json.loads(out)["parts"]
    assert [key[p]["kind"] for p in ("7a", "7b", "7c")] == ["personal"] * 3
    assert key["7a"]["value"] is None and "sources" in key["7a"]["question"]
    assert study_record.crosscheck(study_record.solve(study_record.Params())) == []


def test_written_parts_reach_the_sheets(run_cli, tmp_path):
    assert run_cli("build", "--no-pdf", "--out", tmp_path)[0] == 0
    solutions = (tmp_path / "solutions.tex").read_text()
    problems = (tmp_path / "problems.tex").read_text()
    assert "Problem 5: Reading: How to Train Your ResNet" in solutions and "341" in solutions
    assert "the student's own record" in solutions
    assert "About how many hours" in problems
