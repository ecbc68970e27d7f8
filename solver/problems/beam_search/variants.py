"""How Problem 2's variants are drawn, what each must satisfy, and the facts `hw6 stress` counts."""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy as sp

from .difficulty import SampleOptions, clashing_words, near_ties
from .engine.tree import Tokens, beam_search, exhaustive
from .figure import tree_shape
from .params import NORMALIZATION_TOLERANCE, Params
from .solve import Solution, solve

SAMPLE_WORDS = ("neural", "network", "deep", "learning", "model", "vector")  # none a word of the text
SAMPLE_SHAPES = ((2, 3), (2, 3), (2, 4), (3, 3))  # (M, T) with structure: varied, all drawn whole; k = 2
SAME_SHAPES = ((2, 3),)  # the homework's
SAMPLE_ATTEMPTS = 50_000  # with M = 2, T = 3 about 1 tree in 300 makes beam search miss the optimum


def _sample_hundredths(rng: np.random.Generator, vocab_size: int, count: int) -> list[list[int]]:
    """``count`` rows of two-decimal log-probabilities (in hundredths) whose probabilities sum
    to 1 within half the tolerance; drawn in batches, rejected rows dropped."""
    rows: list[list[int]] = []
    while len(rows) < count:
        probabilities = np.clip(rng.dirichlet(np.full(vocab_size, 0.7), size=2 * count), 0.01, 0.99)  # (2n, M)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        hundredths = np.minimum(np.round(np.log(probabilities) * 100), 0).astype(int)  # (2n, M)
        fits = np.abs(np.exp(hundredths / 100).sum(axis=1) - 1) <= NORMALIZATION_TOLERANCE / 2  # (2n,)
        rows += hundredths[fits].tolist()
    return rows[:count]


def _beam_misses(rows: dict[Tokens, list[int]], vocab_size: int, length: int, beam_width: int) -> bool:
    """Whether beam search ends below the optimum, in integer hundredths (a cheap pre-filter:
    most drawn trees are rejected, and the full solve then confirms the one that passes).

    The same tree engine as :func:`.solve.solve`, on integers instead of Fractions."""
    found = beam_search(rows.__getitem__, beam_width, length)[-1].kept[0]
    return found.logprob < exhaustive(rows.__getitem__, vocab_size, length)[0].logprob


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """A variant: a small tree drawn whole, two-decimal log-probabilities, no deciding ties.

    With ``options.misses_optimum`` (the default) beam search returns a sequence
    that is not the most likely one; without, it returns the most likely one.
    """
    options = options or SampleOptions()
    wanted = options.misses_optimum
    shapes = SAME_SHAPES if options.structure == "same" else SAMPLE_SHAPES
    beam_width = 2
    for _ in range(SAMPLE_ATTEMPTS):
        vocab_size, length = shapes[int(rng.integers(len(shapes)))]
        words = tuple(str(w) for w in rng.choice(SAMPLE_WORDS, size=vocab_size, replace=False))
        prefixes = [prefix for t in range(length) for prefix in itertools.product(range(vocab_size), repeat=t)]
        rows = dict(zip(prefixes, _sample_hundredths(rng, vocab_size, len(prefixes)), strict=False))
        if _beam_misses(rows, vocab_size, length, beam_width) != wanted:
            continue
        tree = {
            " ".join(words[j] for j in prefix): {w: sp.Rational(h, 100) for w, h in zip(words, row, strict=False)}
            for prefix, row in rows.items()
        }
        params = Params(vocabulary=words, beam_width=beam_width, length=length, tree=tree)
        if not _broken(params, solve(params), wanted):
            return params
    raise RuntimeError(f"no fitting beam-search variant in {SAMPLE_ATTEMPTS} draws")  # a bug, not input


def _broken(params: Params, solution: Solution, misses_optimum: bool) -> list[str]:
    broken = [f"a tie decides the outcome ({tie})" for tie in solution.ties]
    broken += near_ties(solution) + clashing_words(params.vocabulary)
    for prefix, row in params.tree.items():
        if any(100 % int(value.q) for value in row.values()):
            broken.append(f"row {prefix!r} has log-probabilities with more than two decimals")
        if abs(math.fsum(math.exp(float(v)) for v in row.values()) - 1) > NORMALIZATION_TOLERANCE:
            broken.append(f"row {prefix!r} is not normalized within {NORMALIZATION_TOLERANCE}")
    if tree_shape(solution, marked=False) is None:
        broken.append("the tree is too big to draw on the problem sheet")
    if misses_optimum and solution.returns_optimum:
        broken.append("beam search returns the most likely sequence (the variant should show it missing)")
    if not misses_optimum and not solution.returns_optimum:
        broken.append("beam search misses the most likely sequence (asked for a variant where it finds it)")
    return broken


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    """The promises a variant breaks (empty: fit to hand out)."""
    return _broken(params, solution, (options or SampleOptions()).misses_optimum)


def features(solution: Solution) -> dict[str, object]:
    """What `hw6 stress` histograms: does beam search miss, does greedy differ, by how much."""
    cut = solution.optimum_cut
    return {
        "M x T": f"{len(solution.vocabulary)} x {solution.params.length}",
        "beam misses the optimum": not solution.returns_optimum,
        "greedy = beam": solution.greedy_best.tokens == solution.beam_best.tokens,
        "step the optimum is pruned": cut.step if cut else "never",
        "pruning margin": str(float(cut.weakest_kept.logprob - cut.prefix.logprob)) if cut else "-",
    }
