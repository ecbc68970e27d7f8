"""Per-step layers with hand-written backward passes: Linear, Embedding (and one_hot), LastStep, Dropout.

Batches are rows: a sequence batch is (B, T, D), a hidden state (B, H). The
recurrent layers are in :mod:`.recurrent`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.errors import LayerUsageError
from .core import Backward, Module, add_rows, as_rng, check_array, check_size, submodule_items, uniform

# --------------------------------------------------------------------------- Linear


class Linear(Module):
    """y = x W^T + b over the last axis: weight (out, in), bias (out,)."""

    def __init__(self, in_features: int, out_features: int, *, rng=None, dtype=np.float64):
        in_features = check_size("Linear", "in_features", in_features)
        out_features = check_size("Linear", "out_features", out_features)
        rng, bound = as_rng(rng), 1.0 / np.sqrt(in_features)
        self.params = {
            "weight": uniform(rng, bound, (out_features, in_features), dtype),
            "bias": uniform(rng, bound, (out_features,), dtype),
        }

    @classmethod
    def from_weights(cls, weight: np.ndarray, bias: np.ndarray, *, dtype=np.float64) -> Linear:
        weight = check_array("Linear.from_weights", "weight", weight, ("out", "in"), dtype=dtype)
        bias = check_array("Linear.from_weights", "bias", bias, (weight.shape[0],), dtype=dtype)
        layer = cls.__new__(cls)
        layer.params = {"weight": weight.copy(), "bias": bias.copy()}
        return layer

    @property
    def in_features(self) -> int:
        return self.params["weight"].shape[1]

    @property
    def out_features(self) -> int:
        return self.params["weight"].shape[0]

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Any]:
        weight = self.params["weight"]
        x = np.asarray(x, dtype=weight.dtype)
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise LayerUsageError(f"Linear.forward: x has shape {x.shape}, expected (..., {self.in_features})")
        # sheet: begin head_forward
        return x @ weight.T + self.params["bias"], x
        # sheet: end head_forward

    def backward(self, ctx: Any, d_y: np.ndarray) -> Backward:
        x = ctx  # (..., in)
        flat_x = x.reshape(-1, self.in_features)  # (N, in)
        flat_dy = d_y.reshape(-1, self.out_features)  # (N, out)
        # sheet: begin head_backward
        grads = {"weight": flat_dy.T @ flat_x, "bias": flat_dy.sum(axis=0)}  # (out, in), (out,)
        return Backward(d_y @ self.params["weight"], grads)  # (..., in)
        # sheet: end head_backward


# --------------------------------------------------------------------------- Embedding


class Embedding(Module):
    """Integer tokens (B, T) -> vectors (B, T, E): rows of weight (V, E)."""

    def __init__(self, vocab_size: int, embedding_size: int, *, rng=None, dtype=np.float64):
        vocab_size = check_size("Embedding", "vocab_size", vocab_size)
        embedding_size = check_size("Embedding", "embedding_size", embedding_size)
        self.params = {"weight": as_rng(rng).standard_normal((vocab_size, embedding_size)).astype(dtype)}

    def forward(self, tokens: np.ndarray) -> tuple[np.ndarray, Any]:
        tokens = np.asarray(tokens)
        vocab = self.params["weight"].shape[0]
        if tokens.dtype.kind not in "iu" or (tokens.size and (tokens.min() < 0 or tokens.max() >= vocab)):
            raise LayerUsageError(f"Embedding.forward: tokens must be integers from 0 to {vocab - 1}")
        return self.params["weight"][tokens], tokens  # (B, T, E)

    def backward(self, ctx: Any, d_out: np.ndarray) -> Backward:
        tokens = ctx  # (B, T)
        weight = self.params["weight"]
        d_rows = d_out.reshape(-1, weight.shape[1])  # (B * T, E)
        d_weight = add_rows(tokens.ravel(), d_rows, len(weight)).astype(weight.dtype)  # (V, E): repeats add up
        return Backward(np.zeros((*tokens.shape, 0), weight.dtype), {"weight": d_weight})  # tokens: no gradient


def one_hot(tokens: np.ndarray, size: int, dtype=np.float64) -> np.ndarray:
    """Integer tokens (...) -> one-hot vectors (..., size)."""
    tokens = np.asarray(tokens)
    if tokens.dtype.kind not in "iu" or (tokens.size and (tokens.min() < 0 or tokens.max() >= size)):
        raise LayerUsageError(f"one_hot: tokens must be integers from 0 to {size - 1}")
    return np.eye(size, dtype=dtype)[tokens]


class LastStep(Module):
    """Each sequence's hidden state at its own last step: (B, T, H) -> (B, H).

    ``lengths`` (B,) gives each sequence's length (default: all T), so padded
    batches work: states after a sequence's end never reach the output.
    """

    def __init__(self) -> None:
        self.params = {}

    def forward(self, hs: np.ndarray, lengths: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
        batch, steps = hs.shape[:2]
        if lengths is None:
            index = np.full(batch, steps - 1)
        else:
            lengths = np.asarray(lengths)
            if (
                lengths.shape != (batch,)
                or lengths.dtype.kind not in "iu"
                or lengths.min() < 1
                or lengths.max() > steps
            ):
                raise LayerUsageError(f"LastStep.forward: lengths must be ({batch},) integers from 1 to {steps}")
            index = lengths - 1
        return hs[np.arange(batch), index], (hs.shape, index)

    def backward(self, ctx: Any, d_last: np.ndarray) -> Backward:
        shape, index = ctx
        d_hs = np.zeros(shape, d_last.dtype)  # (B, T, H)
        d_hs[np.arange(shape[0]), index] = d_last  # (B, H) into each sequence's last step
        return Backward(d_hs, {})


def reversed_within(tokens: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each row's first ``lengths[b]`` tokens in reverse order, the padding after them left in place: (B, T)."""
    steps = tokens.shape[1]
    position = np.arange(steps)[None, :]  # (1, T)
    source = lengths[:, None] - 1 - position  # (B, T): step t reads step length - 1 - t ...
    source = np.where(source >= 0, source, position)  # ... and a padding step reads itself
    return np.take_along_axis(tokens, source, axis=1)


class Dropout(Module):
    """Inverted dropout: during training each value is kept with probability 1 - rate and scaled by 1 / (1 - rate).

    ``forward(x, rng)`` draws the mask from ``rng``; without a generator (evaluation) it is the identity.
    The ctx is the mask (scaled, the same shape as x) or None, so a test can apply the very same mask elsewhere.
    """

    def __init__(self, rate: float):
        if not 0.0 <= rate < 1.0:
            raise LayerUsageError(f"Dropout: rate must be in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.params = {}

    def forward(self, x: np.ndarray, rng: np.random.Generator | None = None) -> tuple[np.ndarray, Any]:
        if rng is None or not self.rate:
            return x, None
        mask = (rng.random(x.shape) >= self.rate).astype(x.dtype) / x.dtype.type(1.0 - self.rate)
        return x * mask, mask

    def backward(self, ctx: Any, d_out: np.ndarray) -> Backward:
        return Backward(d_out if ctx is None else d_out * ctx, {})


def sub_parameters(named: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The parameters of one part of a model, e.g. ``sub_parameters(model.named_parameters(), "rnn")``."""
    return dict(submodule_items(prefix, named))
