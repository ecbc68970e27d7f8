"""A variant's checked answer key and the titles its parts are shown with, for graders."""

from __future__ import annotations

from typing import Any

from ..core.errors import CrossCheckFailed
from ..core.pipeline import Solved, Variant, answer_key, run_checks


def checked_key(solved: list[Solved], variant: Variant | None, grading: Any = None) -> dict[str, Any]:
    """The key's parts, only once every cross-check of the answers they come from agrees."""
    checks, _ = run_checks(solved)
    failures = [c for c in checks if not c.agrees]
    if failures:
        raise CrossCheckFailed(failures)
    return answer_key(solved, variant, grading)["parts"]


def part_titles(solved: list[Solved]) -> dict[str, str]:
    """part id -> the title of the problem it belongs to."""
    return {part_id: item.problem.title for item in solved for part_id in item.problem.parts(item.solution)}
