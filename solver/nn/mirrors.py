"""torch mirrors of the NumPy layers and models, for the oracle checks (float64, torch imported lazily).

Two kinds: ``torch.nn.RNN``/``torch.nn.LSTM`` modules with the NumPy weights
copied in (torch's LSTM orders its gates i, f, g, o and has two biases; the
copies map ours, f, i, o, g with one bias, onto that), and plain autograd
unrolls written from the homework's equations, which expose every h_t and
C_t so that their gradients can be read.

:class:`TorchClassifier` is :class:`solver.nn.SequenceClassifier` in torch: the
recurrent stack as a ``torch.nn`` module (so torch's own implementation is what
the hand-written passes are compared with), the embedding, the pick of each
name's last state, the linear head and the (class-weighted) cross-entropy as
torch operations. Its gradients come back in our parameter names and layouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..kernel.checks import import_torch
from .models import SequenceClassifier
from .ngrams import NgramVocabulary
from .recurrent import LSTM, RNN, Stacked

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
    lstms, rnns = _cells(stack.layers)
    inputs = torch.tensor(x, dtype=torch.float64)
    with torch.no_grad():
        if lstms:
            return torch_lstm(lstms)(inputs)[0].numpy(), "torch.nn.LSTM"
        if rnns[0].nonlinearity != "identity":
            return torch_rnn(rnns)(inputs)[0].numpy(), "torch.nn.RNN"
        for layer in rnns:
            inputs = torch.stack(unroll_rnn(leaves(layer.params), inputs, layer.nonlinearity), 1)
        return inputs.numpy(), "torch unrolled"


def _cells(layers: Sequence[RNN | LSTM]) -> tuple[list[LSTM], list[RNN]]:
    """A stack's layers as (LSTMs, RNNs): one of the two lists is empty, stacks have one kind of cell."""
    return [layer for layer in layers if isinstance(layer, LSTM)], [layer for layer in layers if isinstance(layer, RNN)]


# --------------------------------------------------------------------------- the sequence classifier


@dataclass(frozen=True)
class TorchResult:
    logits: np.ndarray  # (B, C)
    loss: float
    grads: dict[str, np.ndarray]  # our parameter names and layouts


def _from_torch_gates(torch_layout: np.ndarray) -> np.ndarray:
    """torch's (4H, ...) blocks i, f, g, o -> our (..., 4H) blocks f, i, o, g (inverse of ``to_torch_gates``)."""
    blocks = np.split(torch_layout.T, 4, axis=-1)  # torch order along the last axis
    # Our block k sits at torch's position TORCH_GATE_ORDER.index(k).
    return np.concatenate([blocks[TORCH_GATE_ORDER.index(k)] for k in range(4)], axis=-1)


