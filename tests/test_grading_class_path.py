"""What a class pays once: each distinct answer, and the checked key between runs (issue 12)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from solver.build import pipeline
from solver.engine.runner import compile_key, grade_answer, grade_submissions
from solver.grading import keycache
from solver.grading.submissions import Submission
from solver.io.cache import forget_memory
from solver.kernel.checks import Check

from .cache_entries import entry_data, reseal

SLOW = "SLOW-ANSWER"


@pytest.fixture(scope="module")
def parts(homework_parts):
    return copy.deepcopy(homework_parts)


def counting(log):
    """A grade function that records each answer it is given (in a file: it runs in the workers)."""

    def grade(graders, part_id, answer):
        with log.open("a") as handle:
            handle.write(json.dumps([part_id, repr(answer)]) + "\n")
        if answer == SLOW:
            10 ** (10**9)  # the time limit stops it
        return grade_answer(graders, part_id, answer)

    return grade


def graded_answers(log) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_an_answer_many_students_gave_is_graded_once_and_each_gets_its_verdict(parts, tmp_path):
    log = tmp_path / "graded"
    right, wrong = "3 w^2 u1 + 2 w u2 + u3", "3 w^2 u1 + 2 w u2"
    answers = [right, wrong, right, right, wrong, SLOW, SLOW, right]
    submissions = [Submission(f"s{i}", {"1b": a, "1c.t": "w"}) for i, a in enumerate(answers)]
    results = grade_submissions(parts, submissions, jobs=2, time_limit=0.5, grade=counting(log))
    expected = {right: "correct", wrong: "incorrect", SLOW: "invalid"}
    assert [r.parts["1b"].status for r in results] == [expected[a] for a in answers]
    assert all(r.parts["1c.t"].status == "correct" for r in results)
    assert all(
        "took longer than 0.5 s" in r.parts["1b"].feedback for r, a in zip(results, answers, strict=True) if a == SLOW
    )
    graded = graded_answers(log)
    assert sorted(graded) == sorted([["1b", repr(right)], ["1b", repr(wrong)], ["1b", repr(SLOW)], ["1c.t", "'w'"]])


def test_answers_are_shared_only_when_they_are_the_same_value(parts, tmp_path):
    log = tmp_path / "graded"
    values = [[1, -2, 3], ["1", "-2", "3"], [True, -2, 3], [Decimal("1.0"), -2, 3], [1, -2, 3], [Decimal("1.0"), -2, 3]]
    submissions = [Submission(f"s{i}", {"6b": v}) for i, v in enumerate(values)]
    direct = [grade_answer(compile_key(parts), "6b", v).status for v in values]
    results = grade_submissions(parts, submissions, jobs=1, grade=counting(log))
    assert [r.parts["6b"].status for r in results] == direct
    assert len(graded_answers(log)) == 4  # the repeated [1, -2, 3] and [1.0, -2, 3] once each


def test_the_same_answer_under_two_keys_is_graded_against_each(tmp_path):
    from solver.engine.runner import KeyGroup, grade_groups

    keys = [{"1b": {"kind": "expr", "value": v, "symbols": ["w"]}} for v in ("w", "2*w")]
    groups = [KeyGroup(k, compile_key(k), [Submission(f"s{i}", {"1b": "w"})]) for i, k in enumerate(keys)]
    (first,), (second,) = grade_groups(groups, jobs=1)
    assert (first.parts["1b"].status, second.parts["1b"].status) == ("correct", "incorrect")


ALICE = "1b: 3 w^2 u1 + 2 w u2 + u3\n1c.t: w\n"


@pytest.fixture(autouse=True)
def cold_memory():
    """Cache entries are also kept in memory for the process: each test starts from its own folder
    (the trained networks stay in memory: the folders here do not have them)."""
    forget_memory(keycache.KIND)


def entries(cache):
    folder = cache / keycache.KIND
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_the_checked_key_is_kept_and_read_back_without_solving(run_cli, tmp_path, monkeypatch):
    answers, cache = tmp_path / "alice.yaml", tmp_path / "cache"
    answers.write_text(ALICE)
    first = run_cli("check", answers, "--json", "--cache-dir", cache)
    assert first[0] == 0 and len(entries(cache)) == 1

    def no_solving(*args, **kwargs):
        raise AssertionError("the key was solved again")

    monkeypatch.setattr(pipeline, "solve_all", no_solving)
    assert run_cli("check", answers, "--json", "--cache-dir", cache) == first
    params = tmp_path / "params.yaml"
    params.write_text("rnn_backprop: {steps: 4}\n")  # other parameters: another key, solved and checked
    monkeypatch.undo()
    code, out, _ = run_cli("check", answers, "--json", "--params", params, "--cache-dir", cache)
    assert code == 0 and json.loads(out) != json.loads(first[1]) and len(entries(cache)) == 2


def test_a_key_whose_cross_check_fails_is_never_kept(run_cli, tmp_path, monkeypatch):
    answers, cache = tmp_path / "alice.yaml", tmp_path / "cache"
    answers.write_text(ALICE)
    problem = pipeline.PROBLEMS[0]
    failing = type(problem)(
        **{**problem.__dict__, "crosscheck": lambda s: [Check("1b", "numpy", "1", "2", False, 1.0)]}
    )
    monkeypatch.setattr(pipeline, "PROBLEMS", (failing, *pipeline.PROBLEMS[1:]))
    code, out, err = run_cli("check", answers, "--cache-dir", cache)
    assert code == 1 and "1b" in err and out == ""
    assert entries(cache) == []


def test_a_damaged_entry_is_rebuilt(run_cli, tmp_path):
    answers, cache = tmp_path / "alice.yaml", tmp_path / "cache"
    answers.write_text(ALICE)
    first = run_cli("check", answers, "--json", "--cache-dir", cache)
    (entry,) = entries(cache)
    intact = json.loads(entry_data(entry))
    edited = json.loads(entry_data(entry))
    edited["key"]["parts"]["1b"]["value"] = "w"  # a key that was never checked
    for damage in ("not json", '{"key": {"parts": [1, 2]}}', json.dumps(edited), json.dumps({**intact, "sha256": ""})):
        reseal(entry, damage.encode())  # each behind a right header: the entry's own checks refuse it
        forget_memory(keycache.KIND)  # the copy in memory would hide the damage
        assert run_cli("check", answers, "--json", "--cache-dir", cache) == first, damage
        assert json.loads(entry_data(entry)) == intact


def test_the_entry_depends_on_every_file_of_the_package(tmp_path, monkeypatch):
    before = keycache.entry_name({"params": {}})
    keycache.source_fingerprint.cache_clear()
    monkeypatch.setattr(keycache, "source_fingerprint", lambda: "another version of the code")
    assert keycache.entry_name({"params": {}}) != before
