"""The PrairieLearn questions: one per problem that words one (``Problem.exports.prairielearn``).

Each question's statement (``question.html``, a Mustache template the same for every variant), its
labels and, per variant, the numbers the template shows (``data["params"]``, from the problem's
parameters, never from the key) live in the problem's folder. Parts that share parameters stay in
one question; written, data and personal parts are not exported (staff grade them), nor the parts a
problem's question skips.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...build.pipeline import Solved
from ...kernel.exports import NotExported, PrairieLearnQuestion


@dataclass(frozen=True)
class Question:
    section: str  # the problem, also the question's folder below questions/hw6/
    form: PrairieLearnQuestion

    @property
    def title(self) -> str:
        return self.form.title

    @property
    def statement(self) -> str:
        return self.form.statement

    @property
    def skip(self) -> tuple[str, ...]:
        return self.form.skip

    def label(self, part_id: str, spec: Mapping[str, Any]) -> str:
        return self.form.label(part_id, spec)

    def display(self, solved: Solved) -> dict[str, Any]:
        return self.form.display(solved)


def questions(solved: list[Solved]) -> tuple[list[Question], list[str]]:
    """The questions of the problems in ``solved`` (in the sheet's order), and a line per problem without one."""
    found, notes = [], []
    for item in solved:
        declared = item.problem.exports.prairielearn
        if isinstance(declared, PrairieLearnQuestion):
            found.append(Question(item.problem.section, declared))
        else:
            why = declared.reason if isinstance(declared, NotExported) else "no PrairieLearn question declared"
            notes.append(f"Problem {item.problem.number} ({item.problem.section}) is not exported: {why}")
    return found, notes
