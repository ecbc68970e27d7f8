"""What students paste from their notebooks (issue 27): numbers, sequences, edges, big-O
classes, towers. Each form is graded in both channels (an answers file's YAML value and a
class CSV cell) and the two must agree."""

from __future__ import annotations

import pytest

from solver.core.pipeline import answer_key, read_params, solve_all
from solver.grading.runner import compile_key, grade_answer
from solver.grading.submissions import read_cell


@pytest.fixture(scope="module")
def parts():
    return answer_key(solve_all(read_params(None)))["parts"]


@pytest.fixture(scope="module")
def graders(parts):
    return compile_key(parts)


def both_channels(graders, parts, part_id, text):
    """The verdict of ``text`` as an answers file's string and as a class CSV cell; they agree."""
    from_file = grade_answer(graders, part_id, text)
    from_cell = grade_answer(graders, part_id, read_cell(text, parts[part_id]["kind"]))
    assert (from_file.status, from_file.credit) == (from_cell.status, from_cell.credit), (text, from_file, from_cell)
    return from_file


TOWERS = ["9**9**9", "9^9^9", "10^10^10", "((w+1)^30)^30", "(999999/999998)^1000^1000", "w^0.5^0.5^0.5"]


@pytest.mark.parametrize("part_id", ["1b", "1c.p", "1d.edges", "2e", "6b", "6c", "3b"])
@pytest.mark.parametrize("answer", TOWERS + ["2^0.5^0.5^0.5", "T^9^9^9", "O(T^(9^9^9))", "(T k M)^(2^0.5^0.5)"])
def test_towers_are_refused_before_evaluation(graders, part_id, answer):
    verdict = grade_answer(graders, part_id, answer)
    assert verdict.status == "invalid", verdict
    assert verdict.feedback and "please report" not in verdict.feedback, verdict
