"""Models assembled from the layers: a per-step regressor (Problem 3) and a sequence classifier.

Both have the layers' shape: ``named_parameters()``, ``forward(...) -> (out, ctx)``
and ``backward(ctx, d_out) -> Backward``; parameter names are prefixed by the
part they belong to (``rnn.0.W_h``, ``head.weight``, ``embedding.weight``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Backward, Module, prefixed
from .layers import Embedding, LastStep, Linear, one_hot
from .recurrent import Stacked


class SequenceRegressor(Module):
    """A recurrent stack with a linear head at every step: y_t = W_f h_t + b_f."""

    def __init__(self, rnn: Stacked, head: Linear):
        self.rnn, self.head = rnn, head

    @classmethod
    def build(
        cls,
        input_size: int,
        hidden_size: int,
        output_size: int = 1,
        num_layers: int = 1,
        cell: str = "rnn",
        nonlinearity: str = "tanh",
        *,
        rng=None,
        dtype=np.float64,
    ) -> SequenceRegressor:
        rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
        rnn = Stacked.build(input_size, hidden_size, num_layers, cell, nonlinearity, rng=rng, dtype=dtype)
        return cls(rnn, Linear(hidden_size, output_size, rng=rng, dtype=dtype))

    def named_parameters(self) -> dict[str, np.ndarray]:
        return {**prefixed("rnn", self.rnn.named_parameters()), **prefixed("head", self.head.named_parameters())}

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Any]:
        # sheet: begin regressor_forward
        hs, rnn_ctx = self.rnn.forward(x)  # (B, T, H)
        y, head_ctx = self.head.forward(hs)  # (B, T, O)
        return y, (rnn_ctx, head_ctx)
        # sheet: end regressor_forward

    def backward(self, ctx: Any, d_y: np.ndarray) -> Backward:
        rnn_ctx, head_ctx = ctx
        head = self.head.backward(head_ctx, d_y)  # d_input (B, T, H)
        rnn = self.rnn.backward(rnn_ctx, head.d_input)  # d_input (B, T, D)
        grads = {**prefixed("rnn", rnn.grads), **prefixed("head", head.grads)}
        return Backward(rnn.d_input, grads, rnn.d_hidden, rnn.d_cell)


class SequenceClassifier(Module):
    """Tokens (B, T) -> one-hot or embedding -> recurrent stack -> last state -> Linear -> logits (B, C).

    ``forward(tokens, lengths)`` takes padded token batches with each
    sequence's length; pair it with :class:`~solver.nn.losses.SoftmaxCrossEntropy`.
    With ``embedding_size=None`` the inputs are one-hot vectors of ``vocab_size``.
    """

    def __init__(self, vocab_size: int, rnn: Stacked, head: Linear, embedding: Embedding | None = None):
        self.vocab_size, self.rnn, self.head, self.embedding = vocab_size, rnn, head, embedding
        self.last = LastStep()

    @classmethod
    def build(
        cls,
        vocab_size: int,
        hidden_size: int,
        num_classes: int,
        num_layers: int = 1,
        cell: str = "rnn",
        nonlinearity: str = "tanh",
        embedding_size: int | None = None,
        *,
        rng=None,
        dtype=np.float64,
    ) -> SequenceClassifier:
        rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
        embedding = None if embedding_size is None else Embedding(vocab_size, embedding_size, rng=rng, dtype=dtype)
        width = vocab_size if embedding_size is None else embedding_size
        rnn = Stacked.build(width, hidden_size, num_layers, cell, nonlinearity, rng=rng, dtype=dtype)
        return cls(vocab_size, rnn, Linear(hidden_size, num_classes, rng=rng, dtype=dtype), embedding)

    def named_parameters(self) -> dict[str, np.ndarray]:
        named = prefixed("embedding", self.embedding.named_parameters()) if self.embedding else {}
        return {
            **named,
            **prefixed("rnn", self.rnn.named_parameters()),
            **prefixed("head", self.head.named_parameters()),
        }

    def forward(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
        dtype = self.head.params["weight"].dtype
        if self.embedding is None:
            x, embedding_ctx = one_hot(tokens, self.vocab_size, dtype), None  # (B, T, V)
        else:
            x, embedding_ctx = self.embedding.forward(tokens)  # (B, T, E)
        hs, rnn_ctx = self.rnn.forward(x)  # (B, T, H)
        last, last_ctx = self.last.forward(hs, lengths)  # (B, H)
        logits, head_ctx = self.head.forward(last)  # (B, C)
        return logits, (embedding_ctx, rnn_ctx, last_ctx, head_ctx)

    def backward(self, ctx: Any, d_logits: np.ndarray) -> Backward:
        embedding_ctx, rnn_ctx, last_ctx, head_ctx = ctx
        head = self.head.backward(head_ctx, d_logits)  # d_input (B, H)
        last = self.last.backward(last_ctx, head.d_input)  # d_input (B, T, H)
        rnn = self.rnn.backward(rnn_ctx, last.d_input)  # d_input (B, T, E or V)
        grads = {**prefixed("rnn", rnn.grads), **prefixed("head", head.grads)}
        if self.embedding is not None:
            grads = {**prefixed("embedding", self.embedding.backward(embedding_ctx, rnn.d_input).grads), **grads}
        no_gradient = np.zeros((*rnn.d_input.shape[:2], 0), rnn.d_input.dtype)  # tokens have none
        return Backward(no_gradient, grads, rnn.d_hidden, rnn.d_cell)
