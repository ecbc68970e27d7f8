"""Models assembled from the layers: a per-step regressor (Problem 3) and a sequence classifier.

Both have the layers' shape: ``named_parameters()``, ``forward(...) -> (out, ctx)``
and ``backward(ctx, d_out) -> Backward``; parameter names are prefixed by the
part they belong to (``rnn.0.W_h``, ``head.weight``, ``embedding.weight``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.errors import LayerUsageError
from .core import Backward, Module, prefixed
from .layers import Dropout, Embedding, LastStep, Linear, one_hot, reversed_within
from .ngrams import NgramBag, NgramVocabulary
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
    """Tokens (B, T) -> one-hot or embedding -> recurrent stack -> last state -> dropout -> Linear -> logits (B, C).

    ``forward(tokens, lengths, rng)`` takes padded token batches with each
    sequence's length; pair it with :class:`~solver.nn.losses.SoftmaxCrossEntropy`.
    With ``embedding_size=None`` the inputs are one-hot vectors of ``vocab_size``.
    A ``reverse`` stack (bidirectional) reads every sequence from its last token back
    to its first (the same embedding); the head then sees both final states side by
    side, forward first. Dropout acts on the head's input only when ``forward`` is
    given a generator (training); without one the model is deterministic.
    """

    def __init__(
        self,
        vocab_size: int,
        rnn: Stacked,
        head: Linear,
        embedding: Embedding | None = None,
        reverse: Stacked | None = None,
        dropout: float = 0.0,
        bag: NgramBag | None = None,
        vocabulary: NgramVocabulary | None = None,
    ):
        if (bag is None) != (vocabulary is None):
            raise LayerUsageError("SequenceClassifier: an n-gram bag needs its vocabulary, and the other way round")
        self.vocab_size, self.rnn, self.head, self.embedding = vocab_size, rnn, head, embedding
        self.reverse = reverse
        self.bag, self.vocabulary = bag, vocabulary
        self.last = LastStep()
        self.dropout = Dropout(dropout)

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
        bidirectional: bool = False,
        dropout: float = 0.0,
        vocabulary: NgramVocabulary | None = None,
        bag_size: int = 0,
        rng=None,
        dtype=np.float64,
    ) -> SequenceClassifier:
        rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
        if vocabulary is not None and not bag_size:
            raise LayerUsageError("SequenceClassifier.build: an n-gram vocabulary needs bag_size > 0")
        embedding = None if embedding_size is None else Embedding(vocab_size, embedding_size, rng=rng, dtype=dtype)
        width = vocab_size if embedding_size is None else embedding_size
        rnn = Stacked.build(width, hidden_size, num_layers, cell, nonlinearity, rng=rng, dtype=dtype)
        reverse = (
            Stacked.build(width, hidden_size, num_layers, cell, nonlinearity, rng=rng, dtype=dtype)
            if bidirectional
            else None
        )
        bag = None if vocabulary is None else NgramBag(len(vocabulary), bag_size, rng=rng, dtype=dtype)
        features = hidden_size * (2 if bidirectional else 1) + (bag_size if bag else 0)
        head = Linear(features, num_classes, rng=rng, dtype=dtype)
        return cls(vocab_size, rnn, head, embedding, reverse, dropout, bag, vocabulary)

    def named_parameters(self) -> dict[str, np.ndarray]:
        named = prefixed("embedding", self.embedding.named_parameters()) if self.embedding else {}
        return {
            **named,
            **prefixed("rnn", self.rnn.named_parameters()),
            **(prefixed("reverse", self.reverse.named_parameters()) if self.reverse else {}),
            **(prefixed("ngrams", self.bag.named_parameters()) if self.bag else {}),
            **prefixed("head", self.head.named_parameters()),
        }

    @property
    def classes(self) -> int:
        return self.head.out_features

    def _inputs(self, tokens: np.ndarray) -> tuple[np.ndarray, Any]:
        if self.embedding is None:
            return one_hot(tokens, self.vocab_size, self.head.params["weight"].dtype), None  # (B, T, V)
        return self.embedding.forward(tokens)  # (B, T, E)

    def forward(
        self, tokens: np.ndarray, lengths: np.ndarray | None = None, rng: np.random.Generator | None = None
    ) -> tuple[np.ndarray, Any]:
        tokens = np.asarray(tokens)
        full = np.full(len(tokens), tokens.shape[1]) if lengths is None else np.asarray(lengths)  # (B,)
        x, embedding_ctx = self._inputs(tokens)  # (B, T, E or V)
        hs, rnn_ctx = self.rnn.forward(x)  # (B, T, H)
        last, last_ctx = self.last.forward(hs, lengths)  # (B, H)
        reverse_ctx = None
        if self.reverse is not None:
            x_back, back_embedding_ctx = self._inputs(reversed_within(tokens, full))  # (B, T, E or V)
            hs_back, back_ctx = self.reverse.forward(x_back)  # (B, T, H): step t has read tokens len-1 .. len-1-t
            first, first_ctx = self.last.forward(hs_back, lengths)  # (B, H): after reading back to the first
            last = np.concatenate([last, first], axis=1)  # (B, 2H)
            reverse_ctx = (back_embedding_ctx, back_ctx, first_ctx)
        bag_ctx = None
        if self.bag is not None and self.vocabulary is not None:
            mean, bag_ctx = self.bag.forward(self.vocabulary.ids(tokens, full))  # (B, N)
            last = np.concatenate([last, mean.astype(last.dtype)], axis=1)  # (B, 2H + N)
        features, dropout_ctx = self.dropout.forward(last, rng)  # (B, H, 2H or 2H + N)
        logits, head_ctx = self.head.forward(features)  # (B, C)
        return logits, (embedding_ctx, rnn_ctx, last_ctx, reverse_ctx, bag_ctx, dropout_ctx, head_ctx)

    def backward(self, ctx: Any, d_logits: np.ndarray) -> Backward:
        embedding_ctx, rnn_ctx, last_ctx, reverse_ctx, bag_ctx, dropout_ctx, head_ctx = ctx
        head = self.head.backward(head_ctx, d_logits)  # d_input (B, H or 2H)
        d_features = self.dropout.backward(dropout_ctx, head.d_input).d_input  # (B, H or 2H)
        hidden = self.rnn.hidden_size
        last = self.last.backward(last_ctx, d_features[:, :hidden])  # d_input (B, T, H)
        rnn = self.rnn.backward(rnn_ctx, last.d_input)  # d_input (B, T, E or V)
        grads = {**prefixed("rnn", rnn.grads)}
        if self.embedding is not None:
            grads = {**prefixed("embedding", self.embedding.backward(embedding_ctx, rnn.d_input).grads), **grads}
        if reverse_ctx is not None and self.reverse is not None:
            back_embedding_ctx, back_ctx, first_ctx = reverse_ctx
            first = self.last.backward(first_ctx, d_features[:, hidden : 2 * hidden])  # d_input (B, T, H)
            back = self.reverse.backward(back_ctx, first.d_input)  # d_input (B, T, E or V)
            grads.update(prefixed("reverse", back.grads))
            if self.embedding is not None:
                # the reversed tokens are embedded with the same rows: their gradients add up
                grads["embedding.weight"] = (
                    grads["embedding.weight"]
                    + self.embedding.backward(back_embedding_ctx, back.d_input).grads["weight"]
                )
        if bag_ctx is not None and self.bag is not None:
            states = hidden * (2 if self.reverse is not None else 1)
            grads.update(prefixed("ngrams", self.bag.backward(bag_ctx, d_features[:, states:]).grads))
        grads.update(prefixed("head", head.grads))
        no_gradient = np.zeros((*rnn.d_input.shape[:2], 0), rnn.d_input.dtype)  # tokens have none
        return Backward(no_gradient, grads, rnn.d_hidden, rnn.d_cell)


class Ensemble:
    """Networks whose class probabilities are averaged: ``forward`` gives log(mean softmax) (B, C).

    The log of the mean probability is a logit: its softmax is the mean probability itself, so
    anything that takes a classifier's logits takes the ensemble's. Prediction only (no backward:
    each network is trained on its own).
    """

    def __init__(self, networks: tuple[SequenceClassifier, ...]):
        if not networks:
            raise LayerUsageError("Ensemble: needs at least one network")
        self.networks = networks

    @property
    def classes(self) -> int:
        return self.networks[0].classes

    def parameter_count(self) -> int:
        return sum(network.parameter_count() for network in self.networks)

    def forward(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> tuple[np.ndarray, None]:
        if len(self.networks) == 1:  # its own logits, not log(softmax(logits)): the same predictions, unrounded
            return self.networks[0].forward(tokens, lengths)[0], None
        total = np.zeros((len(tokens), self.classes))  # (B, C)
        for network in self.networks:
            logits = network.forward(tokens, lengths)[0].astype(np.float64)  # (B, C)
            shifted = np.exp(logits - logits.max(axis=1, keepdims=True))  # (B, C)
            total += shifted / shifted.sum(axis=1, keepdims=True)  # (B, C): this network's probabilities
        return np.log(total / len(self.networks)), None  # (B, C)
