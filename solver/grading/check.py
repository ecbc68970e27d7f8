"""Grading students against the keys of their own variants: what ``hw6 check`` does.

:mod:`solver.engine` reads only answer keys; this module supplies them. A student's variant
is drawn once per seed, its key is used only after every cross-check of the answers it comes
from agrees, and the students are graded in groups that share a key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build.pipeline import read_params_and_variant, solve_all
from ..engine.runner import KeyGroup, StudentResult, code_result, compile_key, grade_groups, with_part
from ..io.files import StagedOutput, dump_json, write_text_atomic
from ..kernel.points import GradingParams
from ..problems import BuildContext
from ..variants.cluster import cluster_compiled_parts, grade_on_cluster
from ..variants.draw import Drawn, draw
from ..variants.labels import labels_by_seed
from ..variants.manifest import VerifiedManifest, params_digest, verify_manifest
from . import gradescope
from .keycache import checked_key, checked_parts, part_titles, variant_inputs
from .submissions import read_submissions

Parts = dict[str, Any]  # the "parts" of an answer key


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
        code: Mapping[str, Any] | None = None,
    ):
        self._keys: dict[int | None, Parts] = {None: default}
        # answers.json's code_submission (the test set a handed-in log is graded against): the default
        # key's for every student, as no variant changes Problem 4's data, split or thresholds
        self.code = code
        self._drawn: dict[int, Drawn] = {}
        self.titles: dict[str, str] = dict(titles or {})  # part id -> its problem's title, for Gradescope
        if code is not None:
            self.titles[str(code["part"])] = str(code["title"])
        self._context = context
        self._drawing = drawing
        self._grading = grading

    @property
    def default(self) -> Parts:
        return self._keys[None]

    def drawn(self, seed: int) -> Drawn:
        """The variant ``seed`` draws, drawn once."""
        if seed not in self._drawn:
            self._drawn[seed] = draw(seed, self._context, options=self._drawing)
        return self._drawn[seed]

    def _kept(self, seed: int, what: str, build: Callable[[], dict[str, Any]], shape: Any = None) -> dict[str, Any]:
        """``build()`` for the variant ``seed``, or what the cache kept of it (see :mod:`.keycache`)."""
        inputs = None if self._context.data_folders else variant_inputs(seed, self._drawing, self._grading, what)
        return checked_key(self._context.cache_dir, inputs, build, shape)

    def digest(self, seed: int) -> str:
        """The params hash a manifest row of this version must carry for ``seed``."""

        def build() -> dict[str, Any]:
            drawn = self.drawn(seed)
            return {"digest": params_digest(drawn.params, drawn.variant)}

        return self._kept(seed, "digest", build, lambda e: isinstance(e, dict) and isinstance(e.get("digest"), str))[
            "digest"
        ]

    def __getitem__(self, seed: int | None) -> Parts:
        if seed not in self._keys:
            assert seed is not None  # the default key is there from the start

            def build() -> dict[str, Any]:
                drawn = self.drawn(seed)
                parts = checked_parts(drawn.solved, drawn.variant, self._grading)  # raises when a check disagrees
                return {"parts": parts, "titles": part_titles(drawn.solved), "seed": seed}

            entry = self._kept(seed, "key", build)
            self._keys[seed] = entry["parts"]
            self.titles.update(entry["titles"])
        return self._keys[seed]

    def recorded(self, seed: int, params_file: Path) -> None:
        """The key of a manifest row another hw6 version wrote: rebuilt from the student's params.json."""
        params, variant = read_params_and_variant(params_file)
        solved = solve_all(params, self._context)
        self._keys[seed] = checked_parts(solved, variant, self._grading)
        self.titles.update(part_titles(solved))

    def for_seed(self, seed: int) -> Parts:
        return self[seed]


@dataclass(frozen=True)
class Graded:
    """Every student's result, in the order they were read, and what the grader should know."""

    results: list[StudentResult]
    is_class: bool  # a folder or CSV (a list of results) rather than one student's file
    notes: list[str]  # one line per part that could not be graded automatically
    refused: list[str] = field(default_factory=list)  # manifest rows and students not graded, one line each


