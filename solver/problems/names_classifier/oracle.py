"""The surname classifier in torch (float64), for the oracle check: logits, loss and every gradient.

The recurrent layers are ``torch.nn.LSTM``/``torch.nn.RNN`` with our weights
copied in (:mod:`solver.recurrent.oracle`), so torch's own implementation is
what our hand-written forward and backward passes are compared with; the
embedding, the pick of each name's last state, the linear head and the
(class-weighted) cross-entropy are torch operations too. Gradients come back
in our parameter names and layouts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.checks import import_torch
from ...nn import LSTM, SequenceClassifier
from ..rnn_lstm.study import oracle as recurrent_oracle


@dataclass(frozen=True)
class TorchResult:
    logits: np.ndarray  # (B, C)
    loss: float
    grads: dict[str, np.ndarray]  # our parameter names and layouts


def _from_torch_gates(torch_layout: np.ndarray) -> np.ndarray:
    """torch's (4H, ...) blocks i, f, g, o -> our (..., 4H) blocks f, i, o, g (inverse of ``to_torch_gates``)."""
    blocks = np.split(torch_layout.T, 4, axis=-1)  # torch order along the last axis
    ours = [None] * 4
    for torch_block, our_block in enumerate(recurrent_oracle.TORCH_GATE_ORDER):
        ours[our_block] = blocks[torch_block]
    return np.concatenate(ours, axis=-1)


class TorchClassifier:
    """``model``'s weights in torch: the recurrent stack as a torch.nn module, the rest as leaf tensors."""

    def __init__(self, model: SequenceClassifier):
        torch = import_torch()
        params = model.named_parameters()
        self.vocab_size = model.vocab_size
        self.layers = model.rnn.layers
        self.is_lstm = isinstance(self.layers[0], LSTM)
        self.rnn = recurrent_oracle.torch_lstm(self.layers) if self.is_lstm else recurrent_oracle.torch_rnn(self.layers)
        self.leaves = {
            name: torch.tensor(params[name], dtype=torch.float64, requires_grad=True)
            for name in ("embedding.weight", "head.weight", "head.bias")
            if name in params
        }

    def logits(self, tokens: np.ndarray, lengths: np.ndarray):
        torch = import_torch()
        F = torch.nn.functional
        tokens_t = torch.tensor(tokens, dtype=torch.long)
        if "embedding.weight" in self.leaves:
            x = F.embedding(tokens_t, self.leaves["embedding.weight"])  # (B, T, E)
        else:
            x = F.one_hot(tokens_t, self.vocab_size).double()  # (B, T, V)
        hs, _ = self.rnn(x)  # (B, T, H)
        last = hs[torch.arange(len(lengths)), torch.tensor(lengths - 1)]  # (B, H): each name's last letter
        return F.linear(last, self.leaves["head.weight"], self.leaves["head.bias"])  # (B, C)

    def grads(self) -> dict[str, np.ndarray]:
        """After ``backward()``: every gradient under our parameter names, in our layouts."""
        grads = {name: leaf.grad.numpy() for name, leaf in self.leaves.items()}
        for k in range(len(self.layers)):
            weight_ih = getattr(self.rnn, f"weight_ih_l{k}").grad.numpy()
            weight_hh = getattr(self.rnn, f"weight_hh_l{k}").grad.numpy()
            bias = getattr(self.rnn, f"bias_ih_l{k}").grad.numpy()
            if self.is_lstm:
                grads[f"rnn.{k}.U"] = _from_torch_gates(weight_ih)
                grads[f"rnn.{k}.W"] = _from_torch_gates(weight_hh)
                grads[f"rnn.{k}.b"] = _from_torch_gates(bias[:, None])[0]
            else:
                grads[f"rnn.{k}.W_x"], grads[f"rnn.{k}.W_h"], grads[f"rnn.{k}.b"] = weight_ih, weight_hh, bias
        return grads


def classifier(
    model: SequenceClassifier, tokens: np.ndarray, lengths: np.ndarray, labels: np.ndarray, weights: np.ndarray | None
) -> TorchResult:
    """Forward and backward of ``model``'s weights in torch, on one padded batch."""
    torch = import_torch()
    network = TorchClassifier(model)
    logits = network.logits(tokens, lengths)
    class_weight = None if weights is None else torch.tensor(np.asarray(weights), dtype=torch.float64)
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels, dtype=torch.long), weight=class_weight)
    loss.backward()
    return TorchResult(logits.detach().numpy(), float(loss.detach()), network.grads())


def predictions(model: SequenceClassifier, codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """torch's predicted class of every name (forward only)."""
    torch = import_torch()
    with torch.no_grad():
        return TorchClassifier(model).logits(codes, lengths).argmax(dim=1).numpy()
