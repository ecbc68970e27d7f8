"""Recurrent layers with hand-written backward passes: RNN, LSTM and a stack of either.

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

from ..kernel.errors import LayerUsageError
from .core import (
    Backward,
    Module,
    activate,
    as_rng,
    check_array,
    check_nonlinearity,
    check_sequence,
    check_size,
    prefixed,
    sigmoid,
    slope_from_output,
    uniform,
)

LSTM_GATES = ("f", "i", "o", "g")


# --------------------------------------------------------------------------- RNN


class RNN(Module):
    """h_t = sigma(W_h h_{t-1} + W_x x_t + b) for sigma in tanh, relu, identity.

    ``forward(x (B, T, D), h0 (B, H) = zeros)`` returns every hidden state
    (B, T, H); ``backward(ctx, d_hs)`` runs backprop through time.
    """

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", *, rng=None, dtype=np.float64):
        input_size = check_size("RNN", "input_size", input_size)
        hidden_size = check_size("RNN", "hidden_size", hidden_size)
        self.nonlinearity = check_nonlinearity(nonlinearity, "RNN nonlinearity")
        rng, bound = as_rng(rng), 1.0 / np.sqrt(hidden_size)  # torch's default initialisation
        self.params = {
            "W_x": uniform(rng, bound, (hidden_size, input_size), dtype),
            "W_h": uniform(rng, bound, (hidden_size, hidden_size), dtype),
            "b": uniform(rng, bound, (hidden_size,), dtype),
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
        # sheet: begin rnn_forward
        pre_input = x @ W_x.T + b  # (B, T, H): the input part of every step at once
        hs = np.empty((batch, steps, hidden), W_x.dtype)
        W_h_T = W_h.T
        for t in range(steps):
            h = activate(self.nonlinearity, pre_input[:, t] + h @ W_h_T)  # (B, H)
            hs[:, t] = h
        # sheet: end rnn_forward
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
        # sheet: begin rnn_backward
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
        # sheet: end rnn_backward
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
        input_size = check_size("LSTM", "input_size", input_size)
        hidden_size = check_size("LSTM", "hidden_size", hidden_size)
        rng, bound = as_rng(rng), 1.0 / np.sqrt(hidden_size)
        self.params = {
            "U": uniform(rng, bound, (input_size, 4 * hidden_size), dtype),
            "W": uniform(rng, bound, (hidden_size, 4 * hidden_size), dtype),
            "b": uniform(rng, bound, (4 * hidden_size,), dtype),
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
        # sheet: begin lstm_forward
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
        # sheet: end lstm_forward

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
        num_layers = check_size("Stacked.build", "num_layers", num_layers)
        if cell not in ("rnn", "lstm"):
            raise LayerUsageError(f"Stacked.build: unknown cell {cell!r}; expected rnn or lstm")
        rng = as_rng(rng)
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
        # sheet: begin stacked_forward
        contexts = []
        for layer in self.layers:
            x, ctx = layer.forward(x)
            contexts.append(ctx)
        return x, contexts
        # sheet: end stacked_forward

    def backward(self, ctx: Any, d_hs: np.ndarray) -> Backward:
        # sheet: begin stacked_backward
        last = len(self.layers) - 1
        top = self.layers[last].backward(ctx[last], d_hs)
        grads = prefixed(str(last), top.grads)
        d_hs = top.d_input
        for k in range(last - 1, -1, -1):
            result = self.layers[k].backward(ctx[k], d_hs)
            grads.update(prefixed(str(k), result.grads))
            d_hs = result.d_input
        # sheet: end stacked_backward
        grads = {name: grads[name] for name in self.named_parameters()}
        return Backward(d_hs, grads, top.d_hidden, top.d_cell)
