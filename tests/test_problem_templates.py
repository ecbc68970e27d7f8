"""Each problem's templates are in its own folder, and the sheets find them there."""

from __future__ import annotations

import pytest

from solver.kernel.errors import ProblemTemplatesClash
from solver.problems import PROBLEMS
from solver.render import env


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.section)
def test_a_problem_keeps_its_statement_and_solution_in_its_folder(problem):
    assert problem.templates is not None and problem.templates.is_dir()
    for name in (problem.statement_template, problem.solution_template):
        prefix, _, file = name.partition("/")
        assert prefix == env.PROBLEM_PREFIX and (problem.templates / file).is_file(), name


def test_the_environment_finds_every_problems_templates_by_their_names():
    folders = tuple(p.templates for p in PROBLEMS if p.templates is not None)
    environment = env.environment(folders)
    for problem in PROBLEMS:
        assert environment.get_template(problem.statement_template).filename.startswith(str(problem.templates))
    assert "preamble.tex.j2" in environment.list_templates()  # the spine's stay central


def test_two_problems_with_a_template_of_one_name_are_refused(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.statement.tex.j2").write_text("text")
    with pytest.raises(ProblemTemplatesClash, match="same.statement.tex.j2"):
        env.problem_loader((tmp_path / "one", tmp_path / "two"))
