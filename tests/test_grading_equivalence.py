"""Deciding answers: Problem 1 in many forms, every part kind on synthetic key parts."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings

from solver.build.pipeline import answer_key, params_from_data, solve_all
from solver.engine.kinds import compile_part
from solver.engine.runner import compile_key, grade_answer
from tests.support.synthetic_answers import equivalent_forms, wrong_forms

from .grading_corpus import CORRECT, WRONG
from .strategies import expressions


def key_parts(steps: int = 3) -> dict:
    return answer_key(solve_all(params_from_data({"rnn_backprop": {"steps": steps}})))["parts"]


@pytest.fixture(scope="module")
def graders():
    return compile_key(key_parts())


# --------------------------------------------------------------------------- Problem 1


@pytest.mark.parametrize("part", sorted(CORRECT))
def test_equivalent_forms_are_correct(graders, part):
    for answer in CORRECT[part]:
        verdict = grade_answer(graders, part, answer)
        assert (verdict.status, verdict.credit) == ("correct", 1), f"{part} {answer!r}: {verdict}"


@pytest.mark.parametrize("part", sorted(WRONG))
def test_wrong_answers_get_their_feedback(graders, part):
    for answer, feedback in WRONG[part]:
        verdict = grade_answer(graders, part, answer)
        assert verdict.status == "incorrect" and feedback in verdict.feedback, f"{part} {answer!r}: {verdict}"


@pytest.mark.parametrize("steps", [3, 5])
def test_synthetic_forms_of_every_expression_part(steps):
    parts = key_parts(steps)
    graders = compile_key(parts)
    rng = random.Random(steps)
    for part_id, spec in parts.items():
        if spec["kind"] != "expr":
            continue
        for form in equivalent_forms(spec["value"], spec["symbols"]):
            verdict = grade_answer(graders, part_id, form.text)
            assert verdict.status == "correct", f"{part_id} {form}: {verdict}"
        for form in wrong_forms(spec["value"], spec["symbols"], rng):
            verdict = grade_answer(graders, part_id, form.text)
            assert verdict.status == "incorrect", f"{part_id} {form}: {verdict}"


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 6])
def test_every_modelled_mistake_gets_its_own_feedback(steps):
    parts = key_parts(steps)
    graders = compile_key(parts)
    for part_id, spec in parts.items():
        for mistake in spec.get("mistakes", []):
            verdict = grade_answer(graders, part_id, mistake["value"])
            assert verdict.status == "incorrect", (part_id, mistake, verdict)
            assert verdict.feedback.startswith(mistake["feedback"]), (part_id, mistake, verdict)  # lists add details


def test_the_issue_s_named_mistakes_are_modelled():
    parts = key_parts(3)
    feedback_1b = {m["value"]: m["feedback"] for m in parts["1b"]["mistakes"]}
    assert "counts each path" in feedback_1b["u1*w**2 + u2*w + u3"]  # u3 + w u2 + w^2 u1
    assert "last factor w was dropped" in feedback_1b["2*u1*w + u2"]
    assert any("directly downstream" in m["feedback"] for m in parts["1c.q"]["mistakes"])
    assert any("node before each multiplication" in m["feedback"] for m in parts["1d.edges"]["mistakes"])


def test_long_chains_keep_mistakes_for_dydw_only():
    parts = key_parts(8)
    assert parts["1b"]["mistakes"] and parts["1d.total"]["mistakes"]
    assert "mistakes" not in parts["1a.y"] and "substitutions" not in parts["1c.a1"]


def test_list_answers_earn_credit_per_entry(graders):
    verdict = grade_answer(graders, "1d.edges", ["w^2 u1", "w u2", "u3 + w u2 + w^2 u1"])
    assert verdict.status == "incorrect" and verdict.credit == Fraction(2, 3)
    assert verdict.feedback == "entry 2 is wrong"
    verdict = grade_answer(graders, "1d.edges", ["w^2 u1", "w r"])
    assert verdict.credit == Fraction(2, 3) and verdict.feedback == "expected 3 entries, got 2"


@settings(max_examples=60)
@given(expressions(), expressions())
def test_exact_equivalence_agrees_with_sympy(first, second):
    (text_a, a), (text_b, b) = first, second
    spec = {"kind": "expr", "value": str(sp.expand(a)), "symbols": ["w", "u1", "u2"]}
    grader = compile_part("p", spec)
    assert grader.grade(text_a).status == "correct", (text_a, spec["value"])
    expected = "correct" if sp.simplify(a - b) == 0 else "incorrect"
    assert grader.grade(text_b).status == expected, (text_b, spec["value"])


# --------------------------------------------------------------------------- every kind, synthetic parts


def grade(spec: dict, answer):
    return compile_part("x", spec).grade(answer)


def test_expression_with_substitutions_accepted_and_mistakes():
    spec = {
        "kind": "expr",
        "value": "a*b + 1",
        "symbols": ["a", "b"],
        "substitutions": {"m": "a*b", "dz/dm": "1"},
        "accepted": ["a*b + 2"],
        "mistakes": [{"value": "a*b", "feedback": "forgot the bias"}],
    }
    assert grade(spec, "m + 1").status == "correct"
    assert grade(spec, r"\frac{dz}{dm} m + 1").status == "correct"
    assert grade(spec, "ab + 2").status == "correct"
    assert grade(spec, "ba").feedback == "forgot the bias"
    assert grade(spec, "c").feedback.startswith("unknown symbol 'c' — this part uses a, b, m")


def test_non_rational_answers_are_compared_at_random_points():
    spec = {"kind": "expr", "value": "x", "symbols": ["x"], "domain": [1, 4]}
    assert grade(spec, "(x^2)^(1/2)").status == "correct"
    assert grade(spec, "x^(1/2) x^(1/2)").status == "correct"
    assert grade(spec, "x^(1/2)").status == "incorrect"
    assert grade({**spec, "value": "2*x"}, "(4 x^2)^(1/2)").status == "correct"


def test_vectors_are_exact_with_wrong_entries_named():
    spec = {
        "kind": "vector",
        "value": [2, -1, "1/3"],
        "mistakes": [{"value": [3, -1, 2], "feedback": "the filter is flipped"}],
    }
    assert grade(spec, [2, -1, "1/3"]).status == "correct"
    assert grade(spec, "[2, −1, \\frac{1}{3}]").status == "correct"
    assert grade(spec, "2, -1, 2^-1 * 2/3").status == "correct"
    assert grade(spec, [3, -1, 2]).feedback == "the filter is flipped; entries 1 and 3 are wrong"
    wrong = grade(spec, [2, 1, 0])
    assert (wrong.credit, wrong.feedback) == (Fraction(1, 3), "entries 2 and 3 are wrong")
    near = grade(spec, [2, -1, "0.333"])
    assert near.credit == Fraction(2, 3) and "exact numbers" in near.feedback
    assert grade(spec, [2, -1]).feedback == "expected 3 entries, got 2"
    assert grade(spec, [2, "w", 1]).status == "invalid"
    spec["mistakes"].append({"value": "none", "feedback": "a filter does fit"})
    assert grade(spec, "None").feedback == "a filter does fit"


def test_vector_key_written_as_a_word():
    spec = {
        "kind": "vector",
        "value": "none",
        "accepted": ["no solution"],
        "mistakes": [{"value": [1, 2], "feedback": "no filter fits"}],
    }
    assert grade(spec, "None.").status == "correct"
    assert grade(spec, "No  solution").status == "correct"
    assert grade(spec, [1, 2]).feedback == "no filter fits"
    assert grade(spec, [1, 3]).status == "incorrect"


def test_matrices_name_wrong_entries_and_shapes():
    spec = {
        "kind": "matrix",
        "value": [[-1, 3, -2], [3, -1, 1], [0, 3, 1]],
        "mistakes": [{"value": [[-1, 1], [3, 1]], "feedback": "this is the input, not the output"}],
    }
    assert grade(spec, [[-1, 3, -2], [3, -1, 1], [0, 3, 1]]).status == "correct"
    latex = r"\begin{bmatrix} -1 & 3 & -2 \\ 3 & -1 & 1 \\ 0 & 3 & 1 \end{bmatrix}"
    assert grade(spec, latex).status == "correct"
    assert grade(spec, "[[-1, 3, -2], [3, -1, 1], [0, 3, 1]]").status == "correct"
    wrong = grade(spec, [[-1, 3, -2], [3, 1, 1], [0, 3, 2]])
    assert wrong.credit == Fraction(7, 9) and wrong.feedback == "entries (2, 2), (3, 3) (row, column) are wrong"
    assert grade(spec, [[-1, 1], [3, 1]]).feedback.startswith("this is the input, not the output")
    assert grade(spec, [[1, 2], [3]]).feedback == "expected a 3×3 matrix, got rows of different lengths"
    assert grade(spec, [[1, 2], [3, "("]]).feedback.startswith("row 2, column 2: ")


SEQUENCES = {
    "kind": "sequences",
    "value": [
        {"sequence": ["neural", "network", "network"], "logprob": "-0.87"},
        {"sequence": ["network", "neural", "neural"], "logprob": "-1.20"},
    ],
    "mistakes": [
        {
            "value": [
                {"sequence": ["neural", "neural", "neural"], "logprob": "-0.50"},
                {"sequence": ["neural", "network", "network"], "logprob": "-0.87"},
            ],
            "feedback": "ranked by the last step's probability, not the total",
        }
    ],
}


def test_sequences_ranked_with_lcs_credit():
    spec = SEQUENCES
    assert grade(spec, [["neural", "network", "network"], ["network", "neural", "neural"]]).status == "correct"
    assert grade(spec, "neural network network; network neural neural").status == "correct"
    with_logprobs = [
        {"sequence": "neural network network", "logprob": -0.87},
        {"sequence": ["network", "neural", "neural"], "logprob": "-1.2"},
    ]
    assert grade(spec, with_logprobs).status == "correct"
    swapped = grade(spec, [["network", "neural", "neural"], ["neural", "network", "network"]])
    assert swapped.credit == Fraction(1, 2) and "ranking differs" in swapped.feedback
    bad_logprob = grade(spec, [{"sequence": "neural network network", "logprob": -0.5}, "network neural neural"])
    assert bad_logprob.credit == Fraction(3, 4) and "the log-probability of sequence 1 is wrong" in bad_logprob.feedback
    mistake = grade(spec, [["neural", "neural", "neural"], ["neural", "network", "network"]])
    assert mistake.feedback.startswith("ranked by the last step's probability")
    assert grade(spec, [["neural", True]]).feedback.startswith("sequence 1: a token must be a word, got true/false")
    assert (
        grade({**spec, "ordered": False}, [["network", "neural", "neural"], ["neural", "network", "network"]]).status
        == "correct"
    )


def test_complexity_classes():
    spec = {
        "kind": "complexity",
        "value": "T*k*M",
        "accepted": ["T*k**2"],
        "mistakes": [{"value": "O(M^T)", "feedback": "that is exhaustive search"}],
    }
    for answer in [
        "O(kMT)",
        "O(T k M)",
        "O(TkM)",
        r"\mathcal{O}(T \cdot k \cdot M)",
        "O(tkm)",
        "3 T k M + T k",
        "O(T k^2)",
    ]:
        assert grade(spec, answer).status == "correct", answer
    assert grade(spec, "O(M^T)").feedback == "that is exhaustive search"
    assert grade(spec, "O(T k log k)").feedback == "O(T k log(k)) is not the expected class"
    assert grade(spec, "O(n)").status == "invalid"


def test_measured_numbers_within_tolerance():
    assert grade({"kind": "numbers", "value": "0.87"}, "0.872").status == "correct"
    assert grade({"kind": "numbers", "value": "0.87"}, "0.88").status == "incorrect"
    spec = {"kind": "numbers", "value": [93, 26], "tolerance": 1}
    assert grade(spec, [94, 25]).status == "correct"
    partial = grade(spec, [94, 20])
    assert (
        partial.credit == Fraction(1, 2) and partial.feedback == "entry 2 is wrong; values are compared within 1 each"
    )
    assert grade({"kind": "numbers", "value": 10, "rtol": "0.1"}, "10.9").status == "correct"


@pytest.mark.parametrize("kind", ["written", "personal", "data"])
def test_written_and_personal_parts_are_ungraded_with_the_reference(kind):
    verdict = grade({"kind": kind, "value": "anything", "reference": "look for: two reasons"}, "my essay")
    assert (verdict.status, verdict.credit) == ("ungraded", 0)
    assert verdict.feedback == "reference: look for: two reasons"


def test_unreadable_keys_and_unknown_kinds_are_ungraded_with_a_reason():
    assert "no grader for kind 'plot'" in grade({"kind": "plot", "value": 1}, "x").feedback
    broken = compile_part("x", {"kind": "expr", "value": "sqrt(w)", "symbols": ["w"]})
    assert not broken.graded and "the key cannot be read" in broken.reason
