"""A bag of character n-grams: the n-grams' vocabulary, read from token batches, and the layer that averages them.

A sequence is read between a start and an end marker, so an n-gram at the start
of a name ("<mc") differs from the same letters inside one. Every n-gram of 1 to
``longest`` symbols becomes one integer key, computed from the tokens by array
arithmetic (no Python loop over names): the symbols in base ``symbols + 2``
(the two markers), plus ``n * base**longest`` so that n-grams of different
lengths never share a key. ``fold`` maps each token to its symbol first, e.g.
upper- and lower-case letters to one symbol.

The vocabulary is the n-grams seen in the training sequences at least
``min_count`` times (in that many sequences); an unseen n-gram is dropped, the
way a word model drops unknown words. :class:`NgramBag` then gives each sequence
the mean of its known n-grams' vectors, and its backward pass adds each
sequence's gradient, divided by its count, to the rows of its n-grams.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.errors import LayerUsageError
from .core import Backward, Module, add_rows, as_rng, check_size

MISSING = -1  # the id of a padding position or an n-gram outside the vocabulary


def ngram_keys(tokens: np.ndarray, lengths: np.ndarray, fold: np.ndarray, longest: int) -> np.ndarray:
    """Every n-gram (n = 1 .. longest) of each padded sequence as an integer key: (B, G), MISSING past the end."""
    tokens, lengths = np.asarray(tokens), np.asarray(lengths)
    batch, steps = tokens.shape
    symbols = int(fold.max()) + 1
    start, end, base = symbols, symbols + 1, symbols + 2
    position = np.arange(steps + 2)[None, :]  # (1, T + 2)
    marked = np.full((batch, steps + 2), MISSING, dtype=np.int64)  # (B, T + 2): <, symbols, >, padding
    marked[:, 1:-1] = np.where(position[:, 1:-1] <= lengths[:, None], fold[tokens], MISSING)
    marked[:, 0] = start
    marked[np.arange(batch), lengths + 1] = end
    pieces = []
    for n in range(1, longest + 1):
        width = steps + 3 - n  # windows of n symbols in T + 2 positions
        if width < 1:
            break
        key = np.full((batch, width), n * base**longest, dtype=np.int64)  # (B, W)
        valid = np.ones((batch, width), dtype=bool)  # (B, W)
        for j in range(n):
            window = marked[:, j : j + width]  # (B, W): the j-th symbol of each n-gram
            valid &= window != MISSING
            key += np.maximum(window, 0) * base ** (n - 1 - j)
        pieces.append(np.where(valid, key, MISSING))
    return np.concatenate(pieces, axis=1)  # (B, G)


class NgramVocabulary:
    """The known n-grams (sorted keys) and how tokens become their ids: ``ids(tokens, lengths)`` -> (B, G)."""

    def __init__(self, keys: np.ndarray, fold: np.ndarray, longest: int):
        self.keys = np.asarray(keys, dtype=np.int64)
        self.fold = np.asarray(fold, dtype=np.int64)
        self.longest = check_size("NgramVocabulary", "longest", longest)
        if np.any(np.diff(self.keys) <= 0):
            raise LayerUsageError("NgramVocabulary: keys must be sorted and distinct")

    @classmethod
    def fit(
        cls, tokens: np.ndarray, lengths: np.ndarray, fold: np.ndarray, longest: int, min_count: int = 1
    ) -> NgramVocabulary:
        """The n-grams of these sequences found in at least ``min_count`` of them."""
        keys = ngram_keys(tokens, lengths, np.asarray(fold), longest)  # (B, G)
        once = [np.unique(row[row != MISSING]) for row in keys]  # each sequence counts an n-gram once
        found, counts = np.unique(np.concatenate(once), return_counts=True)
        return cls(found[counts >= min_count], fold, longest)

    def __len__(self) -> int:
        return len(self.keys)

    def ids(self, tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        keys = ngram_keys(tokens, lengths, self.fold, self.longest)  # (B, G)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)  # (B, G)
        return np.where((keys != MISSING) & (self.keys[at] == keys), at, MISSING)


class NgramBag(Module):
    """n-gram ids (B, G), MISSING where there is none -> the mean of their rows of weight (V, E): (B, E)."""

    def __init__(self, vocab_size: int, size: int, *, rng=None, dtype=np.float64):
        vocab_size = check_size("NgramBag", "vocab_size", vocab_size)
        size = check_size("NgramBag", "size", size)
        self.params = {"weight": as_rng(rng).standard_normal((vocab_size, size)).astype(dtype)}

    def forward(self, ids: np.ndarray) -> tuple[np.ndarray, Any]:
        weight = self.params["weight"]
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.dtype.kind != "i" or (ids.size and (ids.min() < MISSING or ids.max() >= len(weight))):
            raise LayerUsageError(f"NgramBag.forward: ids must be (B, G) integers from {MISSING} to {len(weight) - 1}")
        known = ids != MISSING  # (B, G)
        counts = np.maximum(known.sum(axis=1), 1).astype(weight.dtype)  # (B,): a name with none gets zeros
        rows = weight[np.where(known, ids, 0)] * known[:, :, None]  # (B, G, E)
        return rows.sum(axis=1) / counts[:, None], (ids, known, counts)  # (B, E)

    def backward(self, ctx: Any, d_out: np.ndarray) -> Backward:
        ids, known, counts = ctx  # (B, G), (B, G), (B,)
        weight = self.params["weight"]
        share = d_out / counts[:, None]  # (B, E): each n-gram's part of its name's gradient
        repeated = np.repeat(share, known.sum(axis=1), axis=0)  # (K, E): one row per known n-gram
        d_weight = add_rows(ids[known], repeated, len(weight)).astype(weight.dtype)  # (V, E): repeats add up
        return Backward(np.zeros((*ids.shape, 0), weight.dtype), {"weight": d_weight})  # ids: no gradient
