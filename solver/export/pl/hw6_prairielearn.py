"""hw6's side of a PrairieLearn question: pick a variant, grade with hw6's grader, make test submissions.

This file is shipped to ``serverFilesCourse/`` (which PrairieLearn puts on the Python path of
``server.py``) beside ``hw6grading/``, a copy of hw6's grading core; both import only the
standard library, numpy and sympy. Each question folder holds ``server.py`` (which calls the
functions below) and ``hw6-variants.json``: the variants' statement numbers, inputs and keys, in the
question folder, which PrairieLearn never serves to students. ``correct_answers`` stays empty
so that no element shows or grades a key; hw6 grades every input here.
"""

from __future__ import annotations

import html
import json
import os
import random
from typing import Any

from hw6grading.kinds import KINDS  # type: ignore[import-not-found]
from hw6grading.pool import WorkerPool, chunked  # type: ignore[import-not-found]
from hw6grading.runner import TIME_LIMIT, compile_key, grade_answer  # type: ignore[import-not-found]

VARIANTS_FILE = "hw6-variants.json"
STATUS_TEXT = {"correct": "Correct.", "incorrect": "Incorrect.", "invalid": "This answer cannot be read."}
_LOADED: dict[str, dict[str, Any]] = {}  # question folder -> its variants, read once per worker
_GRADERS: dict[tuple[str, int], Any] = {}  # (question folder, seed) -> hw6's compiled key


def question_folder(data: dict[str, Any]) -> str:
    """The question's folder (PrairieLearn runs server.py there and names it in the options)."""
    return str((data.get("options") or {}).get("question_path") or os.getcwd())


def load(data: dict[str, Any]) -> dict[str, Any]:
    folder = question_folder(data)
    if folder not in _LOADED:
        with open(os.path.join(folder, VARIANTS_FILE), encoding="utf-8") as handle:
            _LOADED[folder] = json.load(handle)
    return _LOADED[folder]


def variant_of(data: dict[str, Any]) -> dict[str, Any]:
    """The variant generate() chose, found by the hw6 seed it recorded in the params."""
    seed = data["params"]["hw6_seed"]
    for variant in load(data)["variants"]:
        if variant["seed"] == seed:
            return variant
    raise KeyError(f"hw6 variant with seed {seed} is not in {VARIANTS_FILE}")


def generate(data: dict[str, Any]) -> None:
    """One of the exported variants, the same one for the same PrairieLearn variant seed."""
    exported = load(data)
    variant = exported["variants"][int(data["variant_seed"]) % len(exported["variants"])]
    data["params"].update(variant["display"])
    data["params"]["hw6_seed"] = variant["seed"]
    data["params"]["hw6_version"] = exported["hw6"]["version"]


# --------------------------------------------------------------------------- answers


def answer_value(spec: dict[str, Any], raw: dict[str, Any]) -> Any:
    """What hw6 grades for one part: its text, or its cells' texts (a list, or a list of rows)."""
    if spec["element"] == "string":
        value = raw.get(spec["name"])
        return None if value is None or not str(value).strip() else str(value)
    cells = [str(raw.get(cell) or "").strip() for cell in spec["cells"]]
    if not any(cells):
        return None
    if spec["flat"]:
        return cells
    width = spec["columns"]
    return [cells[row * width : (row + 1) * width] for row in range(spec["rows"])]


def score_names(spec: dict[str, Any]) -> list[str]:
    """The answers-names a part's score is given to: its input, or each of its number inputs."""
    return list(spec["cells"]) if spec["element"] == "number" else [spec["name"]]


def error_name(spec: dict[str, Any]) -> str:
    """Where a part's format error goes: its input, or its first number input."""
    return spec["cells"][0] if spec["element"] == "number" else spec["name"]


def verdicts_of(data: dict[str, Any], variant: dict[str, Any], raw: dict[str, Any]) -> list[Any]:
    """hw6's verdict on each input of the variant, each answer graded under hw6's hard time limit.

    hw6's parser refuses what it recognises as too costly before evaluating; what remains is
    graded in a forked worker that is killed when one answer takes longer than ``TIME_LIMIT``
    (big-integer and SymPy work runs in C, where no signal or alarm interrupts it), so a hostile
    answer costs the course's grading worker at most that long per input. Where the server
    cannot fork, the answers are graded in this process."""
    key = (question_folder(data), variant["seed"])
    if key not in _GRADERS:
        _GRADERS[key] = compile_key(variant["parts"])
    graders = _GRADERS[key]
    tasks = [(index, 0, spec["part"], answer_value(spec, raw)) for index, spec in enumerate(variant["inputs"])]
    for _, _, part, _ in tasks:
        graders[part]  # compiled before the fork, once per worker of the course
    try:
        verdicts = WorkerPool([graders], 1, TIME_LIMIT, grade_answer).run(chunked(tasks, 1))
    except OSError:  # no fork here (a sandbox's process limit): grade in this process
        verdicts = {index: grade_answer(graders, part, answer) for index, _, part, answer in tasks}
    return [verdicts[index] for index, _, _, _ in tasks]


def feedback_text(verdict: Any) -> str:
    """What a part shows: hw6's feedback, which may quote the student's text, HTML-escaped
    (PrairieLearn renders feedback and format errors as HTML)."""
    return html.escape(verdict.feedback or STATUS_TEXT.get(verdict.status, ""), quote=False)


