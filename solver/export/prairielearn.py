"""``hw6 export prairielearn``: a PrairieLearn course fragment that grades with hw6's own grader.

The zip unpacks into a course's root: ``questions/hw6/<problem>/`` (``info.json``, ``question.html``,
``server.py`` and ``hw6-variants.json``, the variants' numbers and keys, which PrairieLearn never serves),
``serverFilesCourse/`` (``hw6grading/``, a copy of hw6's grading core, and ``hw6_prairielearn.py``, which
server.py calls), and ``courseInstances/hw6/`` with one assessment holding the questions. Each question
draws one of the exported variants from PrairieLearn's variant seed; the numbers a student sees and the
key they are graded against come from the same hw6 variant. The same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import uuid
from importlib import resources
from typing import Any

from .. import __version__
from ..io.files import dump_json
from ..kernel.errors import InputFileError
from . import wheel
from .pl.inputs import input_spec, question_html, shape_params, skeleton
from .pl.questions import QUESTIONS, Question
from .selection import Artifact, Exported, add_export_arguments, run_export

NAME = "prairielearn"
HELP = "a PrairieLearn course fragment (questions graded by hw6, one assessment) for N variants or a batch"
NAMESPACE = uuid.UUID("007ec0af-9f75-4868-b40f-754f35ff689d")  # fixed: a problem keeps its uuid across exports
TOPIC = "Deep learning"
COURSE_INSTANCE = "courseInstances/hw6"
GRADING_ROOTS = ("kinds", "runner", "pool")  # what the runtime imports from hw6grading; the rest follows their imports
RUNTIME = "hw6_prairielearn.py"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_export_arguments(parser, "ZIP", "the zip to write (unpack it into a course's root)")


def run(args: argparse.Namespace) -> int:
    return run_export(args, artifact)


def artifact(variants: list[Exported]) -> Artifact:
    unseeded = next((v.label for v in variants if v.seed is None), None)
    if unseeded is not None:
        raise InputFileError(f"a variant of the batch has no seed ({unseeded}); export batches drawn from seeds")
    files = course_files(variants)
    questions = [name for name, _ in files if name.endswith("/info.json") and name.startswith("questions/")]
    summary = f"{len(questions)} questions, {len(variants)} variant(s) (seeds {_ranges([v.seed for v in variants])})"
    return Artifact(wheel.deterministic_zip(files), summary)


def question_uuid(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"hw6/{name}"))


def exported_parts(question: Question, variant: Exported) -> dict[str, Any]:
    """The question's automatically graded parts in one variant, in the key's order."""
    from ..engine.kinds import is_graded

    solved = next(s for s in variant.solved if s.problem.section == question.section)
    own = set(solved.problem.parts(solved.solution))
    own -= set(question.skip)
    return {pid: spec for pid, spec in variant.parts.items() if pid in own and is_graded(spec.get("kind"))}


def question_files(question: Question, variants: list[Exported]) -> tuple[list[tuple[str, bytes]], float]:
    """(files of questions/hw6/<problem>/, the question's points)."""
    folder = f"questions/hw6/{question.section}"
    entries: list[dict[str, Any]] = []
    inputs: list[dict[str, Any]] | None = None
    for variant in variants:
        parts = exported_parts(question, variant)
        solved = next(s for s in variant.solved if s.problem.section == question.section)
        try:
            own_inputs = [input_spec(pid, spec) for pid, spec in parts.items()]
            display = question.display(solved)
        except ValueError as error:
            raise InputFileError(f"seed {variant.seed}: {question.section}: {error}") from None
        if inputs is None:
            inputs, first = own_inputs, (variant.seed, parts)
        elif skeleton(own_inputs) != skeleton(inputs):
            raise InputFileError(
                f"{question.section}: seeds {first[0]} and {variant.seed} have other parts or inputs; one PrairieLearn "
                "question shows one set of inputs, so export variants of one structure"
            )
        display |= shape_params(own_inputs)
        entries.append(
            {
                "seed": variant.seed,
                "params_sha256": variant.params_sha256,
                "display": display,
                "inputs": own_inputs,
                "parts": parts,
            }
        )
    assert inputs is not None  # there is at least one variant
    points = max(sum(float(spec.get("points", 1)) for spec in entry["parts"].values()) for entry in entries)
    seeds = [v.seed for v in variants]
    info = {
        "uuid": question_uuid(question.section),
        "type": "v3",
        "title": question.title,
        "topic": TOPIC,
        "tags": ["hw6", question.section],
        "showCorrectAnswer": False,
        "comment": f"exported by hw6 {__version__}: {len(seeds)} variant(s), seeds {_ranges(seeds)}; graded by hw6",
    }
    keys = {"hw6": {"version": __version__, "problem": question.section}, "variants": entries}
    server = SERVER.format(version=__version__, section=question.section)
    files = [
        (f"{folder}/info.json", dump_json(info).encode()),
        (f"{folder}/question.html", question_html(question.statement, question.label, first[1], inputs).encode()),
        (f"{folder}/server.py", server.encode()),
        (f"{folder}/hw6-variants.json", dump_json(keys).encode()),
    ]
    return files, points


def course_files(variants: list[Exported]) -> list[tuple[str, bytes]]:
    """(name, content) of every file of the fragment, sorted by name."""
    files: list[tuple[str, bytes]] = []
    zone = []
    for question in QUESTIONS:
        own, points = question_files(question, variants)
        files += own
        whole = int(points) if points.is_integer() else points
        zone.append({"id": f"hw6/{question.section}", "autoPoints": whole, "maxAutoPoints": whole})
    seeds = [v.seed for v in variants]
    comment = f"exported by hw6 {__version__}: {len(seeds)} variant(s), seeds {_ranges(seeds)}"
    assessment = {
        "uuid": question_uuid("assessment"),
        "type": "Homework",
        "title": "Homework 6",
        "set": "Homework",
        "number": "6",
        "comment": comment,
        "zones": [{"title": "Homework 6 (graded by hw6)", "questions": zone}],
    }
    instance = {"uuid": question_uuid("course-instance"), "longName": "Homework 6 (hw6 export)", "comment": comment}
    export = {
        "generator": {"name": "hw6", "version": __version__},
        "variants": [{"seed": v.seed, "params_sha256": v.params_sha256} for v in variants],
    }
    files += [
        (f"{COURSE_INSTANCE}/infoCourseInstance.json", dump_json(instance).encode()),
        (f"{COURSE_INSTANCE}/assessments/hw6/infoAssessment.json", dump_json(assessment).encode()),
        ("serverFilesCourse/hw6-export.json", dump_json(export).encode()),
        (f"serverFilesCourse/{RUNTIME}", (resources.files("solver.export.pl") / RUNTIME).read_bytes()),
    ]
    files += [(f"serverFilesCourse/hw6grading/{name}", content) for name, content in grading_files()]
    return sorted(files)


def grading_files() -> list[tuple[str, bytes]]:
    """hw6's grading core: the modules the runtime imports and everything they import, no more."""
    package = resources.files("solver.engine")
    wanted, seen = list(GRADING_ROOTS), set()
    while wanted:
        module = wanted.pop()
        if module in seen:
            continue
        seen.add(module)
        source = (package / f"{module}.py").read_text(encoding="utf-8")
        if re.search(r"^\s*from \.\.", source, re.MULTILINE):
            raise AssertionError(f"solver/engine/{module}.py imports from outside the engine")
        wanted += re.findall(r"^\s*from \.(\w+) import", source, re.MULTILINE)
    names = ["__init__", *sorted(seen)]
    return [(f"{name}.py", (package / f"{name}.py").read_bytes()) for name in names]


def _ranges(seeds: list[int | None]) -> str:
    """The seeds for a comment: a run as "1 to 20", a few listed, many cut short (every variant has one)."""
    ordered = sorted({seed for seed in seeds if seed is not None})
    if len(ordered) > 2 and ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"{ordered[0]} to {ordered[-1]}"
    if len(ordered) > 5:
        listed = ", ".join(str(s) for s in ordered[:3])
        return f"{listed}, ... ({len(ordered)} in all, listed in serverFilesCourse/hw6-export.json)"
    return ", ".join(str(s) for s in ordered)


SERVER = '''"""{section}: exported by hw6 {version}. hw6 picks the variant and grades every answer
(serverFilesCourse/hw6_prairielearn.py); the variants' keys are in hw6-variants.json beside this file."""

import hw6_prairielearn as hw6


def generate(data):
    hw6.generate(data)


def parse(data):
    hw6.parse(data)


def grade(data):
    hw6.grade(data)


def test(data):
    hw6.test(data)
'''
