"""A synthetic class for testing ``hw6 report``: students whose chance of each right answer depends
on the variant they got, so that a deliberately harder variant can be planted.

A wrong answer is one of the part's modelled mistakes when it has any (so the report has slips
to count), else a wrong form of an expression, else nothing (which grades as invalid). Expression
answers are written in the varied forms of :mod:`tests.support.synthetic_answers`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from solver.engine.kinds import GRADED_KINDS

from .synthetic_answers import equivalent_forms, wrong_forms

Parts = Mapping[str, Mapping[str, Any]]


def answer_file(parts: Parts, skill: float, rng: random.Random) -> dict[str, Any]:
    """One student's answers to every automatically graded part, each right with probability ``skill``."""
    answers: dict[str, Any] = {}
    for part_id, spec in parts.items():
        if spec["kind"] not in GRADED_KINDS:
            continue
        answer = _right(spec, rng) if rng.random() < skill else _wrong(spec, rng)
        if answer is not None:
            answers[part_id] = answer
    return answers


def _right(spec: Mapping[str, Any], rng: random.Random) -> Any:
    symbols = list(spec.get("symbols") or [])
    if spec["kind"] == "expr":
        return rng.choice(equivalent_forms(spec["value"], symbols)).text
    if spec["kind"] == "expr_list":
        return [rng.choice(equivalent_forms(value, symbols)).text for value in spec["value"]]
    return spec["value"]


def _wrong(spec: Mapping[str, Any], rng: random.Random) -> Any:
    mistakes = spec.get("mistakes") or []
    if mistakes and rng.random() < 0.7:
        return rng.choice(mistakes)["value"]
    if spec["kind"] == "expr":
        forms = wrong_forms(spec["value"], list(spec.get("symbols") or []), rng)
        return rng.choice(forms).text if forms else None
    return None


def synthetic_class(
    keys: Mapping[int, Parts], students: int, skill: Mapping[int, float], seed: int = 0
) -> dict[str, dict[str, Any]]:
    """``students`` answer files per variant (``keys``: seed -> parts), named ``s<seed>-<n>``, each with
    its ``seed``; ``skill[seed]`` is the chance of each right answer in that variant."""
    rng = random.Random(seed)
    files = {}
    for variant, parts in keys.items():
        for number in range(students):
            files[f"s{variant}-{number:03d}"] = {"seed": variant, **answer_file(parts, skill[variant], rng)}
    return files
