"""The forms students paste (issue 12), on the homework's key and the variants 11-13: zero false positives."""

from __future__ import annotations

import collections
import copy
import json

import pytest

from solver.build.pipeline import answer_key
from solver.engine.runner import Submission, compile_key, grade_answer, grade_submissions
from solver.variants.draw import draw

from .grading_corpus import printed_hostile
from .grading_forms import CORRECT, form_cases

SEEDS = (11, 12, 13)


@pytest.fixture(scope="module")
def keys(homework_parts) -> dict[str, dict]:
    found = {"homework": copy.deepcopy(homework_parts)}
    for seed in SEEDS:
        drawn = draw(seed)
        found[f"seed {seed}"] = answer_key(drawn.solved, drawn.variant)["parts"]
    return found


@pytest.fixture(scope="module")
def graded(keys) -> list[tuple[str, str, object, str, object]]:
    rows = []
    for label, parts in keys.items():
        graders = compile_key(parts)
        for part_id, answer, expected in form_cases(parts, label):
            rows.append((label, part_id, answer, expected, grade_answer(graders, part_id, answer)))
    return rows


def test_the_corpus_has_at_least_300_forms_right_and_wrong(graded):
    expected = collections.Counter(row[3] for row in graded)
    assert len(graded) >= 300 and expected[CORRECT] >= 100 and expected["not correct"] >= 100, expected


def test_no_wrong_answer_is_graded_correct(graded):
    false_positives = [
        (label, part, repr(answer)[:100], verdict.feedback)
        for label, part, answer, expected, verdict in graded
        if verdict.status == "correct" and expected != CORRECT
    ]
    assert false_positives == []


def test_every_right_form_is_graded_correct(graded):
    rejected = [
        (label, part, repr(answer)[:100], verdict.status, verdict.feedback)
        for label, part, answer, expected, verdict in graded
        if expected == CORRECT and verdict.status != "correct"
    ]
    assert rejected == []


def test_every_verdict_says_how_it_was_reached(graded):
    methods = {verdict.method for *_, verdict in graded if verdict.status in ("correct", "incorrect")}
    assert methods <= {"exact", "numeric-tolerance", "sampled"} and {"exact", "numeric-tolerance", "sampled"} <= methods


def test_numbers_feedback_states_the_tolerance(keys):
    graders = compile_key(keys["homework"])
    verdict = grade_answer(graders, "3a", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]")
    assert verdict.status == "incorrect" and verdict.feedback == "expected 4 × 3 or 12 numbers, got 10 numbers"
    wrong = [v + (0.01 if i == 1 else 0) for i, v in enumerate(keys["homework"]["3b"]["value"])]
    feedback = grade_answer(graders, "3b", wrong).feedback
    assert feedback == (
        "entry 2 is wrong; values are compared to at least 4 significant digits (or 4 decimal places), each value "
        "within one unit of its last digit (or one part in a million) of the exact value"
    )


def test_hostile_printed_numbers_are_invalid_with_a_reason(keys):
    graders = compile_key(keys["homework"])
    for part, answer in printed_hostile():
        verdict = grade_answer(graders, part, answer)
        shown = f"an int of {answer.bit_length()} bits" if isinstance(answer, int) else repr(answer)[:60]
        assert verdict.status == "invalid", f"{part} {shown}: {verdict}"
        assert verdict.feedback and "could not be graded" not in verdict.feedback, f"{part} {shown}: {verdict}"


def test_one_hostile_answer_costs_only_that_answer(keys):
    parts = keys["homework"]
    honest = {"1b": parts["1b"]["value"], "3b": parts["3b"]["value"]}
    nested: object = [1]
    for _ in range(600):
        nested = [nested]
    hostile = [
        Submission("huge", {"1b": 10**5000, "3b": honest["3b"]}),
        Submission("deep", {"1b": nested, "3b": honest["3b"]}),
        Submission("honest", dict(honest)),
    ]
    results = {r.student: r for r in grade_submissions(parts, hostile, jobs=2)}
    assert results["honest"].parts["1b"].status == results["honest"].parts["3b"].status == "correct"
    for name in ("huge", "deep"):
        assert results[name].parts["1b"].status == "invalid" and results[name].parts["3b"].status == "correct"
    assert "4,000 digits" in results["huge"].parts["1b"].feedback
    assert "nested deeper" in results["deep"].parts["1b"].feedback


