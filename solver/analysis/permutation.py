"""Does the variant a student got explain their score? A permutation test on the class's totals.

Under the null hypothesis every variant is equally hard, so the variant labels are exchangeable:
shuffling them among the students gives score differences as large as the real ones. The global
statistic is the between-variant sum of squares; each variant's own statistic is its mean minus the
median of the variants' means, two-sided (the median, so that one hard variant does not make the
others look easy). P-values count the shuffles at least as extreme (plus one, so
none is 0), and the per-variant ones are Holm-adjusted, so a flag means "off at level alpha" for
the whole family of variants. The shuffles come from a fixed seed: the same class gives the same
numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHUFFLES = 10_000
SHUFFLE_SEED = 20_231_114  # fixed, so a report is reproducible
ALPHA = 0.05
MIN_STUDENTS = 3  # per variant, to be tested at all
CHUNK = 512  # shuffles evaluated together


@dataclass(frozen=True)
class VariantTest:
    label: str
    students: int
    mean: float
    reference: float  # the median of the tested variants' means
    p_value: float
    adjusted_p: float  # Holm, over the tested variants
    flagged: bool


@dataclass(frozen=True)
class PermutationResult:
    tested_students: int
    statistic: float  # between-variant sum of squares
    p_value: float
    variants: tuple[VariantTest, ...]
    shuffles: int
    alpha: float


def variant_test(
    scores: Sequence[float],
    labels: Sequence[str],
    *,
    shuffles: int = SHUFFLES,
    seed: int = SHUFFLE_SEED,
    alpha: float = ALPHA,
    min_students: int = MIN_STUDENTS,
) -> PermutationResult | None:
    """The test over the variants with at least ``min_students``; None if fewer than two have that many."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    tested = sorted(label for label, n in counts.items() if n >= min_students)
    if len(tested) < 2:
        return None
    code = {label: index for index, label in enumerate(tested)}
    keep = [i for i, label in enumerate(labels) if label in code]
    values = np.array([scores[i] for i in keep], dtype=float)
    groups = np.array([code[labels[i]] for i in keep], dtype=np.int64)
    size, n_groups = len(values), len(tested)
    sizes = np.bincount(groups, minlength=n_groups).astype(float)
    total = float(values.sum())

    def statistics(group_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Between sum of squares and each group's mean minus the median mean, one row per labelling."""
        rows = group_rows.shape[0]
        offsets = group_rows + n_groups * np.arange(rows)[:, None]
        sums = np.bincount(offsets.ravel(), weights=np.tile(values, rows), minlength=rows * n_groups)
        sums = sums.reshape(rows, n_groups)
        means = sums / sizes
        between = ((sums**2) / sizes).sum(axis=1) - total**2 / size
        return between, means - np.median(means, axis=1, keepdims=True)

    observed_between, observed_gap = statistics(groups[None, :])
    rng = np.random.default_rng(seed)
    tolerance = 1e-9 * max(1.0, float(np.abs(values).max()))  # equal up to rounding counts as extreme
    wider = 0
    gaps_as_wide = np.zeros(n_groups, dtype=np.int64)
    done = 0
    while done < shuffles:
        rows = min(CHUNK, shuffles - done)
        shuffled = rng.permuted(np.broadcast_to(groups, (rows, size)), axis=1)
        between, gap = statistics(shuffled)
        wider += int((between >= observed_between[0] - tolerance).sum())
        gaps_as_wide += (np.abs(gap) >= np.abs(observed_gap[0]) - tolerance).sum(axis=0)
        done += rows
    p_global = (1 + wider) / (1 + shuffles)
    p_each = (1 + gaps_as_wide) / (1 + shuffles)
    adjusted = holm(p_each.tolist())
    group_means = np.bincount(groups, weights=values, minlength=n_groups) / sizes
    reference = float(np.median(group_means))
    variants = tuple(
        VariantTest(
            label,
            int(sizes[i]),
            float(group_means[i]),
            reference,
            float(p_each[i]),
            adjusted[i],
            adjusted[i] < alpha,
        )
        for i, label in enumerate(tested)
    )
    return PermutationResult(size, float(observed_between[0]), p_global, variants, shuffles, alpha)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest p times (m - k + 1), kept monotone, at most 1."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted
