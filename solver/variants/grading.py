"""Grading students against the keys of their own variants: what ``hw6 check`` does.

:mod:`solver.grading` reads only answer keys; this module supplies them. A student's variant
is drawn once per seed, its key is used only after every cross-check of the answers it comes
from agrees, and the students are graded in groups that share a key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.pipeline import Solved, Variant, answer_key, checked
from ..grading import gradescope
from ..grading.points import GradingParams
from ..grading.runner import KeyGroup, StudentResult, compile_key, grade_groups
from ..grading.submissions import read_submissions
from ..io.files import StagedOutput, dump_json, write_text_atomic
from ..problems import BuildContext
from .draw import draw, read_manifest_seeds

Parts = dict[str, Any]  # the "parts" of an answer key


def checked_parts(solved: list[Solved], variant: Variant | None, grading: GradingParams | None = None) -> Parts:
    """The key's parts, only once every cross-check of the answers they come from agrees."""
    checked(solved)
    return answer_key(solved, variant, grading)["parts"]


def part_titles(solved: list[Solved]) -> dict[str, str]:
    """part id -> the title of the problem it belongs to."""
    return {part_id: item.problem.title for item in solved for part_id in item.problem.parts(item.solution)}


class VariantKeys:
    """The key to grade against per seed (None: the key of ``--params``/``--seed``), each
    variant drawn and checked once, the first time a student needs it."""

    def __init__(
        self,
        default: Parts,
        context: BuildContext,
        drawing: Mapping[str, Any],
        grading: GradingParams | None,
        titles: Mapping[str, str] | None = None,
    ):
        self._keys: dict[int | None, Parts] = {None: default}
        self.titles: dict[str, str] = dict(titles or {})  # part id -> its problem's title, for Gradescope
        self._context = context
        self._drawing = drawing
        self._grading = grading

    @property
    def default(self) -> Parts:
        return self._keys[None]

    def __getitem__(self, seed: int | None) -> Parts:
        if seed not in self._keys:
            assert seed is not None  # the default key is there from the start
            drawn = draw(seed, self._context, options=self._drawing)
            self._keys[seed] = checked_parts(drawn.solved, drawn.variant, self._grading)
            self.titles.update(part_titles(drawn.solved))
        return self._keys[seed]

    def for_seed(self, seed: int) -> Parts:
        return self[seed]


@dataclass(frozen=True)
class Graded:
    """Every student's result, in the order they were read, and what the grader should know."""

    results: list[StudentResult]
    is_class: bool  # a folder or CSV (a list of results) rather than one student's file
    notes: list[str]  # one line per part that could not be graded automatically


def grade_answers(
    answers: str | Path,
    keys: VariantKeys,
    *,
    manifest: str | Path | None = None,
    drawing: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    fixed_variant: bool = False,
) -> Graded:
    """Grade the answers in ``answers`` (a file, a folder of them or a class CSV), each student
    against their variant's key: a seed of their own, their seed in a batch's ``manifest``
    (drawn with ``drawing``, the same options as the batch), or the default key. With
    ``fixed_variant`` (staff chose ``--seed`` or ``--params``) a seed inside a file is ignored."""
    seeds = read_manifest_seeds(manifest, drawing) if manifest else None
    submissions, is_class = read_submissions(
        answers, keys.default, key_for_seed=keys.for_seed, seeds=seeds, fixed_variant=fixed_variant
    )
    jobs = jobs or (min(2, os.cpu_count() or 1) if is_class else 1)
    results: list[StudentResult | None] = [None] * len(submissions)
    notes: list[str] = []
    seeds_in_use = list(dict.fromkeys(s.seed for s in submissions))
    groups = [[i for i, s in enumerate(submissions) if s.seed == seed] for seed in seeds_in_use]
    graders = {seed: compile_key(keys[seed]) for seed in seeds_in_use}
    in_groups = [
        KeyGroup(keys[seed], graders[seed], [submissions[i] for i in group])
        for seed, group in zip(seeds_in_use, groups, strict=True)
    ]
    graded_groups = grade_groups(in_groups, jobs=jobs)  # one pool of workers for every variant
    for seed, group, graded in zip(seeds_in_use, groups, graded_groups, strict=True):
        for index, result in zip(group, graded, strict=True):
            if seed is not None:
                result.notes.insert(0, f"graded against the variant with seed {seed}")
            results[index] = result
        for part_id, grader in graders[seed].compiled().items():
            if reason := getattr(grader, "reason", ""):
                notes.append(f"part {part_id} is not graded automatically: {reason}")
    done = [r for r in results if r is not None]
    assert len(done) == len(results), "every submission is in the group of its seed"
    return Graded(done, is_class, notes)


def write_gradescope(
    graded: Graded, path: str | Path, *, visibility: str = "visible", titles: Mapping[str, str] | None = None
) -> None:
    """Gradescope's ``results.json``: one file for one student, a folder of them for a class."""

    def text(result: StudentResult) -> str:
        return dump_json(gradescope.results_json(result, visibility=visibility, titles=titles))

    if not graded.is_class:
        write_text_atomic(path, text(graded.results[0]))
        return
    taken: set[str] = set()
    with StagedOutput(path) as staged:
        for result in graded.results:
            staged.write_text(gradescope.file_name(result.student, taken), text(result))
        staged.commit()
