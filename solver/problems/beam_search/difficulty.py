"""Problem 2's drawing options, its difficulty features and the near-tie and vocabulary guarantees.

With the homework's structure (M = 2, T = 3, k = 2, a full tree) every variant scores the same
sequences; what may differ is how close the beam's decisions are, so the closest one has a band
and any decisive comparison closer than :data:`NEAR_TIE` is a broken guarantee: a student's
rounding must not decide the answer. Vocabulary words must not be words of the problem's text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...kernel.difficulty import Band, Difficulty, Structure
from ...kernel.params import ParamsBase, param

NEAR_TIE = Fraction(2, 100)
PROSE_TEMPLATES = ("beam_search.statement.tex.j2", "beam_search.solution.tex.j2", "beam_search.tree.tex.j2")


@dataclass(frozen=True)
class SampleOptions(ParamsBase):
    """How variants are drawn (``--variant-options``), not what a variant is: beam search misses the
    optimum unless a caller asks otherwise."""

    misses_optimum: bool = param(True, "draw trees on which beam search misses the most likely sequence")
    structure: Structure = param("same", "same: M = 2, T = 3, k = 2 as in the homework; varied: also 3 x 3, 2 x 4")


def decisive_gaps(solution: Any) -> dict[str, Fraction]:
    """Every comparison that decides an answer, and how far apart its two sides are."""
    k = solution.params.beam_width
    gaps: dict[str, Fraction] = {}
    for step in solution.steps:
        ranked = step.ranked
        if len(ranked) > k:
            gaps[f"step {step.number}: weakest kept vs best pruned"] = ranked[k - 1].logprob - ranked[k].logprob
        for i in range(min(k, len(ranked)) - 1):
            gaps[f"step {step.number}: kept {i + 1} vs {i + 2}"] = ranked[i].logprob - ranked[i + 1].logprob
    if len(solution.ranking) > 1:
        gaps["most likely vs second"] = solution.ranking[0].logprob - solution.ranking[1].logprob
    if not solution.returns_optimum:
        gaps["most likely vs beam's result"] = solution.optimum.logprob - solution.beam_best.logprob
    for hypothesis in solution.greedy_path:
        row = sorted(solution.rows[hypothesis.tokens[:-1]], reverse=True)
        if len(row) > 1:
            gaps[f"greedy step {len(hypothesis.tokens)}: best vs second token"] = row[0] - row[1]
    return {name: Fraction(gap) for name, gap in gaps.items()}


def near_ties(solution: Any) -> list[str]:
    return [
        f"a near-tie decides the outcome ({name}: {float(gap):.2f} apart, under {float(NEAR_TIE):.2f})"
        for name, gap in decisive_gaps(solution).items()
        if 0 < gap < NEAR_TIE
    ]


@functools.cache
def prose_words() -> frozenset[str]:
    """The words of the problem's own text (template code and LaTeX commands left out)."""
    from ...render.env import templates_dir  # Jinja2's module: only where variants are drawn, not in grading

    words: set[str] = set()
    for name in PROSE_TEMPLATES:
        text = (templates_dir() / "problems" / name).read_text(encoding="utf-8")
        text = re.sub(r"\\(VAR|BLOCK)\{[^}]*\}|\\[A-Za-z]+", " ", text)
        words |= {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return frozenset(words)


def clashing_words(vocabulary: tuple[str, ...]) -> list[str]:
    return [
        f"the vocabulary word {word!r} is also a word of the problem's text"
        for word in vocabulary
        if word.lower() in prose_words()
    ]


def measure(solution: Any) -> dict[str, float]:
    cuts = [
        step.ranked[solution.params.beam_width - 1].logprob - step.ranked[solution.params.beam_width].logprob
        for step in solution.steps
        if len(step.ranked) > solution.params.beam_width
    ]
    return {
        "sequences to score": len(solution.ranking),
        "candidates scored": sum(len(step.candidates) for step in solution.steps),
        "closest pruning margin": float(min(cuts)) if cuts else 0.0,
    }


DIFFICULTY = Difficulty(
    measure,
    {
        "sequences to score": Band(1, 1),
        "candidates scored": Band(1, 1),
        "closest pruning margin": Band(2 / 3, 10),  # the homework's 0.03: from 0.02 to 0.3
    },
)
