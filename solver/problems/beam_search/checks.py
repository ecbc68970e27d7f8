"""How Problem 2's answers are checked: the batched engine and a brute force, NumPy or torch.

Both must reproduce the exact tables of :mod:`.solve`: every step's kept hypotheses,
their parents and candidates, the tie at the cut, the ranking of all M^T sequences,
the greedy path (k = 1) and the number of candidates scored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...kernel.checks import Check, compare_arrays, compare_equal
from .engine import batched, decoders
from .engine.tree import Hypothesis, Tokens
from .key import step_part_id
from .solve import Solution

FLOAT_RTOL = 1e-12


def scaled_rows(solution: Solution) -> tuple[dict[Tokens, np.ndarray], int]:
    """The rows as float64 in units of their common denominator, and that unit.

    Two-decimal log-probabilities become integers (x 100), whose float sums are
    exact: ties in the exact tables stay ties for the batched engine. When the
    integers would be too large for that, the rows stay plain floats (scale 1).
    """
    scale = 1
    for row in solution.rows.values():
        for value in row:
            scale = math.lcm(scale, value.denominator)
    largest = max(abs(value) for row in solution.rows.values() for value in row) * scale * solution.params.length
    if largest >= 2**53:
        return {prefix: np.array([float(v) for v in row]) for prefix, row in solution.rows.items()}, 1
    return {prefix: np.array([float(v * scale) for v in row]) for prefix, row in solution.rows.items()}, scale


def _table(vocabulary: Sequence[str], sequences: Sequence[Sequence[int]]) -> list[str]:
    """Sequences as text, so a failed check reads ``['neural network', ...]``."""
    return [" ".join(vocabulary[j] for j in tokens) for tokens in sequences]


def engine_checks(solution: Solution, backend: str) -> list[Check]:
    """The batched engine and a brute force, on ``backend``, against the exact tables."""
    params = solution.params
    rows, scale = scaled_rows(solution)
    vocab_size = len(params.vocabulary)
    decoder = decoders.TreeDecoder(rows, vocab_size)
    engine = f"{backend} batched beam"
    result = batched.beam_search(decoder, params.beam_width, params.length, backend=backend)
    words = params.vocabulary
    checks = []
    for exact, numeric in zip(solution.steps, result.steps, strict=False):
        part = step_part_id(exact.number)
        assert numeric.candidates is not None  # batched.beam_search records them unless told not to
        previous = solution.steps[exact.number - 2].kept if exact.number > 1 else [Hypothesis((), 0)]
        checks += [
            compare_equal(
                part, engine, _table(words, [h.tokens for h in exact.kept]), _table(words, numeric.sequences.tolist())
            ),
            compare_arrays(part, engine, [h.logprob for h in exact.kept], numeric.scores / scale, rtol=FLOAT_RTOL),
            compare_equal(
                part,
                f"{engine} (parents)",
                _table(words, [h.tokens[:-1] for h in exact.kept]),
                _table(words, [previous[i].tokens for i in numeric.parents]),
            ),
            compare_arrays(
                part,
                f"{engine} (candidates)",
                [h.logprob for h in exact.candidates],
                numeric.candidates.reshape(-1) / scale,
                rtol=FLOAT_RTOL,
            ),
            compare_equal(part, f"{engine} (tie at cut)", exact.tie_at_cut, numeric.tie_at_cut),
        ]
    sequences, totals = batched.brute_force(rows, vocab_size, params.length, backend=backend)
    brute = f"{backend} brute force"
    checks.append(
        compare_equal(
            "2d", brute, _table(words, [h.tokens for h in solution.ranking]), _table(words, sequences.tolist())
        )
    )
    checks.append(compare_arrays("2d", brute, [h.logprob for h in solution.ranking], totals / scale, rtol=FLOAT_RTOL))
    greedy_run = batched.beam_search(decoder, 1, params.length, backend=backend)
    checks.append(
        compare_equal(
            "2d",
            f"{backend} batched greedy (k = 1)",
            _table(words, [solution.greedy_best.tokens]),
            _table(words, greedy_run.steps[-1].sequences.tolist()),
        )
    )
    exact_count = sum(len(step.candidates) for step in solution.steps)
    checks.append(compare_equal("2e", f"{backend} candidates scored", exact_count, result.candidates_scored))
    return checks


def crosscheck(solution: Solution) -> list[Check]:
    """NumPy: the batched engine (argpartition) and a brute force over all M^T sequences."""
    return engine_checks(solution, "numpy")


def oracle_check(solution: Solution) -> list[Check]:
    """torch: the batched engine with torch.topk, and a brute force sorted by torch."""
    return engine_checks(solution, "torch")
