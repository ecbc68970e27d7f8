"""Layers with hand-written backward passes: Linear, Embedding, RNN, LSTM, a stack of either, LastStep.

Batches are rows: a sequence batch is (B, T, D), a hidden state (B, H). The
RNN keeps the homework's column-vector weights (h_t = sigma(W_h h_{t-1} +
W_x x_t + b), so W_h is (H, H) and W_x is (H, D), the layout of torch's
``weight_hh``/``weight_ih``); the LSTM keeps the homework's row-vector
convention (x_t U + h_{t-1} W + b), with the four gates side by side in the
order f, i, o, g.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core.errors import LayerUsageError
from .core import (
    Backward,
    Module,
    activate,
    check_array,
    check_nonlinearity,
    check_sequence,
    prefixed,
    sigmoid,
    slope_from_output,
    submodule_items,
)

LSTM_GATES = ("f", "i", "o", "g")


def _size(where: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise LayerUsageError(f"{where}: {name} must be an integer >= 1, got {value!r}")
    return int(value)


def _uniform(rng: np.random.Generator, bound: float, shape: tuple, dtype) -> np.ndarray:
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


# --------------------------------------------------------------------------- Linear


class Linear(Module):
    """y = x W^T + b over the last axis: weight (out, in), bias (out,)."""

    def __init__(self, in_features: int, out_features: int, *, rng=None, dtype=np.float64):
        in_features = _size("Linear", "in_features", in_features)
        out_features = _size("Linear", "out_features", out_features)
        rng, bound = _rng(rng), 1.0 / np.sqrt(in_features)
        self.params = {
            "weight": _uniform(rng, bound, (out_features, in_features), dtype),
            "bias": _uniform(rng, bound, (out_features,), dtype),
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
        return x @ weight.T + self.params["bias"], x

    def backward(self, ctx: Any, d_y: np.ndarray) -> Backward:
        x = ctx  # (..., in)
        flat_x = x.reshape(-1, self.in_features)  # (N, in)
        flat_dy = d_y.reshape(-1, self.out_features)  # (N, out)
        grads = {"weight": flat_dy.T @ flat_x, "bias": flat_dy.sum(axis=0)}  # (out, in), (out,)
        return Backward(d_y @ self.params["weight"], grads)  # (..., in)


# --------------------------------------------------------------------------- Embedding


class Embedding(Module):
    """Integer tokens (B, T) -> vectors (B, T, E): rows of weight (V, E)."""

    def __init__(self, vocab_size: int, embedding_size: int, *, rng=None, dtype=np.float64):
        vocab_size = _size("Embedding", "vocab_size", vocab_size)
        embedding_size = _size("Embedding", "embedding_size", embedding_size)
        self.params = {"weight": _rng(rng).standard_normal((vocab_size, embedding_size)).astype(dtype)}

    def forward(self, tokens: np.ndarray) -> tuple[np.ndarray, Any]:
        tokens = np.asarray(tokens)
        vocab = self.params["weight"].shape[0]
        if tokens.dtype.kind not in "iu" or (tokens.size and (tokens.min() < 0 or tokens.max() >= vocab)):
            raise LayerUsageError(f"Embedding.forward: tokens must be integers from 0 to {vocab - 1}")
        return self.params["weight"][tokens], tokens  # (B, T, E)

    def backward(self, ctx: Any, d_out: np.ndarray) -> Backward:
        tokens = ctx  # (B, T)
        weight = self.params["weight"]
        d_weight = np.zeros_like(weight)  # (V, E)
        np.add.at(d_weight, tokens.ravel(), d_out.reshape(-1, weight.shape[1]))  # repeated tokens add up
        return Backward(np.zeros((*tokens.shape, 0), weight.dtype), {"weight": d_weight})  # tokens: no gradient


def one_hot(tokens: np.ndarray, size: int, dtype=np.float64) -> np.ndarray:
    """Integer tokens (...) -> one-hot vectors (..., size)."""
    tokens = np.asarray(tokens)
    if tokens.dtype.kind not in "iu" or (tokens.size and (tokens.min() < 0 or tokens.max() >= size)):
        raise LayerUsageError(f"one_hot: tokens must be integers from 0 to {size - 1}")
    return np.eye(size, dtype=dtype)[tokens]


# --------------------------------------------------------------------------- RNN


class RNN(Module):
    """h_t = sigma(W_h h_{t-1} + W_x x_t + b) for sigma in tanh, relu, identity.

    ``forward(x (B, T, D), h0 (B, H) = zeros)`` returns every hidden state
    (B, T, H); ``backward(ctx, d_hs)`` runs backprop through time.
    """

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", *, rng=None, dtype=np.float64):
        input_size = _size("RNN", "input_size", input_size)
        hidden_size = _size("RNN", "hidden_size", hidden_size)
        self.nonlinearity = check_nonlinearity(nonlinearity, "RNN nonlinearity")
        rng, bound = _rng(rng), 1.0 / np.sqrt(hidden_size)  # torch's default initialisation
        self.params = {
            "W_x": _uniform(rng, bound, (hidden_size, input_size), dtype),
            "W_h": _uniform(rng, bound, (hidden_size, hidden_size), dtype),
            "b": _uniform(rng, bound, (hidden_size,), dtype),
        }

    @classmethod
    def from_weights(cls, W_x, W_h, b, nonlinearity: str = "tanh", *, dtype=np.float64) -> RNN:
        where = "RNN.from_weights"
        W_x = check_array(where, "W_x", W_x, ("H", "D"), dtype=dtype)
        hidden = W_x.shape[0]
        layer = cls.__new__(cls)
        layer.nonlinearity = check_nonlinearity(nonlinearity, "RNN nonlinearity")
        layer.params = {
            "W_x": W_x.copy(),
            "W_h": check_array(where, "W_h", W_h, (hidden, hidden), dtype=dtype).copy(),
            "b": check_array(where, "b", b, (hidden,), dtype=dtype).copy(),
        }
        return layer

    @property
    def input_size(self) -> int:
        return self.params["W_x"].shape[1]

    @property
    def hidden_size(self) -> int:
        return self.params["W_x"].shape[0]

    def forward(self, x: np.ndarray, h0: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
        where = "RNN.forward"
        W_x, W_h, b = self.params["W_x"], self.params["W_h"], self.params["b"]
        x = check_sequence(where, x, self.input_size, W_x.dtype)
        batch, steps, _ = x.shape
        hidden = self.hidden_size
        h = (
            np.zeros((batch, hidden), W_x.dtype)
            if h0 is None
            else check_array(where, "h0", h0, (batch, hidden), dtype=W_x.dtype)
        )
        h0 = h
        pre_input = x @ W_x.T + b  # (B, T, H): the input part of every step at once
        hs = np.empty((batch, steps, hidden), W_x.dtype)
        W_h_T = W_h.T
        for t in range(steps):
            h = activate(self.nonlinearity, pre_input[:, t] + h @ W_h_T)  # (B, H)
            hs[:, t] = h
        return hs, (x, h0, hs)

    def backward(self, ctx: Any, d_hs: np.ndarray) -> Backward:
        x, h0, hs = ctx  # (B, T, D), (B, H), (B, T, H)
        batch, steps, hidden = hs.shape
        d_hs = check_array("RNN.backward", "d_hs", d_hs, hs.shape, dtype=hs.dtype)
        W_h = self.params["W_h"]  # (H, H)
        slope = slope_from_output(self.nonlinearity)
        d_pre = np.empty_like(hs)  # (B, T, H): dL/d(pre-activation a_t)
        d_hidden = np.empty_like(hs)  # (B, T, H): total dL/dh_t
        from_later = np.zeros((batch, hidden), hs.dtype)  # (B, H): dL/dh_t through step t+1
        for t in range(steps - 1, -1, -1):
            d_h = d_hs[:, t] + from_later  # (B, H)
            d_hidden[:, t] = d_h  # (B, H)
            d_pre[:, t] = d_h * slope(hs[:, t])  # (B, H)
            from_later = d_pre[:, t] @ W_h  # (B, H): a_t = h_{t-1} W_h^T + ...
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # (B, T, H)
        flat_d_pre = d_pre.reshape(-1, hidden)  # (B*T, H)
        grads = {
            "W_x": flat_d_pre.T @ x.reshape(-1, x.shape[2]),  # (H, D)
            "W_h": flat_d_pre.T @ h_prev.reshape(-1, hidden),  # (H, H)
            "b": flat_d_pre.sum(axis=0),  # (H,)
        }
        d_x = d_pre @ self.params["W_x"]  # (B, T, D)
        return Backward(d_x, grads, d_hidden, None, (from_later,))  # from_later is now dL/dh_0


# --------------------------------------------------------------------------- LSTM


class LSTM(Module):
    """The homework's LSTM, rows as examples:

        f_t = sigmoid(x_t U^f + h_{t-1} W^f + b^f)      (likewise i_t, o_t)
        C~_t = tanh(x_t U^g + h_{t-1} W^g + b^g)
        C_t = f_t * C_{t-1} + i_t * C~_t,   h_t = tanh(C_t) * o_t

    Parameters: U (D, 4H), W (H, 4H), b (4H,), gate blocks in the order f, i, o, g.
    ``forward(x, (h0, c0))`` returns every h_t (B, T, H); the cell states are in ctx.
    """

    def __init__(self, input_size: int, hidden_size: int, *, rng=None, dtype=np.float64):
        input_size = _size("LSTM", "input_size", input_size)
        hidden_size = _size("LSTM", "hidden_size", hidden_size)
        rng, bound = _rng(rng), 1.0 / np.sqrt(hidden_size)
        self.params = {
            "U": _uniform(rng, bound, (input_size, 4 * hidden_size), dtype),
            "W": _uniform(rng, bound, (hidden_size, 4 * hidden_size), dtype),
            "b": _uniform(rng, bound, (4 * hidden_size,), dtype),
        }

    @classmethod
    def from_weights(cls, U, W, b, *, dtype=np.float64) -> LSTM:
        """From fused U (D, 4H), W (H, 4H), b (4H,) with gate blocks f, i, o, g."""
        where = "LSTM.from_weights"
        W = check_array(where, "W", W, ("H", "4H"), dtype=dtype)
        hidden = W.shape[0]
        if W.shape[1] != 4 * hidden:
            raise LayerUsageError(f"{where}: W has shape {W.shape}, expected (H, 4H) = ({hidden}, {4 * hidden})")
        layer = cls.__new__(cls)
        layer.params = {
            "U": check_array(where, "U", U, ("D", 4 * hidden), dtype=dtype).copy(),
            "W": W.copy(),
            "b": check_array(where, "b", b, (4 * hidden,), dtype=dtype).copy(),
        }
        return layer

    @property
    def input_size(self) -> int:
        return self.params["U"].shape[0]

    @property
    def hidden_size(self) -> int:
        return self.params["W"].shape[0]

    def gate(self, name: str, which: str) -> np.ndarray:
        """One gate's block of parameter ``name`` ("U", "W" or "b"), gate in f, i, o, g."""
        k, hidden = LSTM_GATES.index(which), self.hidden_size
        return self.params[name][..., k * hidden : (k + 1) * hidden]

    def forward(self, x: np.ndarray, initial: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, Any]:
        where = "LSTM.forward"
        U, W, b = self.params["U"], self.params["W"], self.params["b"]
        x = check_sequence(where, x, self.input_size, U.dtype)
        batch, steps, _ = x.shape
        hidden = self.hidden_size
        if initial is None:
            h = np.zeros((batch, hidden), U.dtype)
            c = np.zeros((batch, hidden), U.dtype)
        else:
            h = check_array(where, "h0", initial[0], (batch, hidden), dtype=U.dtype)
            c = check_array(where, "c0", initial[1], (batch, hidden), dtype=U.dtype)
        h0, c0 = h, c
        pre_input = x @ U + b  # (B, T, 4H)
        gates = np.empty((batch, steps, 4 * hidden), U.dtype)  # f, i, o after sigmoid; g after tanh
        cs = np.empty((batch, steps, hidden), U.dtype)
        tanh_cs = np.empty_like(cs)
        hs = np.empty_like(cs)
        three = 3 * hidden
        for t in range(steps):
            z = pre_input[:, t] + h @ W  # (B, 4H)
            gate = gates[:, t]
            gate[:, :three] = sigmoid(z[:, :three])
            gate[:, three:] = np.tanh(z[:, three:])
            f, i, o, g = np.split(gate, 4, axis=1)
            c = f * c + i * g  # (B, H)
            cs[:, t] = c
            tanh_cs[:, t] = np.tanh(c)
            h = tanh_cs[:, t] * o
            hs[:, t] = h
        return hs, (x, h0, c0, gates, cs, tanh_cs, hs)

    def backward(self, ctx: Any, d_hs: np.ndarray) -> Backward:
        x, h0, c0, gates, cs, tanh_cs, hs = ctx  # (B,T,D), (B,H), (B,H), (B,T,4H), (B,T,H) x3
        batch, steps, hidden = hs.shape
        d_hs = check_array("LSTM.backward", "d_hs", d_hs, hs.shape, dtype=hs.dtype)
        W = self.params["W"]  # (H, 4H)
        d_z = np.empty_like(gates)  # (B, T, 4H): dL/d(gate pre-activations)
        d_hidden = np.empty_like(hs)  # (B, T, H): total dL/dh_t
        d_cell = np.empty_like(hs)  # (B, T, H): total dL/dC_t
        h_from_later = np.zeros((batch, hidden), hs.dtype)  # (B, H): through the gates of step t+1
        c_from_later = np.zeros((batch, hidden), hs.dtype)  # (B, H): through C_{t+1} = f_{t+1} C_t + ...
        for t in range(steps - 1, -1, -1):
            f, i, o, g = np.split(gates[:, t], 4, axis=1)  # (B, H) each
            c_prev = cs[:, t - 1] if t else c0  # (B, H)
            d_h = d_hs[:, t] + h_from_later  # (B, H)
            d_c = c_from_later + d_h * o * (1.0 - tanh_cs[:, t] ** 2)  # (B, H)
            d_hidden[:, t], d_cell[:, t] = d_h, d_c  # (B, H) each
            step = d_z[:, t]  # (B, 4H)
            step[:, :hidden] = d_c * c_prev * f * (1.0 - f)  # (B, H): f
            step[:, hidden : 2 * hidden] = d_c * g * i * (1.0 - i)  # (B, H): i
            step[:, 2 * hidden : 3 * hidden] = d_h * tanh_cs[:, t] * o * (1.0 - o)  # (B, H): o
            step[:, 3 * hidden :] = d_c * i * (1.0 - g * g)  # (B, H): g
            c_from_later = d_c * f  # (B, H): the direct path to C_{t-1}
            h_from_later = step @ W.T  # (B, H)
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # (B, T, H)
        flat_d_z = d_z.reshape(-1, 4 * hidden)  # (B*T, 4H)
        grads = {
            "U": x.reshape(-1, x.shape[2]).T @ flat_d_z,  # (D, 4H)
            "W": h_prev.reshape(-1, hidden).T @ flat_d_z,  # (H, 4H)
            "b": flat_d_z.sum(axis=0),  # (4H,)
        }
        d_x = d_z @ self.params["U"].T  # (B, T, D)
        return Backward(d_x, grads, d_hidden, d_cell, (h_from_later, c_from_later))


