"""torch mirrors of the NumPy layers, for the oracle checks (float64, torch imported lazily).

Two kinds: ``torch.nn.RNN``/``torch.nn.LSTM`` modules with the NumPy weights
copied in (torch's LSTM orders its gates i, f, g, o and has two biases; the
copies map ours, f, i, o, g with one bias, onto that), and plain autograd
unrolls written from the homework's equations, which expose every h_t and
C_t so that their gradients can be read.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ....core.checks import import_torch
from ....nn import LSTM, RNN, Stacked

#: Our gate blocks f, i, o, g sit at these positions of torch's i, f, g, o.
TORCH_GATE_ORDER = (1, 0, 3, 2)  # torch block k holds our block TORCH_GATE_ORDER[k]


def to_torch_gates(fused: np.ndarray) -> np.ndarray:
    """Our fused (..., 4H) blocks f, i, o, g -> torch's (4H, ...) blocks i, f, g, o (transposed)."""
    blocks = np.split(fused, 4, axis=-1)
    return np.concatenate([blocks[k] for k in TORCH_GATE_ORDER], axis=-1).T


def torch_rnn(layers: list[RNN]) -> Any:
    """A ``torch.nn.RNN`` (batch_first, float64) with the given layers' weights."""
    torch = import_torch()
    first = layers[0]
    module = torch.nn.RNN(
        first.input_size, first.hidden_size, num_layers=len(layers), nonlinearity=first.nonlinearity, batch_first=True
    ).double()
    with torch.no_grad():
        for k, layer in enumerate(layers):
            getattr(module, f"weight_ih_l{k}").copy_(torch.from_numpy(layer.params["W_x"]))
            getattr(module, f"weight_hh_l{k}").copy_(torch.from_numpy(layer.params["W_h"]))
            getattr(module, f"bias_ih_l{k}").copy_(torch.from_numpy(layer.params["b"]))
            getattr(module, f"bias_hh_l{k}").zero_()
    return module


def torch_lstm(layers: list[LSTM]) -> Any:
    """A ``torch.nn.LSTM`` (batch_first, float64) with the given layers' weights, gates mapped."""
    torch = import_torch()
    first = layers[0]
    module = torch.nn.LSTM(first.input_size, first.hidden_size, num_layers=len(layers), batch_first=True).double()
    with torch.no_grad():
        for k, layer in enumerate(layers):
            getattr(module, f"weight_ih_l{k}").copy_(torch.from_numpy(to_torch_gates(layer.params["U"])))
            getattr(module, f"weight_hh_l{k}").copy_(torch.from_numpy(to_torch_gates(layer.params["W"])))
            getattr(module, f"bias_ih_l{k}").copy_(torch.from_numpy(to_torch_gates(layer.params["b"][None])[:, 0]))
            getattr(module, f"bias_hh_l{k}").zero_()
    return module


def leaves(params: dict[str, np.ndarray]) -> dict[str, Any]:
    torch = import_torch()
    return {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in params.items()}


def unroll_rnn(p: dict[str, Any], x: Any, nonlinearity: str) -> list[Any]:
    """h_t = sigma(W_h h_{t-1} + W_x x_t + b) in row form; returns [h_1, ..., h_T], each retaining its grad."""
    torch = import_torch()
    sigma = {"tanh": torch.tanh, "relu": torch.relu, "identity": lambda a: a}[nonlinearity]
    h = torch.zeros(x.shape[0], p["W_h"].shape[0], dtype=torch.float64)
    hs = []
    for t in range(x.shape[1]):
        h = sigma(x[:, t] @ p["W_x"].T + h @ p["W_h"].T + p["b"])
        if h.requires_grad:
            h.retain_grad()
        hs.append(h)
    return hs


def unroll_lstm(p: dict[str, Any], x: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """The homework's LSTM equations; returns ([h_t], [C_t], [f_t]), h_t and C_t retaining grads."""
    torch = import_torch()
    hidden = p["W"].shape[0]
    h = torch.zeros(x.shape[0], hidden, dtype=torch.float64)
    c = torch.zeros_like(h)
    hs, cs, forgets = [], [], []
    for t in range(x.shape[1]):
        z = x[:, t] @ p["U"] + h @ p["W"] + p["b"]
        f, i, o = (torch.sigmoid(z[:, k * hidden : (k + 1) * hidden]) for k in range(3))
        g = torch.tanh(z[:, 3 * hidden :])
        c = f * c + i * g
        h = torch.tanh(c) * o
        if h.requires_grad:
            c.retain_grad()
            h.retain_grad()
        hs.append(h)
        cs.append(c)
        forgets.append(f)
    return hs, cs, forgets


def stack_outputs(stack: Stacked, x: np.ndarray) -> tuple[np.ndarray, str]:
    """The top layer's hidden states (B, T, H) from torch, and which torch route computed them.

    ``torch.nn.RNN``/``torch.nn.LSTM`` with copied weights where torch has the layer; torch has no
    identity RNN, so that one is unrolled with autograd's operations instead.
    """
    torch = import_torch()
    layers = stack.layers
    inputs = torch.tensor(x, dtype=torch.float64)
    with torch.no_grad():
        if isinstance(layers[0], LSTM):
            return torch_lstm(layers)(inputs)[0].numpy(), "torch.nn.LSTM"
        if layers[0].nonlinearity != "identity":
            return torch_rnn(layers)(inputs)[0].numpy(), "torch.nn.RNN"
        for layer in layers:
            inputs = torch.stack(unroll_rnn(leaves(layer.params), inputs, layer.nonlinearity), 1)
        return inputs.numpy(), "torch unrolled"
