"""Hostile and malformed answers: all invalid, nothing executed, every other student graded."""

from __future__ import annotations

import builtins
import copy
import json
import os

import pytest

from solver.engine import graders as grader_module
from solver.engine.runner import compile_key, grade_answer, grade_submissions
from solver.grading.submissions import Submission

from .grading_corpus import CORRECT, hostile_answers

HONEST = {"1b": "3 w^2 u1 + 2 w u2 + u3", "1a.p": "u1", "1d.edges": ["w^2 u1", "w r", "t"], "1c.t": "w"}


@pytest.fixture(scope="module")
def parts(homework_parts):
    return copy.deepcopy(homework_parts)


@pytest.fixture(scope="module")
def graders(parts):
    compiled = compile_key(parts)
    for part_id in compiled:  # the key is trusted: compiled before no_eval watches the answers
        compiled[part_id]
    return compiled


@pytest.fixture
def no_eval(monkeypatch):
    """Fail loudly if anything evaluates text while grading."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"eval/exec called while grading: {str(args)[:80]}")

    import sympy
    import sympy.parsing.sympy_parser as sympy_parser

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sympy, "sympify", refuse)
    monkeypatch.setattr(sympy_parser, "parse_expr", refuse)


def test_the_corpus_has_at_least_200_hostile_answers(tmp_path):
    assert len(hostile_answers(tmp_path / "canary")) >= 200


def test_every_hostile_answer_is_invalid_and_nothing_runs(graders, tmp_path, no_eval):
    canary = tmp_path / "canary"
    for part, answer in hostile_answers(canary):
        verdict = grade_answer(graders, part, answer)
        shown = repr(answer)[:80]
        assert verdict.status == "invalid", f"{part} {shown}: got {verdict}"
        assert verdict.feedback and "could not be graded" not in verdict.feedback, f"{part} {shown}: {verdict}"
    assert not canary.exists()


def test_invalid_messages_point_at_the_position(graders):
    def feedback(answer, part="1b"):
        return grade_answer(graders, part, answer).feedback

    assert feedback("3 w^2 u1 + 2 w u2 + u3)") == "unexpected ')' at column 23"
    assert feedback("3 w^2 x") == "unknown symbol 'x' — this part uses w, u1, u2, u3 at column 7"
    assert feedback("9**9**9") == "exponent 387420489 is larger than 1,000 in absolute value at column 4"
    assert feedback("w u1 +") == "answer ends too early after '+' at column 7"
    assert feedback("(w + u1") == "'(' is never closed at column 1"
    assert feedback("w ѡ") == "unexpected character 'ѡ' (U+0461 CYRILLIC SMALL LETTER OMEGA) at column 3"
    assert feedback("w" * 2001) == "answer is 2,001 characters long; the limit is 2,000"
    assert feedback(["w", "u1"]) == "expected an expression as text, got a list"
    assert feedback(["w", "(w", "u1"], "1d.edges") == "entry 2: '(' is never closed at column 1"


def test_a_class_with_hostile_students_grades_everyone_else(parts, graders, tmp_path):
    canary = tmp_path / "canary"
    hostile = hostile_answers(canary)
    submissions = []
    for index, (part, answer) in enumerate(hostile):
        submissions.append(Submission(f"hostile-{index}", {part: answer}))
        if index % 20 == 0:
            submissions.append(Submission(f"honest-{index}", dict(HONEST)))
    results = grade_submissions(parts, submissions, jobs=2, graders=graders)
    assert not canary.exists()
    for submission, result in zip(submissions, results, strict=False):
        assert result.student == submission.student
        if submission.student.startswith("honest"):
            graded = {p: result.parts[p].status for p in HONEST}
            assert graded == {p: "correct" for p in HONEST}, result
            assert result.score == len(HONEST)
        else:
            (part,) = submission.answers
            assert result.parts[part].status == "invalid", (submission.answers, result.parts[part])
            assert result.score == 0


# --------------------------------------------------------------------------- the time limit

SLOW, CRASH = "SLOW-ANSWER", "CRASH-ANSWER"


def slow_or_crashing(graders, part_id, answer):
    """Stands in for an answer that defeats every limit: C-level big-integer work, or a crash."""
    if answer == SLOW:
        10 ** (10**9)  # minutes inside one C call; no signal handler runs here
    if answer == CRASH:
        os._exit(3)
    return grade_answer(graders, part_id, answer)


def test_the_time_limit_holds_inside_c_level_work_and_a_crash_costs_one_answer(parts, graders):
    answers = [SLOW, CRASH, "3 w^2 u1 + 2 w u2 + u3", SLOW, "u3"]
    submissions = [Submission(f"s{i}", {"1b": a, "1a.p": "u1"}) for i, a in enumerate(answers)]
    results = grade_submissions(parts, submissions, jobs=2, time_limit=0.5, grade=slow_or_crashing, graders=graders)
    statuses = [r.parts["1b"].status for r in results]
    assert statuses == ["invalid", "invalid", "correct", "invalid", "incorrect"]
    assert "took longer than 0.5 s" in results[0].parts["1b"].feedback
    assert "stopped the grader" in results[1].parts["1b"].feedback
    assert all(r.parts["1a.p"].status == "correct" for r in results)  # parts after the killed one


def test_a_grader_bug_is_invalid_not_a_crash(parts, graders, monkeypatch):
    def broken(self, answer):
        raise ZeroDivisionError

    monkeypatch.setattr(grader_module.ExpressionGrader, "check", broken)
    verdict = grade_answer(graders, "1b", "w")
    assert verdict.status == "invalid" and "ZeroDivisionError" in verdict.feedback


# --------------------------------------------------------------------------- hostile files


HOSTILE_FILES = {
    "alias-bomb.yaml": "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n1b: w\n",
    "python-tag.yaml": "1b: !!python/object/apply:os.system ['touch {canary}']\n",
    "not-a-mapping.yaml": "- 1b\n- w\n",
    "bad-yaml.yaml": "1b: [w, u1\n",
    "bad-json.json": '{"1b": "w",}',
    "nan.json": '{"1b": NaN}',
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "latin1.yaml": b"1b: \xe9\xe9\n",
    "empty.yaml": "",
    "types.yaml": "1b: {x: 1}\n1a.p: 2023-03-10\n1a.q: !!binary aGVsbG8=\n1a.r: !!set {w: null}\n1c.p: [w]\n1c.q: yes\n"
    "1c.r: .nan\n1c.s: 1.0e+308\n1d.edges: {a: 1}\n1d.total: null\n",
    "huge-string.yaml": "1b: " + "w" * 1_000_000 + "\n",
    "too-big.json": '{"1b": "' + "w" * (5 * 2**20) + '"}',
}


def test_hostile_files_in_a_class_folder(run_cli, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    canary = tmp_path / "canary"
    for name, content in HOSTILE_FILES.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content.replace("{canary}", str(canary)), encoding="utf-8")
    (folder / "zz-honest.yaml").write_text(
        "".join(f"{part}: {json.dumps(answers[0])}\n" for part, answers in CORRECT.items()), encoding="utf-8"
    )
    code, out, err = run_cli("check", folder, "--json")
    assert code == 0, err
    results = {r["student"]: r for r in json.loads(out)}
    assert not canary.exists()
    honest = results.pop("zz-honest")
    assert all(honest["parts"][p]["status"] == "correct" for p in CORRECT), honest
    assert set(results) == {name.rsplit(".", 1)[0] for name in HOSTILE_FILES}
    for student, result in results.items():
        statuses = {part["status"] for part in result["parts"].values() if part["max_score"]}
        assert statuses == {"invalid"}, (student, result)  # ungraded (written) parts score nothing anyway
        assert result["score"] == 0
    assert "aliases" in results["alias-bomb"]["notes"][0]
    assert "larger than 4 MiB" in results["too-big"]["notes"][0]
    types = results["types"]["parts"]
    assert types["1b"]["feedback"] == "expected an expression as text, got a mapping"
    assert types["1c.q"]["feedback"] == "expected an expression as text, got true/false"
    assert types["1d.total"]["feedback"] == "no answer"


def test_one_chunk_of_many_answers_blames_only_the_slow_and_the_crashing_one(graders):
    from solver.engine.pool import WorkerPool

    answers = ["u3", SLOW, "3 w^2 u1 + 2 w u2 + u3", CRASH, "u3", "3 w^2 u1 + 2 w u2 + u3"]
    chunk = [(number, 0, "1b", answer) for number, answer in enumerate(answers)]
    verdicts = WorkerPool([graders], 1, 0.5, slow_or_crashing).run([chunk])
    statuses = [verdicts[number].status for number in range(len(answers))]
    assert statuses == ["incorrect", "invalid", "correct", "invalid", "incorrect", "correct"]
    assert "took longer than 0.5 s" in verdicts[1].feedback
    assert "stopped the grader" in verdicts[3].feedback


@pytest.mark.parametrize(
    "cell",
    ["[1, 2.5, -3]", "[1e3, 1.5e+3, -0]", "[NaN, Infinity]", '["w", "u1"]', "[[1, 2], [3, 4]]", '[{"a": 1, "a": 2}]'],
)
def test_a_json_list_cell_reads_as_yaml_would(cell):
    from solver.grading.submissions import read_cell
    from solver.io.files import parse_structured

    try:
        expected = parse_structured(cell, "cell")
    except Exception:  # noqa: BLE001 - YAML refuses it: the cell stays text
        expected = cell
    assert read_cell(cell, "vector") == expected
