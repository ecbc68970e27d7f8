"""Decoders for the batched engine: each scores the next token of many hypotheses at once.

A decoder has ``vocab_size`` and three methods:

- ``start()``: the state of the single empty hypothesis;
- ``log_probs(state)``: next-token log-probabilities of every hypothesis, (n, M);
- ``advance(state, parents, tokens)``: the state of hypotheses ``parents[i]``
  extended by ``tokens[i]``, in that order (the engine's new beam).

:class:`PrefixDecoder` adapts a plain function of the token prefixes;
:class:`TinyRNN` carries hidden states, so a step costs one batched RNN update
and one output layer, O(k M), whatever the prefix length.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np


class PrefixDecoder:
    """A decoder given as a function ``(n, t) int prefixes -> (n, M) log-probabilities``."""

    def __init__(self, vocab_size: int, score: Callable[[np.ndarray], np.ndarray]):
        self.vocab_size = vocab_size
        self.score = score

    def start(self) -> np.ndarray:
        return np.zeros((1, 0), dtype=np.int64)  # (1, 0): one empty prefix

    def log_probs(self, prefixes: np.ndarray) -> np.ndarray:
        return self.score(prefixes)  # (n, M)

    def advance(self, prefixes: np.ndarray, parents: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        return np.concatenate([prefixes[parents], tokens[:, None]], axis=1)  # (k, t + 1)


class TreeDecoder(PrefixDecoder):
    """An explicit tree: a row of M log-probabilities for each prefix (a tuple of token indices)."""

    def __init__(self, rows: Mapping[tuple[int, ...], Sequence[float] | np.ndarray], vocab_size: int):
        self.rows = {prefix: np.asarray(row, dtype=np.float64) for prefix, row in rows.items()}
        super().__init__(vocab_size, self._lookup)

    def _lookup(self, prefixes: np.ndarray) -> np.ndarray:
        return np.stack([self.rows[tuple(int(j) for j in prefix)] for prefix in prefixes])  # (n, M)


class PrecomputedDecoder:
    """Log-probabilities fixed in advance, (T, k, M): step t's hypotheses read table[t, :n].

    Isolates the search's own cost for the benchmark (no model runs).
    """

    def __init__(self, table: np.ndarray):
        self.table = table  # (T, k, M)
        self.vocab_size = table.shape[2]

    def start(self) -> tuple[int, int]:
        return (0, 1)  # (step, number of hypotheses)

    def log_probs(self, state: tuple[int, int]) -> np.ndarray:
        step, count = state
        return self.table[step, :count]  # (n, M)

    def advance(self, state: tuple[int, int], parents: np.ndarray, tokens: np.ndarray) -> tuple[int, int]:
        return (state[0] + 1, len(parents))


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)  # (n, M)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (n, M)


@dataclass(frozen=True)
class TinyRNN:
    """An untrained RNN language model with random weights (float64).

    h_t = tanh(E[y_t] W_x + h_{t-1} W_h + b),  log p(y_{t+1} | y_{1:t}) = log_softmax(h_t W_o + b_o),
    with h_0 = 0 before the first token.
    """

    embed: np.ndarray  # (M, E)
    w_x: np.ndarray  # (E, H)
    w_h: np.ndarray  # (H, H)
    b: np.ndarray  # (H,)
    w_o: np.ndarray  # (H, M)
    b_o: np.ndarray  # (M,)

    @classmethod
    def random(
        cls, vocab_size: int, seed: int, *, embed_size: int = 16, hidden_size: int = 32, spread: float = 3.0
    ) -> TinyRNN:
        """Weights drawn from ``seed``; ``spread`` scales the logits (larger: more peaked)."""
        if not 1 <= vocab_size <= 10_000:
            raise ValueError("the demo RNN takes a vocabulary of 1 to 10,000 tokens")
        rng = np.random.default_rng(seed)
        return cls(
            embed=rng.normal(size=(vocab_size, embed_size)),
            w_x=rng.normal(scale=1 / np.sqrt(embed_size), size=(embed_size, hidden_size)),
            w_h=rng.normal(scale=1 / np.sqrt(hidden_size), size=(hidden_size, hidden_size)),
            b=rng.normal(scale=0.5, size=hidden_size),
            w_o=rng.normal(scale=spread / np.sqrt(hidden_size), size=(hidden_size, vocab_size)),
            b_o=rng.normal(size=vocab_size),
        )

    @property
    def vocab_size(self) -> int:
        return self.embed.shape[0]

    def start(self) -> np.ndarray:
        return np.zeros((1, self.w_h.shape[0]))  # (1, H)

    def log_probs(self, hidden: np.ndarray) -> np.ndarray:
        return log_softmax(hidden @ self.w_o + self.b_o)  # (n, M)

    def advance(self, hidden: np.ndarray, parents: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        return np.tanh(self.embed[tokens] @ self.w_x + hidden[parents] @ self.w_h + self.b)  # (k, H)

    def prefix_log_probs(self, prefix: Sequence[int]) -> np.ndarray:
        """Next-token log-probabilities after one prefix, run from the start (for the tree engine)."""
        hidden = self.start()  # (1, H)
        for token in prefix:
            hidden = self.advance(hidden, np.zeros(1, dtype=np.int64), np.array([token]))  # (1, H)
        return self.log_probs(hidden)[0]  # (M,)