def graded(data: dict[str, Any], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(partial_scores, format errors, feedback per part) of these raw answers: hw6's verdict per part.
    A part with several number inputs gives each the part's credit and an equal share of its points."""
    variant = variant_of(data)
    scores: dict[str, Any] = {}
    errors: dict[str, str] = {}
    feedback: dict[str, str] = {}
    for spec, verdict in zip(variant["inputs"], verdicts_of(data, variant, raw), strict=True):
        points = variant["parts"][spec["part"]].get("points", 1)
        text = feedback_text(verdict)
        if verdict.status == "invalid":
            errors[error_name(spec)] = text
        names = score_names(spec)
        for name in names:
            weight = points if len(names) == 1 else points / len(names)
            scores[name] = {"score": float(verdict.credit), "weight": weight, "feedback": text}
        feedback[spec["name"]] = text
    return scores, errors, feedback


def total(scores: dict[str, Any]) -> float:
    weight = sum(entry["weight"] for entry in scores.values())
    return sum(entry["score"] * entry["weight"] for entry in scores.values()) / weight if weight else 0.0


# --------------------------------------------------------------------------- server.py phases


def parse(data: dict[str, Any]) -> None:
    """hw6's invalid verdicts (unreadable, unknown symbol, wrong number of entries) as format errors,
    so that they cost no attempt; an element's own format error is kept."""
    _, errors, _ = graded(data, data["raw_submitted_answers"])
    for name, message in errors.items():
        data["format_errors"].setdefault(name, message)


def grade(data: dict[str, Any]) -> None:
    scores, _, feedback = graded(data, data["raw_submitted_answers"])
    data["partial_scores"].clear()
    data["partial_scores"].update(scores)
    data["feedback"].update(feedback)
    data["score"] = total(scores)


def key_inputs(spec: dict[str, Any], value: Any) -> dict[str, str] | None:
    """The raw inputs a student types for ``value`` (the key or a modelled mistake), as its kind's row
    types it, or None when the inputs cannot hold it (a mistake with another number of entries than the cells)."""
    name, kind = spec["name"], KINDS[spec["kind"]]
    if spec["element"] != "string":
        rows = value if kind.rows else [value]
        if not isinstance(rows, list) or any(not isinstance(row, list) for row in rows):
            return None
        if kind.rows and any(len(row) != spec["columns"] for row in rows):
            return None
        entries = [entry for row in rows for entry in row]
        if len(entries) != len(spec["cells"]):
            return None
        return {cell: str(entry) for cell, entry in zip(spec["cells"], entries, strict=True)}
    return {name: kind.prairielearn.typed(value)}


def wrong_inputs(spec: dict[str, Any], right: dict[str, str]) -> dict[str, str] | None:
    """A wrong answer where the key models no mistake: the first number or expression changed."""
    if spec["element"] != "string":
        first = spec["cells"][0]
        return {first: repr(float(right[first]) + 1)}
    changed = KINDS[spec["kind"]].prairielearn.changed
    return {spec["name"]: changed(right[spec["name"]])} if changed is not None else None


def invalid_inputs(spec: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Inputs hw6 refuses, and the format errors PrairieLearn's element adds for them."""
    if spec["element"] == "string":
        return {spec["name"]: KINDS[spec["kind"]].prairielearn.unreadable}, []
    cells = {cell: "0" for cell in spec["cells"]}
    cells[spec["cells"][0]] = "1,2"
    return cells, [spec["cells"][0]] + ([spec["name"]] if spec["element"] == "matrix" else [])


def test_submission(data: dict[str, Any], test_type: str, rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """Raw answers of one kind (every key; some modelled mistakes; or one unreadable input) and the
    format errors PrairieLearn's elements give them."""
    variant = variant_of(data)
    inputs = variant["inputs"]
    raw: dict[str, str] = {}
    for spec in inputs:
        raw.update(key_inputs(spec, variant["parts"][spec["part"]]["value"]) or {})
    flagged: list[str] = []
    if test_type == "incorrect":
        for position, spec in enumerate(inputs):
            mistakes = [m["value"] for m in variant["parts"][spec["part"]].get("mistakes") or ()]
            usable = [entries for entries in (key_inputs(spec, m) for m in mistakes) if entries]
            if position == 0 and not usable:
                usable = [entries for entries in [wrong_inputs(spec, raw)] if entries]
            if usable and (position == 0 or rng.random() < 0.5):
                raw.update(rng.choice(usable))
    elif test_type == "invalid":
        unreadable, flagged = invalid_inputs(rng.choice(inputs))
        raw.update(unreadable)
    return raw, flagged


def test(data: dict[str, Any]) -> None:
    """PrairieLearn's question tests: a submission of ``data["test_type"]`` and the scores hw6 gives it."""
    raw, flagged = test_submission(data, data["test_type"], random.Random())
    scores, errors, feedback = graded(data, raw)
    errors.update({name: "invalid" for name in flagged if name not in errors})
    for field in ("raw_submitted_answers", "format_errors", "partial_scores", "feedback"):
        data[field].clear()
    data["raw_submitted_answers"].update(raw)
    data["format_errors"].update(errors)  # PrairieLearn marks the submission ungradable from these
    if errors:
        data["score"] = 0
        return
    data["partial_scores"].update(scores)
    data["feedback"].update(feedback)
    data["score"] = total(scores)