# --------------------------------------------------------------------------- stacks


class Stacked(Module):
    """Recurrent layers on top of each other: layer k's hidden states are layer k+1's inputs.

    Parameters are named ``"<k>.<name>"``; ``backward`` gives ``d_hidden`` and
    ``d_cell`` of the top layer.
    """

    def __init__(self, layers: Sequence[RNN | LSTM]):
        if not layers:
            raise LayerUsageError("Stacked: needs at least one layer")
        for below, above in zip(layers, layers[1:], strict=False):
            if above.input_size != below.hidden_size:
                raise LayerUsageError(
                    f"Stacked: layer input_size {above.input_size} does not match the hidden_size {below.hidden_size} below it"
                )
        self.layers = list(layers)

    @classmethod
    def build(
        cls,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        cell: str = "rnn",
        nonlinearity: str = "tanh",
        *,
        rng=None,
        dtype=np.float64,
    ) -> Stacked:
        """``num_layers`` RNN (``cell="rnn"``) or LSTM layers of width ``hidden_size``."""
        num_layers = _size("Stacked.build", "num_layers", num_layers)
        if cell not in ("rnn", "lstm"):
            raise LayerUsageError(f"Stacked.build: unknown cell {cell!r}; expected rnn or lstm")
        rng = _rng(rng)
        sizes = [input_size] + [hidden_size] * (num_layers - 1)
        if cell == "rnn":
            return cls([RNN(size, hidden_size, nonlinearity, rng=rng, dtype=dtype) for size in sizes])
        return cls([LSTM(size, hidden_size, rng=rng, dtype=dtype) for size in sizes])

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    @property
    def hidden_size(self) -> int:
        return self.layers[-1].hidden_size

    def named_parameters(self) -> dict[str, np.ndarray]:
        named: dict[str, np.ndarray] = {}
        for k, layer in enumerate(self.layers):
            named.update(prefixed(str(k), layer.named_parameters()))
        return named

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Any]:
        contexts = []
        for layer in self.layers:
            x, ctx = layer.forward(x)
            contexts.append(ctx)
        return x, contexts

    def backward(self, ctx: Any, d_hs: np.ndarray) -> Backward:
        last = len(self.layers) - 1
        top = self.layers[last].backward(ctx[last], d_hs)
        grads = prefixed(str(last), top.grads)
        d_hs = top.d_input
        for k in range(last - 1, -1, -1):
            result = self.layers[k].backward(ctx[k], d_hs)
            grads.update(prefixed(str(k), result.grads))
            d_hs = result.d_input
        grads = {name: grads[name] for name in self.named_parameters()}
        return Backward(d_hs, grads, top.d_hidden, top.d_cell)


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


def sub_parameters(named: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The parameters of one part of a model, e.g. ``sub_parameters(model.named_parameters(), "rnn")``."""
    return dict(submodule_items(prefix, named))
