"""An answer kind is one row of :data:`solver.engine.kinds.KINDS`: every consumer handles every row,
and a kind added to the table flows through all of them without another edit."""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import pytest

from solver.engine import kinds
from solver.engine.answer_format import check_format, describe, template_key, template_text
from solver.engine.graders import Grader
from solver.engine.kinds import KINDS, Kind, PrairieLearn, compile_part, is_graded
from solver.engine.runner import compile_key, grade_answer
from solver.engine.verdicts import Verdict, correct, incorrect
from solver.export import moodle
from solver.export.pl.inputs import element_html, input_spec
from solver.export.qti_items import part_blanks
from solver.grading.submissions import read_cell
from solver.kernel.exports import Exports
from solver.kernel.points import points_for
from solver.kernel.problem import Part
from tests.support.synthetic_class import answer_file


@pytest.fixture(scope="module")
def parts(homework_parts) -> dict[str, Any]:
    return copy.deepcopy(homework_parts)


def test_every_kind_of_the_homework_is_a_row_and_every_row_is_used(parts):
    used = {spec["kind"] for spec in parts.values()}
    assert used <= set(KINDS)
    # Problem 4's data part needs the names data; every other row has a part in the homework.
    assert set(KINDS) - used <= {"data"}, set(KINDS) - used


def test_every_graded_kind_is_described_read_and_offered(parts):
    """The answers template, the format check, the CSV reader and each platform handle every graded row."""
    template = template_text(parts, "seed 1")
    for part_id, spec in parts.items():
        kind = KINDS[spec["kind"]]
        if not kind.graded:
            assert f"\n{template_key(part_id)}:" not in template
            continue
        assert f"\n{template_key(part_id)}:   # {describe(part_id, spec)}" in template
        assert compile_part(part_id, spec).kind == kind.name
        assert describe(part_id, spec) != "an answer" or spec["kind"] == "vector", part_id  # a family: any answer
        assert isinstance(read_cell("1, 2", kind.name), (str, list))
        if kind.prairielearn is not None and part_id != "3k":
            shown = input_spec(part_id, spec)
            assert shown["element"] in ("string", "matrix", "number")
            assert "answers-name" in element_html(shown, part_id, spec)
        assert kind.moodle in (None, "stack", "cloze")


def test_typed_keys_pass_the_format_check_and_grade_correct(parts):
    """What a student types for the key, as the row types it, reads and grades right."""
    for part_id, spec in parts.items():
        form = KINDS[spec["kind"]].prairielearn
        if form is None or form.element != "string":
            continue
        typed = form.typed(spec["value"])
        assert check_format({part_id: typed}, {part_id: spec}).valid, part_id
        verdict = compile_part(part_id, spec).grade(typed)
        assert verdict.status == "correct" or verdict.credit == Fraction(1, 2), (part_id, typed, verdict)


# --------------------------------------------------------------------------- a fake kind


class PercentGrader(Grader):
    """A whole percentage, "42%" or 42."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.key = int(spec["value"])

    def read(self, answer: Any) -> int:
        text = str(answer).strip().removesuffix("%").strip()
        if not text.isdigit():
            from solver.engine.limits import AnswerError

            raise AnswerError("expected a whole percentage such as 42%")
        return int(text)

    def check(self, answer: Any) -> Verdict:
        return correct() if self.read(answer) == self.key else incorrect("not the expected percentage")

    def expects(self) -> str:
        return "a whole percentage, such as 42%"

    def check_format(self, answer: Any) -> None:
        self.read(answer)


PERCENT = Kind(
    "percent",
    "a whole percentage",
    PercentGrader,
    prairielearn=PrairieLearn("string", typed=lambda value: f"{value}%"),
)


@pytest.fixture
def with_percent(monkeypatch):
    monkeypatch.setitem(KINDS, "percent", PERCENT)
    return {"9a": {"kind": "percent", "value": 42, "points": 2}}


def test_a_new_row_flows_through_every_consumer(with_percent):
    key = with_percent
    Part("percent", 42)  # a problem may give a part of the new kind
    assert is_graded("percent") and points_for(key, None) == {"9a": 1}
    graders = compile_key(key)
    assert grade_answer(graders, "9a", "42 %").status == "correct"
    assert grade_answer(graders, "9a", "41").status == "incorrect"
    assert grade_answer(graders, "9a", "lots").status == "invalid"
    assert "9a:   # a whole percentage, such as 42%" in template_text(key, "seed 1")
    report = check_format({"9a": "many"}, key)
    assert report.problems == {"9a": "expected a whole percentage such as 42%"}
    assert read_cell("[42]", "percent") == "[42]"  # read as text, as the row says
    assert answer_file(key, 1.0, random.Random(0)) == {"9a": 42}
    spec = input_spec("9a", key["9a"])
    assert spec["element"] == "string" and "pl-string-input" in element_html(spec, "(a)", key["9a"])
    assert PERCENT.prairielearn is not None and PERCENT.prairielearn.typed(42) == "42%"
    with pytest.raises(ValueError, match="no Canvas blanks"):
        part_blanks("9a", key["9a"], ["p"])
    notes: dict[str, str] = {}
    # A problem carries its exports (Problem.exports, default: none declared) since the folders merge.
    problem = SimpleNamespace(parts=lambda solution: ["9a"], number=9, exports=Exports())
    item = SimpleNamespace(problem=problem, solution=None)
    variant = SimpleNamespace(parts=key, label="seed 1", seed=1)
    assert moodle._question(item, variant, notes) is None  # type: ignore[arg-type]
    assert notes == {"9a": "a percent answer is graded by hw6 (Gradescope), not by STACK or Cloze"}


def test_a_kind_outside_the_table_is_refused_or_ungraded():
    with pytest.raises(ValueError, match="unknown part kind"):
        Part("percent", 42)
    assert not is_graded("percent")
    assert compile_part("9a", {"kind": "percent", "value": 42}).grade("42").status == "ungraded"
    with pytest.raises(ValueError, match="no PrairieLearn input"):
        input_spec("9a", {"kind": "percent", "value": 42})


def test_derived_tuples_follow_the_table():
    assert kinds.PART_KINDS == tuple(KINDS)
    assert set(kinds.GRADED_KINDS) == {name for name, kind in KINDS.items() if kind.graded}
