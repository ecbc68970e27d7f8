"""Batched beam search: one decoder call scores every hypothesis of a step, partial selection keeps k.

Per step the engine asks the decoder for the (n, M) next-token log-probabilities
of its n <= k hypotheses, adds each hypothesis' total (broadcast, O(k M)) and
selects the k best of the k * M candidates with ``np.argpartition`` or
``torch.topk`` (O(k M)), sorting only the k survivors (O(k log k)). Ties follow
the package's rule (see :mod:`solver.problems.beam_search.engine`): every candidate carries its
lexicographic position among the candidates, ``rank of its parent * M + token``,
where a parent's rank is its position in lexicographic order among the beam;
a tie at the cut is settled by those positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....kernel.checks import import_torch


@dataclass(frozen=True)
class BatchedStep:
    number: int  # t = 1, ..., T
    candidates: np.ndarray | None  # (n, M) totals; row i extends the previous step's i-th best (None unless recorded)
    sequences: np.ndarray  # (k, t) kept hypotheses, best first
    scores: np.ndarray  # (k,) their totals
    parents: np.ndarray  # (k,) the row of the previous beam each extends
    tie_at_cut: bool  # the best pruned candidate ties the worst kept one


@dataclass(frozen=True)
class BatchedResult:
    steps: tuple[BatchedStep, ...]
    candidates_scored: int  # sum over steps of n * M: the work the selection does


class NumpySelection:
    name = "numpy"

    def tensor(self, array: np.ndarray) -> np.ndarray:
        return np.asarray(array, dtype=np.float64)

    def numpy(self, values: np.ndarray) -> np.ndarray:
        return values

    def take(self, values: np.ndarray, indices: np.ndarray) -> np.ndarray:
        return values[indices]

    def top_k(self, scores: np.ndarray, order: np.ndarray, k: int) -> tuple[np.ndarray, bool]:
        """Indices of the k best of ``scores`` (N,), best first, and whether a tie decided the cut.

        ``order`` (N,) breaks ties: the smaller position wins.
        """
        if np.isnan(scores).any():
            raise ValueError("the decoder returned NaN log-probabilities")
        count = scores.shape[0]
        chosen, tie = np.arange(count), False
        if k < count:
            chosen = np.argpartition(scores, count - k)[count - k :]  # (k,) the k largest, unordered
            threshold = scores[chosen].min()
            tie = bool(np.count_nonzero(scores == threshold) > np.count_nonzero(scores[chosen] == threshold))
            if tie:  # argpartition picked among equals arbitrarily: take the earliest positions
                above = chosen[scores[chosen] > threshold]
                tied = np.flatnonzero(scores == threshold)
                tied = tied[np.argsort(order[tied], kind="stable")[: k - len(above)]]
                chosen = np.concatenate([above, tied])
        return chosen[np.lexsort((order[chosen], -scores[chosen]))], tie


class TorchSelection:
    name = "torch"

    def __init__(self) -> None:
        self.torch = import_torch()

    def tensor(self, array: np.ndarray):
        return self.torch.from_numpy(np.ascontiguousarray(array, dtype=np.float64))

    def numpy(self, values) -> np.ndarray:
        return values.numpy()

    def take(self, values, indices: np.ndarray):
        return values[self.torch.from_numpy(indices)]

    def top_k(self, scores, order: np.ndarray, k: int) -> tuple[np.ndarray, bool]:
        torch = self.torch
        if torch.isnan(scores).any():
            raise ValueError("the decoder returned NaN log-probabilities")
        positions = torch.from_numpy(order)
        count = scores.shape[0]
        chosen, tie = torch.arange(count), False
        if k < count:
            values, chosen = torch.topk(scores, k, sorted=False)  # (k,)
            threshold = values.min()
            tie = bool((scores == threshold).sum() > (values == threshold).sum())
            if tie:  # topk picked among equals arbitrarily: take the earliest positions
                above = chosen[values > threshold]
                tied = torch.nonzero(scores == threshold).flatten()
                tied = tied[torch.argsort(positions[tied], stable=True)[: k - len(above)]]
                chosen = torch.cat([above, tied])
        chosen = chosen[torch.argsort(positions[chosen], stable=True)]  # secondary key first,
        chosen = chosen[torch.argsort(-scores[chosen], stable=True)]  # then the primary, stably
        return chosen.numpy(), tie


def selection(backend: str):
    if backend == "numpy":
        return NumpySelection()
    if backend == "torch":
        return TorchSelection()
    raise ValueError(f"unknown backend {backend!r}")


def beam_search(decoder, beam_width: int, length: int, *, backend="numpy", record: bool = True) -> BatchedResult:
    """Run beam search with ``decoder`` (see :mod:`.decoders`) for ``length`` steps.

    ``backend`` is "numpy", "torch" or a selection object like :class:`NumpySelection`;
    ``record`` keeps every step's (n, M) candidate table (the benchmark turns it off).
    """
    ops = selection(backend) if isinstance(backend, str) else backend
    vocab_size = decoder.vocab_size
    token_ids = np.arange(vocab_size, dtype=np.int64)  # (M,)
    state = decoder.start()
    scores = ops.tensor(np.zeros(1))  # (1,) the empty hypothesis
    lex_rank = np.zeros(1, dtype=np.int64)  # (n,) each hypothesis' position in lexicographic order
    sequences = np.zeros((1, 0), dtype=np.int64)  # (n, t - 1)
    steps, scored = [], 0
    for number in range(1, length + 1):
        candidates = scores[:, None] + ops.tensor(decoder.log_probs(state))  # (n, M)
        order = (lex_rank[:, None] * vocab_size + token_ids).reshape(-1)  # (n M,)
        flat = candidates.reshape(-1)  # (n M,)
        chosen, tie = ops.top_k(flat, order, beam_width)  # (k,) best first
        parents, tokens = np.divmod(chosen, vocab_size)  # (k,), (k,)
        scores = ops.take(flat, chosen)  # (k,)
        sequences = np.concatenate([sequences[parents], tokens[:, None]], axis=1)  # (k, t)
        lex_rank = np.argsort(np.argsort(order[chosen], kind="stable"), kind="stable")  # (k,)
        scored += flat.shape[0]
        steps.append(
            BatchedStep(
                number,
                ops.numpy(candidates) if record else None,
                sequences,
                ops.numpy(scores),
                parents,
                tie,
            )
        )
        state = decoder.advance(state, parents, tokens)
    return BatchedResult(tuple(steps), scored)


def brute_force(rows: dict[tuple[int, ...], np.ndarray], vocab_size: int, length: int, *, backend: str = "numpy"):
    """Every sequence's total, level by level, and the ranking under the tie rule.

    Level t holds the M^t sequences of length t in lexicographic order (a
    sequence's index is its tokens read as a base-M number), so a stable sort
    by score alone applies the tie rule. Returns (sequences (M^T, T) best first,
    their totals).
    """
    totals = np.zeros(1)  # (1,) the empty sequence
    for t in range(length):
        level = [
            rows[tuple(int(j) for j in np.unravel_index(i, (vocab_size,) * t))] if t else rows[()]
            for i in range(vocab_size**t)
        ]
        totals = (totals[:, None] + np.stack(level)).reshape(-1)  # (M^(t+1),)
    if backend == "torch":
        torch = import_torch()
        order = torch.sort(torch.from_numpy(-totals), stable=True).indices.numpy()
    else:
        order = np.argsort(-totals, kind="stable")
    sequences = np.stack(np.unravel_index(order, (vocab_size,) * length), axis=1)  # (M^T, T)
    return sequences, totals[order]
