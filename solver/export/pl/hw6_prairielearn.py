"""hw6's side of a PrairieLearn question: pick a variant, grade with hw6's grader, make test submissions.

This file is shipped to ``serverFilesCourse/`` (which PrairieLearn puts on the Python path of
``server.py``) beside ``hw6grading/``, a copy of hw6's grading core; both import only the
standard library, numpy and sympy. Each question folder holds ``server.py`` (which calls the
functions below) and ``hw6-variants.json``: the variants' statement numbers and keys, in the
question folder, which PrairieLearn never serves to students. ``correct_answers`` stays empty
so that no element shows or grades a key; hw6 grades every input here.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from hw6grading.runner import compile_key, grade_answer  # type: ignore[import-not-found]

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
    """What hw6 grades for one input: its text, or a matrix input's entries as text."""
    name = spec["name"]
    if spec["element"] == "string":
        value = raw.get(name)
        return None if value is None or not str(value).strip() else str(value)
    cells = [str(raw.get(f"{name}{k + 1}") or "").strip() for k in range(spec["rows"] * spec["columns"])]
    if not any(cells):
        return None
    if spec["kind"] == "vector":
        return cells
    width = spec["columns"]
    return [cells[row * width : (row + 1) * width] for row in range(spec["rows"])]


def verdict_of(data: dict[str, Any], variant: dict[str, Any], spec: dict[str, Any], raw: dict[str, Any]) -> Any:
    key = (question_folder(data), variant["seed"])
    if key not in _GRADERS:
        _GRADERS[key] = compile_key(variant["parts"])
    return grade_answer(_GRADERS[key], spec["part"], answer_value(spec, raw))


def feedback_text(verdict: Any) -> str:
    return verdict.feedback or STATUS_TEXT.get(verdict.status, "")


def graded(data: dict[str, Any], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(partial_scores, format errors) of these raw answers: hw6's verdict per input."""
    variant = variant_of(data)
    scores: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in load(data)["inputs"]:
        verdict = verdict_of(data, variant, spec, raw)
        points = variant["parts"][spec["part"]].get("points", 1)
        if verdict.status == "invalid":
            errors[spec["name"]] = feedback_text(verdict)
        scores[spec["name"]] = {"score": float(verdict.credit), "weight": points, "feedback": feedback_text(verdict)}
    return scores, errors


def total(scores: dict[str, Any]) -> float:
    weight = sum(entry["weight"] for entry in scores.values())
    return sum(entry["score"] * entry["weight"] for entry in scores.values()) / weight if weight else 0.0


# --------------------------------------------------------------------------- server.py phases


def parse(data: dict[str, Any]) -> None:
    """hw6's invalid verdicts (unreadable, unknown symbol, wrong number of entries) as format errors,
    so that they cost no attempt; an element's own format error is kept."""
    _, errors = graded(data, data["raw_submitted_answers"])
    for name, message in errors.items():
        data["format_errors"].setdefault(name, message)


def grade(data: dict[str, Any]) -> None:
    scores, _ = graded(data, data["raw_submitted_answers"])
    data["partial_scores"].clear()
    data["partial_scores"].update(scores)
    for name, entry in scores.items():
        data["feedback"][name] = entry["feedback"]
    data["score"] = total(scores)


def key_inputs(spec: dict[str, Any], value: Any) -> dict[str, str] | None:
    """The raw inputs a student types for ``value`` (the key or a modelled mistake), or None when
    the input cannot hold it (a mistake with another number of entries than the cells)."""
    name, kind = spec["name"], spec["kind"]
    if spec["element"] == "matrix":
        rows = value if kind == "matrix" else [value]
        if not isinstance(rows, list) or len(rows) != spec["rows"]:
            return None
        if any(not isinstance(row, list) or len(row) != spec["columns"] for row in rows):
            return None
        cells = [entry for row in rows for entry in row]
        return {f"{name}{k + 1}": str(entry) for k, entry in enumerate(cells)}
    if kind == "sequences":
        lines = [f"{' '.join(h['sequence'])} ({h['logprob']})" for h in value]
        return {name: "\n".join(lines)}
    if kind == "expr_list":
        return {name: ", ".join(str(entry) for entry in value)}
    if kind == "complexity":
        return {name: f"O({value})"}
    return {name: str(value)}


def invalid_inputs(spec: dict[str, Any]) -> dict[str, str]:
    """Inputs hw6 refuses (and, for a matrix, PrairieLearn's element too)."""
    if spec["element"] == "matrix":
        cells = {f"{spec['name']}{k + 1}": "0" for k in range(spec["rows"] * spec["columns"])}
        cells[f"{spec['name']}1"] = "1,2"
        return cells
    return {spec["name"]: "(" if spec["kind"] != "sequences" else "[]"}


def test_submission(data: dict[str, Any], test_type: str, rng: random.Random) -> dict[str, str]:
    """Raw answers of one kind: every key; some modelled mistakes; or one unreadable input."""
    variant = variant_of(data)
    inputs = load(data)["inputs"]
    raw: dict[str, str] = {}
    for spec in inputs:
        raw.update(key_inputs(spec, variant["parts"][spec["part"]]["value"]) or {})
    if test_type == "incorrect":
        for position, spec in enumerate(inputs):
            mistakes = [m["value"] for m in variant["parts"][spec["part"]].get("mistakes") or ()]
            usable = [entries for entries in (key_inputs(spec, m) for m in mistakes) if entries]
            if usable and (position == 0 or rng.random() < 0.5):
                raw.update(rng.choice(usable))
    elif test_type == "invalid":
        raw.update(invalid_inputs(rng.choice(inputs)))
    return raw


def test(data: dict[str, Any]) -> None:
    """PrairieLearn's question tests: a submission of ``data["test_type"]`` and the scores hw6 gives it."""
    raw = test_submission(data, data["test_type"], random.Random())
    scores, errors = graded(data, raw)
    for spec in load(data)["inputs"]:
        if spec["element"] == "matrix" and spec["name"] in errors:  # the element names the cell too
            errors.update(
                {cell: "invalid" for cell, text in raw.items() if cell.startswith(spec["name"]) and text == "1,2"}
            )
    for field in ("raw_submitted_answers", "format_errors", "partial_scores", "feedback"):
        data[field].clear()
    data["raw_submitted_answers"].update(raw)
    data["format_errors"].update(errors)
    data["gradable"] = not errors
    if errors:
        data["score"] = 0
        return
    data["partial_scores"].update(scores)
    data["feedback"].update({name: entry["feedback"] for name, entry in scores.items()})
    data["score"] = total(scores)