def test_a_class_survives_huge_integers_deep_nesting_and_oversized_cells(run_cli, tmp_path, keys):
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "ann.yaml").write_text(f"1b: {parts_value(keys)}\n")
    (folder / "ben.yaml").write_text("1b: " + "7" * 5000 + "\n")
    (folder / "cat.json").write_text(json.dumps({"1b": "w"})[:-1] + ', "3b": ' + "[" * 500 + "]" * 500 + "}")
    code, out, err = run_cli("check", folder, "--json")
    assert code == 0, err
    results = {r["student"]: r for r in json.loads(out)}
    assert results["ann"]["parts"]["1b"]["status"] == "correct"
    assert results["ben"]["parts"]["1b"]["status"] == results["cat"]["parts"]["3b"]["status"] == "invalid"
    assert results["cat"]["parts"]["1b"]["status"] == "incorrect"  # only the deep answer is lost
    table = tmp_path / "class.csv"
    table.write_text("student,1b,3b\nann,w,1\nbig," + "w" * (4 * 2**20 + 1) + ",1\n")
    code, out, err = run_cli("check", table, "--json")
    assert code == 0, err
    results = {r["student"]: r for r in json.loads(out)}
    assert (
        results["big"]["parts"]["1b"]["status"] == "invalid"
        and "characters long" in results["big"]["parts"]["1b"]["feedback"]
    )


def parts_value(keys) -> str:
    return json.dumps(keys["homework"]["1b"]["value"])


def test_a_family_key_is_graded_by_membership_and_solution_sets():
    import sympy as sp

    from solver.engine.kinds import compile_part

    matrix, rhs = [[1, 2, 1], [2, 1, 2], [1, 2, 1]], [4, 5, 4]
    spec = {
        "kind": "vector",
        "value": {"family": "[2 - t1, 1, t1]", "free": ["t1"]},
        "system": {"matrix": matrix, "rhs": rhs},
    }
    grader = compile_part("6b", spec)
    t = sp.Symbol("t")
    A, b = sp.Matrix(matrix), sp.Matrix(rhs)
    free = A.cols - A.rank()
    answers = {
        "[2, 1, 0]": sp.Matrix([2, 1, 0]),
        "[0, 1, 2]": sp.Matrix([0, 1, 2]),
        "[1/2, 1, 3/2]": sp.Matrix([sp.Rational(1, 2), 1, sp.Rational(3, 2)]),
        "[1, 1, 1]": sp.Matrix([1, 1, 1]),
        "[2, 1, 1]": sp.Matrix([2, 1, 1]),
        "[2 - t, 1, t]": sp.Matrix([2 - t, 1, t]),
        "[t, 1, 2 - t]": sp.Matrix([t, 1, 2 - t]),
        "[2 - t, 1 + t, t]": sp.Matrix([2 - t, 1 + t, t]),
        "[4 - 2 t, 1, 2 t - 2]": sp.Matrix([4 - 2 * t, 1, 2 * t - 2]),
        "[2, 1 + t, 0]": sp.Matrix([2, 1 + t, 0]),
    }
    for text, vector in answers.items():
        residual = sp.simplify(A * vector - b)
        members_solve = residual == sp.zeros(3, 1)
        directions = vector.jacobian([t]) if vector.free_symbols else sp.zeros(3, 0)
        spans = directions.shape[1] == 0 or directions.rank() == free
        expected = "correct" if members_solve and spans else "incorrect"
        assert grader.grade(text).status == expected, text


