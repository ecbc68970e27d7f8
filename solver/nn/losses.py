"""Losses with their backward: mean squared error (every step or the last one) and softmax cross-entropy."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernel.errors import LayerUsageError


class MSELoss:
    """Mean squared error of predictions (B, T, O) against targets of the same shape.

    ``last_only=False`` averages over every step (the homework's Task 1);
    ``last_only=True`` scores the last step alone (Task 2).
    """

    def __init__(self, last_only: bool = False):
        self.last_only = bool(last_only)

    def forward(self, predictions: np.ndarray, targets: np.ndarray) -> tuple[float, Any]:
        predictions = np.asarray(predictions)
        targets = np.asarray(targets, dtype=predictions.dtype)
        if predictions.ndim != 3 or targets.shape != predictions.shape:
            raise LayerUsageError(
                f"MSELoss.forward: predictions {predictions.shape} and targets {targets.shape} must both be (B, T, O)"
            )
        # sheet: begin mse_forward
        error = predictions - targets  # (B, T, O)
        if self.last_only:
            error = error[:, -1:]  # (B, 1, O)
        return float(np.mean(error * error)), (predictions.shape, error)
        # sheet: end mse_forward

    def backward(self, ctx: Any, d_loss: float = 1.0) -> np.ndarray:
        shape, error = ctx
        # sheet: begin mse_backward
        d_predictions = np.zeros(shape, error.dtype)  # (B, T, O)
        scored = d_predictions[:, -1:] if self.last_only else d_predictions  # (B, 1 or T, O), a view
        scored[...] = (2.0 * d_loss / error.size) * error  # (B, 1 or T, O)
        return d_predictions
        # sheet: end mse_backward


class SoftmaxCrossEntropy:
    """Mean of -log softmax(logits)[label] over a batch: logits (B, C), labels (B,) integers.

    ``weights`` (C,) optionally weighs each class (the mean is then weighted, as in torch).
    ``label_smoothing`` = eps mixes the one-hot target with the uniform distribution, as
    ``torch.nn.functional.cross_entropy`` does: (1 - eps) times the loss above plus eps / C times
    -sum_c w_c log p_c, both divided by the batch's sum of w[label].
    ``forward`` also returns the probabilities in the ctx (``ctx[0]``).
    """

    def __init__(self, weights: np.ndarray | None = None, label_smoothing: float = 0.0):
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        if not 0.0 <= label_smoothing < 1.0:
            raise LayerUsageError(f"SoftmaxCrossEntropy: label_smoothing must be in [0, 1), got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> tuple[float, Any]:
        logits = np.asarray(logits)
        labels = np.asarray(labels)
        if logits.ndim != 2 or labels.shape != logits.shape[:1] or labels.dtype.kind not in "iu":
            raise LayerUsageError(
                f"SoftmaxCrossEntropy.forward: logits {logits.shape} must be (B, C), labels {labels.shape} (B,) integers"
            )
        if labels.size and (labels.min() < 0 or labels.max() >= logits.shape[1]):
            raise LayerUsageError(f"SoftmaxCrossEntropy.forward: labels must be from 0 to {logits.shape[1] - 1}")
        classes = logits.shape[1]
        shifted = logits - logits.max(axis=1, keepdims=True)  # (B, C): no overflow in exp
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (B, C)
        picked = log_probs[np.arange(len(labels)), labels]  # (B,)
        class_weight = np.ones(classes) if self.weights is None else self.weights  # (C,)
        weight = class_weight[labels]  # (B,)
        eps = self.label_smoothing
        loss = -(1.0 - eps) * (weight * picked).sum()
        if eps:
            loss -= eps / classes * (log_probs @ class_weight).sum()  # the uniform part of the target
        return float(loss / weight.sum()), (np.exp(log_probs), labels, weight, class_weight)

    def backward(self, ctx: Any, d_loss: float = 1.0) -> np.ndarray:
        probs, labels, weight, class_weight = ctx  # (B, C), (B,), (B,), (C,)
        eps, classes = self.label_smoothing, probs.shape[1]
        d_logits = probs.copy()  # (B, C)
        d_logits[np.arange(len(labels)), labels] -= 1.0
        d_logits *= ((1.0 - eps) * weight)[:, None]  # (B, C): the labels' part
        if eps:
            # d/dz_j of -sum_c w_c log p_c is p_j sum_c w_c - w_j, for every name
            d_logits += (eps / classes) * (probs * class_weight.sum() - class_weight)
        return d_logits * (d_loss / weight.sum())  # (B, C)
