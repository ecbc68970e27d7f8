"""What the trained classifier is scored by: probabilities, accuracies, the confusion matrix, top-k."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from threadpoolctl import threadpool_limits

EVALUATION_BATCH = 512  # names per forward pass when only predicting


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)  # (B, C): no overflow in exp
    e = np.exp(shifted)  # (B, C)
    return e / e.sum(axis=1, keepdims=True)  # (B, C)


def probabilities(model, codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """softmax(logits) of every name (N, C), computed in batches of similar lengths on one BLAS thread."""
    order = np.argsort(lengths, kind="stable")
    out = np.empty((len(lengths), model.classes), dtype=np.float64)
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, len(order), EVALUATION_BATCH):
            index = order[start : start + EVALUATION_BATCH]
            batch_lengths = lengths[index]
            logits, _ = model.forward(codes[index, : int(batch_lengths.max())], batch_lengths)  # (B, C)
            out[index] = softmax(logits.astype(np.float64))
    return out


@dataclass(frozen=True)
class Evaluation:
    """A model's probabilities on one split against the names' languages.

    A name the data lists under several languages is right when the prediction is any of them;
    every score counts each name under one language, :attr:`targets`.
    """

    labels: np.ndarray  # (N,) each name's primary language
    probabilities: np.ndarray  # (N, C)
    listed: np.ndarray | None = None  # (N, C) bool, every language of each name; None: only ``labels``

    @cached_property
    def targets(self) -> np.ndarray:
        """(N,) the language each name is counted under: the predicted one when the name is listed under it,
        else its primary language."""
        if self.listed is None:
            return self.labels
        hit = self.listed[np.arange(len(self.labels)), self.predictions]  # (N,)
        return np.where(hit, self.predictions, self.labels)

    @property
    def classes(self) -> int:
        return self.probabilities.shape[1]

    @cached_property
    def predictions(self) -> np.ndarray:
        return np.argmax(self.probabilities, axis=1)  # (N,): the first of equal maxima

    @cached_property
    def confusion(self) -> np.ndarray:
        """(C, C) counts: row = the language a name is counted under (:attr:`targets`), column = predicted."""
        cells = np.bincount(self.targets * self.classes + self.predictions, minlength=self.classes**2)
        return cells.reshape(self.classes, self.classes)

    @cached_property
    def accuracy(self) -> float:
        return float(np.mean(self.predictions == self.targets))

    @cached_property
    def per_class(self) -> np.ndarray:
        """(C,) accuracy on each language's names; NaN for a language with none here."""
        totals = self.confusion.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, np.diag(self.confusion) / totals, np.nan)

    @cached_property
    def precision(self) -> np.ndarray:
        """(C,) share of the names predicted as each language that are that language; NaN if never predicted."""
        predicted = self.confusion.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(predicted > 0, np.diag(self.confusion) / predicted, np.nan)

    @cached_property
    def balanced_accuracy(self) -> float:
        """The mean of the per-language accuracies (languages present here)."""
        return float(np.nanmean(self.per_class))

    def loss(self, weights: np.ndarray | None = None, label_smoothing: float = 0.0) -> float:
        """Mean cross-entropy, weighted by class and label-smoothed like :class:`solver.nn.SoftmaxCrossEntropy`."""
        log_probs = np.log(np.maximum(self.probabilities, np.finfo(np.float64).tiny))  # (N, C)
        class_weight = np.ones(self.classes) if weights is None else np.asarray(weights)  # (C,)
        targets = self.targets  # the counted language: a listed name's prediction costs nothing extra
        weight = class_weight[targets]  # (N,)
        picked = log_probs[np.arange(len(targets)), targets]  # (N,)
        total = (1.0 - label_smoothing) * (weight * picked).sum()
        total += label_smoothing / self.classes * (log_probs @ class_weight).sum()
        return float(-total / weight.sum())


def top_k(probabilities: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` most probable classes of one row, most probable first (ties: lower index first)."""
    order = np.argsort(-probabilities, kind="stable")[:k]
    return [(int(c), float(probabilities[c])) for c in order]