def test_the_key_states_its_significant_digits_and_the_feedback_repeats_them(homework_parts):
    from solver.engine.runner import compile_key, grade_answer

    parts = homework_parts
    assert [parts[p].get("digits") for p in ("3a", "3b", "3c")] == [6, 6, 6]
    assert [parts[p].get("min_digits") for p in ("3a", "3b", "3c")] == [4, 4, 4]
    graders = compile_key(parts)
    exact = [float(v) for v in parts["3b"]["exact"]]
    off = [v + 2e-6 for v in exact]  # past one part in a million of every 3b value (all above 0.1 in size)
    verdict = grade_answer(graders, "3b", off)
    assert verdict.status == "incorrect" and "at least 4 significant digits" in verdict.feedback, verdict
    assert grade_answer(graders, "3b", [v + 4e-8 for v in exact]).status == "correct"
    assert grade_answer(graders, "3b", [round(v, 4) for v in exact]).status == "correct"


@pytest.mark.parametrize("digits", [0, 18, "6", True, 3])
def test_a_key_with_impossible_digits_is_refused(digits):
    from solver.engine.numbers import NumbersGrader

    with pytest.raises(ValueError, match="digits"):
        NumbersGrader("3b", {"kind": "numbers", "value": [0.128759, -0.335704], "digits": digits})


NO_FILTER_KEY = {  # w1 + w2 = 1 and w1 + w2 = 2: no filter fits
    "kind": "vector",
    "value": None,
    "system": {"matrix": [[1, 1], [1, 1]], "rhs": [1, 2]},
    "reason": "no filter fits: row 2 - row 1 reads 0 = 1",
    "least_squares": ["3/4", "3/4"],
}


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("none", "correct"),
        ("No filter.", "correct"),
        ("  no   such filter ", "correct"),
        ("impossible", "correct"),
        ([0.75, 0.75], "incorrect"),  # the least-squares filter fits no equation exactly
        ([1, 0], "incorrect"),
        ("[1, 1]", "incorrect"),
        ("maybe", "invalid"),
        (None, "invalid"),
    ],
)
def test_a_key_where_no_filter_fits_is_graded(answer, status):
    from solver.engine.kinds import compile_part

    verdict = compile_part("6b", NO_FILTER_KEY).grade(answer)
    assert verdict.status == status, verdict
    if status == "incorrect":
        assert "no filter satisfies" in verdict.feedback


def test_a_no_filter_key_whose_system_has_a_solution_is_not_graded():
    from solver.engine.kinds import compile_part

    spec = {**NO_FILTER_KEY, "system": {"matrix": [[1, 1], [1, -1]], "rhs": [1, 2]}}
    grader = compile_part("6b", spec)
    assert not grader.graded and "has a solution" in grader.grade("none").feedback


def test_the_class_path_gives_every_answer_its_own_verdict(keys, graded):
    """Through the workers, with repeated answers graded once: the same verdict as alone, for every form."""
    from solver.engine.runner import KeyGroup, grade_groups

    labels = list(keys)
    rows = [row for row in graded if row[0] in labels]
    groups = []
    for label in labels:
        mine = [row for row in rows if row[0] == label]
        students = [Submission(f"{label} {i}", {part: answer}) for i, (_, part, answer, _, _) in enumerate(mine)]
        repeated = [Submission(f"{label} again {i}", {part: answer}) for i, (_, part, answer, _, _) in enumerate(mine)]
        groups.append(KeyGroup(keys[label], compile_key(keys[label]), students + repeated))
    results = grade_groups(groups, jobs=2)
    for label, group_results in zip(labels, results, strict=True):
        mine = [row for row in rows if row[0] == label]
        for index, result in enumerate(group_results):
            _, part, answer, _, alone = mine[index % len(mine)]
            got = result.parts[part]
            assert (got.status, got.feedback, got.method) == (alone.status, alone.feedback, alone.method), (
                label,
                part,
                repr(answer)[:100],
            )