def grade_answers(
    answers: str | Path,
    keys: VariantKeys,
    *,
    manifest: str | Path | None = None,
    drawing: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    fixed_variant: bool = False,
    scheduler: Any = None,
    default_seed: int | None = None,
) -> Graded:
    """Grade the answers in ``answers`` (a file, a folder of them or a class CSV), each student
    against their variant's key: a seed of their own, their seed in a batch's ``manifest``
    (drawn with ``drawing``, the same options as the batch), or the default key. With
    ``fixed_variant`` (staff chose ``--seed`` or ``--params``) a seed inside a file is ignored.
    Each result records the seed of the variant it was graded against (``default_seed`` for the
    default key: the ``--seed``, or a seeded params.json's)."""
    verified = None
    if manifest:
        verified = verify_manifest(manifest, drawing, keys.digest)
        for other_seed, params_file in verified.params_files.items():
            keys.recorded(other_seed, params_file)
    seeds = verified.seeds if verified else None
    owners = verified.owners if verified and Path(answers).is_dir() else None  # file names say whose
    submissions, is_class = read_submissions(
        answers, keys.default, key_for_seed=keys.for_seed, seeds=seeds, fixed_variant=fixed_variant, owners=owners
    )
    refused = _unmatched(verified, submissions) if verified else []
    refused += [s.refused for s in submissions if s.refused]
    if verified:
        refused = verified.problem_lines() + refused
    jobs = jobs or (min(2, os.cpu_count() or 1) if is_class else 1)
    results: list[StudentResult | None] = [None] * len(submissions)
    notes: list[str] = []
    remote = None
    if scheduler is not None:  # a Dask cluster (--scheduler) grades them all; see solver.variants.cluster
        remote = grade_on_cluster(scheduler, [(keys[s.seed], s) for s in submissions])
    seeds_in_use = list(dict.fromkeys(s.seed for s in submissions))
    labels = labels_by_seed(manifest) if manifest else {}
    groups = [[i for i, s in enumerate(submissions) if s.seed == seed] for seed in seeds_in_use]
    graders = {seed: compile_key(keys[seed]) for seed in seeds_in_use}
    if remote is None:  # one pool of workers for every variant
        in_groups = [
            KeyGroup(keys[seed], graders[seed], [submissions[i] for i in group])
            for seed, group in zip(seeds_in_use, groups, strict=True)
        ]
        graded_groups = grade_groups(in_groups, jobs=jobs)
    else:  # graded on the cluster; compile the answered parts here too, for the notes below
        graded_groups = [[remote[i] for i in group] for group in groups]
        for seed, group in zip(seeds_in_use, groups, strict=True):
            for part_id in cluster_compiled_parts(keys[seed], [submissions[i] for i in group]):
                graders[seed][part_id]
    for seed, group, graded in zip(seeds_in_use, groups, graded_groups, strict=True):
        for index, result in zip(group, graded, strict=True):
            result.seed = seed if seed is not None else default_seed
            if seed is not None and seed in labels:  # the student sees the label, never the seed
                result.notes.insert(0, f"graded against variant {labels[seed]}")
            elif seed is not None:
                result.notes.insert(0, f"graded against the variant with seed {seed}")
            results[index] = result
        for part_id, grader in graders[seed].compiled().items():
            if reason := getattr(grader, "reason", ""):
                notes.append(f"part {part_id} is not graded automatically: {reason}")
    done = [r for r in results if r is not None]
    assert len(done) == len(results), "every submission is in the group of its seed"
    notes += _code_results(keys.code, submissions, done)
    if verified and is_class:
        notes += _absent(verified, submissions, answers)
    return Graded(done, is_class, notes, refused)


def _code_results(code: Mapping[str, Any] | None, submissions: list, results: list[StudentResult]) -> list[str]:
    """Each student's code submission graded as one more part (see :mod:`solver.engine.code_log`),
    when the key has a section to grade it against; notes for staff otherwise."""
    if code is None:
        handed = sum(1 for s in submissions if s.handed_in is not None)
        if not handed:
            return []
        return [
            f"{handed} submission_log.json file(s) not graded: the key has no test set to grade them against "
            "(give the surnames folder, --names-dir, so that Problem 4 is solved)"
        ]
    for submission, result in zip(submissions, results, strict=True):
        handed_in = submission.error if submission.error is not None else submission.handed_in
        result.parts = with_part(result.parts, code_result(handed_in, code))
    return []


def _absent(manifest: VerifiedManifest, submissions: list, answers: str | Path) -> list[str]:
    """The manifest's students with nothing in ``answers`` (rows that failed are reported already)."""
    present = {s.student for s in submissions}
    return [
        f"{manifest.path}: line {line}: {student}: no answers in {answers}; nothing to grade"
        for student, line in manifest.lines.items()
        if student not in present and student not in manifest.problems
    ]


def _unmatched(manifest: VerifiedManifest, submissions: list) -> list[str]:
    """Students the manifest cannot vouch for are not graded: every part becomes invalid with why."""
    lines = []
    for submission in submissions:
        if submission.seed is not None:
            continue
        problem = manifest.problems.get(submission.student)
        if problem is None:
            if submission.error is None or "not in the manifest" not in submission.error:
                continue  # unreadable for its own reasons
            problem = f"{submission.student}: has no row in {manifest.path}; not graded (add the row, or pass --seed)"
            lines.append(problem)
        submission.error = f"not graded: the manifest's {problem}"
        submission.answers = {}
    return lines


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
