"""Every problem either has a question on each platform or says why not: a problem added without
its export wording fails here instead of vanishing from PrairieLearn, Moodle or Canvas unnoticed."""

from __future__ import annotations

import pytest

from solver.kernel.exports import FORMATS, MoodleQuestion, NotExported, PrairieLearnQuestion, QtiQuestions
from solver.problems import PROBLEMS

FORMS = {"prairielearn": PrairieLearnQuestion, "moodle": MoodleQuestion, "qti": QtiQuestions}


def test_the_forms_cover_every_format():
    assert set(FORMS) == set(FORMATS)


@pytest.mark.parametrize("platform", FORMATS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.section)
def test_a_problem_exports_or_declares_why_not(problem, platform):
    declared = problem.exports.declared(platform)
    assert declared is not None, (
        f"{problem.section} neither exports to {platform} nor declares why not: give Problem.exports.{platform} "
        f"a {FORMS[platform].__name__} or NotExported(reason)"
    )
    if isinstance(declared, NotExported):
        assert declared.reason.strip(), f"{problem.section}: NotExported for {platform} without a reason"
    else:
        assert isinstance(declared, FORMS[platform]), (
            f"{problem.section}: {platform} takes a {FORMS[platform].__name__}"
        )


def test_a_problem_that_says_nothing_is_caught(monkeypatch):
    """The check above can fail: a problem with no word on a platform is reported, not passed."""
    from dataclasses import replace

    from solver.kernel.exports import Exports

    silent = replace(PROBLEMS[0], exports=Exports())
    for platform in FORMATS:
        with pytest.raises(AssertionError, match="neither exports"):
            test_a_problem_exports_or_declares_why_not(silent, platform)