class TorchClassifier:
    """``model``'s weights in torch: the recurrent stacks as torch.nn modules, the rest as leaf tensors.

    A reverse stack reads each name flipped by torch (``torch.flip`` of its own letters, row by
    row), not by the NumPy model's index arithmetic; a dropout mask is taken as given (the mask
    is random, what is checked is how it scales the features and their gradients).
    """

    def __init__(self, model: SequenceClassifier):
        torch = import_torch()
        params = model.named_parameters()
        self.vocab_size = model.vocab_size
        self.stacks = {"rnn": model.rnn.layers}
        if model.reverse is not None:
            self.stacks["reverse"] = model.reverse.layers
        self.modules = {prefix: _torch_stack(layers) for prefix, layers in self.stacks.items()}
        self.rnn = self.modules["rnn"]
        self.vocabulary = model.vocabulary
        self.leaves: dict[str, Any] = {
            name: torch.tensor(params[name], dtype=torch.float64, requires_grad=True)
            for name in ("embedding.weight", "ngrams.weight", "head.weight", "head.bias")
            if name in params
        }

    def _inputs(self, tokens_t):
        torch = import_torch()
        if "embedding.weight" in self.leaves:
            return torch.nn.functional.embedding(tokens_t, self.leaves["embedding.weight"])  # (B, T, E)
        return torch.nn.functional.one_hot(tokens_t, self.vocab_size).double()  # (B, T, V)

    def logits(self, tokens: np.ndarray, lengths: np.ndarray, mask: np.ndarray | None = None):
        torch = import_torch()
        F = torch.nn.functional
        tokens_t = torch.tensor(tokens, dtype=torch.long)
        rows = torch.arange(len(lengths))
        hs, _ = self.modules["rnn"](self._inputs(tokens_t))  # (B, T, H)
        features = hs[rows, torch.tensor(lengths - 1)]  # (B, H): each name's last letter
        if "reverse" in self.modules:
            flipped = tokens_t.clone()
            for row, length in enumerate(lengths.tolist()):
                flipped[row, :length] = torch.flip(tokens_t[row, :length], dims=(0,))
            back, _ = self.modules["reverse"](self._inputs(flipped))  # (B, T, H)
            features = torch.cat([features, back[rows, torch.tensor(lengths - 1)]], dim=1)  # (B, 2H)
        if self.vocabulary is not None:
            # torch's embedding_bag averages each name's known n-grams (the ids are the vocabulary's lookup)
            flat, offsets = bag_inputs(self.vocabulary, tokens, lengths)
            bag = F.embedding_bag(flat, self.leaves["ngrams.weight"], offsets, mode="mean")  # (B, N)
            features = torch.cat([features, bag], dim=1)  # (B, 2H + N)
        if mask is not None:
            features = features * torch.tensor(mask, dtype=torch.float64)
        return F.linear(features, self.leaves["head.weight"], self.leaves["head.bias"])  # (B, C)

    def grads(self) -> dict[str, np.ndarray]:
        """After ``backward()``: every gradient under our parameter names, in our layouts."""
        grads: dict[str, np.ndarray] = {name: leaf.grad.numpy() for name, leaf in self.leaves.items()}
        for prefix, layers in self.stacks.items():
            module = self.modules[prefix]
            for k, layer in enumerate(layers):
                weight_ih = getattr(module, f"weight_ih_l{k}").grad.numpy()
                weight_hh = getattr(module, f"weight_hh_l{k}").grad.numpy()
                bias = getattr(module, f"bias_ih_l{k}").grad.numpy()
                if isinstance(layer, LSTM):
                    grads[f"{prefix}.{k}.U"] = _from_torch_gates(weight_ih)
                    grads[f"{prefix}.{k}.W"] = _from_torch_gates(weight_hh)
                    grads[f"{prefix}.{k}.b"] = _from_torch_gates(bias[:, None])[0]
                else:
                    grads[f"{prefix}.{k}.W_x"], grads[f"{prefix}.{k}.W_h"] = weight_ih, weight_hh
                    grads[f"{prefix}.{k}.b"] = bias
        return grads


def _torch_stack(layers: Sequence[RNN | LSTM]) -> Any:
    lstms, rnns = _cells(layers)
    return torch_lstm(lstms) if lstms else torch_rnn(rnns)


def classifier(
    model: SequenceClassifier,
    tokens: np.ndarray,
    lengths: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray | None,
    label_smoothing: float = 0.0,
    mask: np.ndarray | None = None,
) -> TorchResult:
    """Forward and backward of ``model``'s weights in torch, on one padded batch (``mask``: a dropout mask)."""
    torch = import_torch()
    network = TorchClassifier(model)
    logits = network.logits(tokens, lengths, mask)
    class_weight = None if weights is None else torch.tensor(np.asarray(weights), dtype=torch.float64)
    loss = torch.nn.functional.cross_entropy(
        logits, torch.tensor(labels, dtype=torch.long), weight=class_weight, label_smoothing=label_smoothing
    )
    loss.backward()
    return TorchResult(logits.detach().numpy(), float(loss.detach()), network.grads())


def predictions(models: Sequence[SequenceClassifier], codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """torch's predicted class of every name: the largest mean softmax over ``models`` (forward only)."""
    torch = import_torch()
    with torch.no_grad():
        chances = sum(torch.softmax(TorchClassifier(model).logits(codes, lengths), dim=1) for model in models)
        return chances.argmax(dim=1).numpy()


def bag_inputs(vocabulary: NgramVocabulary, tokens: np.ndarray, lengths: np.ndarray) -> tuple[Any, Any]:
    """A batch's known n-gram ids, flat, and where each name's start: the inputs of torch's ``embedding_bag``."""
    torch = import_torch()
    ids = vocabulary.ids(tokens, lengths)  # (B, G), -1 where none
    known = [row[row >= 0] for row in ids]
    offsets = np.cumsum([0] + [len(row) for row in known[:-1]])
    return torch.tensor(np.concatenate(known), dtype=torch.long), torch.tensor(offsets)
