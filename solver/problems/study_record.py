"""Problem 7: the student's own record (sources, collaborators, hours): a form, no answers."""

from __future__ import annotations

from dataclasses import dataclass

from ..kernel.checks import Check
from ..kernel.params import ParamsBase
from ..kernel.problem import BuildContext, Part, Problem
from ..kernel.rubric import Item, with_rubric

QUESTIONS = {
    "7a": "Which sources, if any, did you use while working on this homework?",
    "7b": "Who did you work with? Give names and student IDs (for a homework party, describe the group).",
    "7c": "About how many hours did the homework take you in total?",
}


@dataclass(frozen=True)
class Params(ParamsBase):
    """No parameters: the form is the same for every variant."""


def solve(params: Params, context: BuildContext | None = None) -> dict[str, str]:
    return dict(QUESTIONS)


def crosscheck(solution: dict[str, str]) -> list[Check]:
    return []  # nothing is computed: the answers are the student's own


def parts(solution: dict[str, str]) -> dict[str, Part]:
    """The answer key: ``7a``, ``7b``, ``7c``, each reading only its question text from the solution
    (a part id -> question map); the answers are the student's own, so nothing is graded."""
    honest = Item(1, "Any honest, complete answer ('none' is an answer).", wrong=["left blank"])
    return {
        part_id: with_rubric(Part("personal", None, extra={"question": question}), honest)
        for part_id, question in solution.items()
    }


def view(solution: dict[str, str]) -> dict:
    return {"questions": [{"label": part_id[-1], "text": text} for part_id, text in solution.items()]}


PROBLEM = Problem(
    section="study_record",
    number=7,
    title="Homework process and study group",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    parts=parts,
    view=view,
)
