"""Problems 5 and 7: facts with their source, example answers, and the student's own form."""

from __future__ import annotations

import dataclasses
import json

from solver.problems import blog

from .conftest import SKIP_NAMES


def test_blog_answer_states_the_facts_it_records():
    solution = blog.solve(blog.Params())
    answer = blog.parts(solution)["5a"]
    data = answer.extra["data"]
    times = (solution.baseline_single_gpu_s, solution.baseline_eight_gpu_s, *(m.seconds for m in solution.milestones))
    assert all(f"{seconds} s" in answer.value for seconds in times)
    assert (
        f"{data['baseline_s']} s" in answer.value
        and f"reached {data['accuracy']:.0%} in {data['final_s']} s" in answer.value
    )
    assert f"about {round(solution.speedup)} times faster" in answer.value and blog.SOURCE in answer.value
    parts = blog.parts(solution)
    assert {parts["5b"].kind, parts["5c"].kind} == {"written"}
    assert all(80 <= len(parts[p].value.split()) <= 130 for p in ("5b", "5c"))  # about 100 words


def test_blog_crosscheck_catches_facts_that_contradict_each_other():
    assert all(check.agrees for check in blog.crosscheck(blog.solve(blog.Params())))
    slower = dataclasses.replace(blog.FACTS, milestones=(*blog.FACTS.milestones[:-1], blog.Milestone("8.", 400)))
    assert [check.agrees for check in blog.crosscheck(slower)] == [False, False]


def test_study_record_is_personal_and_ungraded(run_cli):
    code, out, _ = run_cli("key", *SKIP_NAMES)
    key = json.loads(out)["parts"]
    assert [key[p]["kind"] for p in ("7a", "7b", "7c")] == ["personal"] * 3
    assert key["7a"]["value"] is None and "sources" in key["7a"]["question"]


def test_written_parts_reach_the_sheets(run_cli, tmp_path):
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", tmp_path)[0] == 0
    solutions = (tmp_path / "solutions.tex").read_text()
    problems = (tmp_path / "problems.tex").read_text()
    assert "Problem 5: Reading: How to Train Your ResNet" in solutions and "341" in solutions
    assert "the student's own record" in solutions
    assert "About how many hours" in problems
