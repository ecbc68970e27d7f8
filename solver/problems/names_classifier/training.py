"""Training the surname classifier, cached under its configuration and the data's fingerprint.

Names are batched by length: each epoch shuffles the training names, sorts
them by length (stably, so ties stay shuffled), cuts them into batches and
shuffles the batches. A batch is then padded only to its own longest name,
which makes an epoch several times cheaper than padding every name to the
longest in the data; the network reads each name up to its own end
(:class:`solver.nn.LastStep`), so padding never changes a result.

Training runs in float32 with :func:`solver.nn.fit`, as Problem 3's does
(Adam, cosine schedule, one BLAS thread; float32 reaches the same accuracy as
float64 in about half the time). The trained weights are kept exactly
(float32 values in float64) and every reported number is computed again from
them in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ...core.params import to_jsonable
from ...io.cache import Cache
from ...nn import SequenceClassifier, SoftmaxCrossEntropy, cached_fit, fit, float64_weights
from .data import ALPHABET, NamesData, Split, encode, stratified_split
from .evaluation import Evaluation, probabilities
from .params import TrainingConfig

CACHE_KIND = "names_classifier-training"
FORMAT = 2  # bump when the training procedure changes what it produces
VOCAB_SIZE = len(ALPHABET)
#: What each epoch records, in this order (the cache stores keys sorted; the log keeps this order).
EPOCH_FIELDS = ("learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy")


@dataclass(frozen=True)
class Encoded:
    """Every name as character indices, padded to the longest: codes (N, T) and lengths (N,)."""

    codes: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, data: NamesData) -> Encoded:
        codes, lengths = encode(data.names)
        return cls(codes, lengths)

    def batch(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``index``, padded to their own longest name: (B, T_batch), (B,)."""
        lengths = self.lengths[index]
        return self.codes[index, : int(lengths.max())], lengths


@dataclass(frozen=True)
class TrainedClassifier:
    config: TrainingConfig
    weights: dict[str, np.ndarray]  # the trained parameters, exact float64 copies
    epochs: tuple[dict[str, float], ...]  # per epoch: EPOCH_FIELDS
    seconds: float  # wall time of the training when it ran (0 when read from the cache)
    cached: bool

    def model(self, dtype=np.float64) -> SequenceClassifier:
        model = new_model(self.config, len(self.weights["head.bias"]), dtype)
        model.load(self.weights)
        return model


def new_model(config: TrainingConfig, classes: int, dtype=np.float64) -> SequenceClassifier:
    rng = np.random.default_rng([config.seed, 41])
    embedding = config.embedding_size or None
    return SequenceClassifier.build(
        VOCAB_SIZE,
        config.hidden_size,
        classes,
        config.layers,
        config.cell,
        "tanh",
        embedding,
        bidirectional=config.bidirectional,
        dropout=float(config.dropout),
        rng=rng,
        dtype=dtype,
    )


def class_weights(config: TrainingConfig, labels: np.ndarray, classes: int) -> np.ndarray | None:
    """The loss weight of each language from its training count (None: all equal)."""
    if config.class_weights == "none":
        return None
    counts = np.maximum(np.bincount(labels, minlength=classes), 1)
    balanced = counts.sum() / (classes * counts)  # (C,): 1 for a language of average size
    return balanced if config.class_weights == "balanced" else np.sqrt(balanced)


def training_loss(config: TrainingConfig, train_labels: np.ndarray, classes: int) -> SoftmaxCrossEntropy:
    """The loss the network is trained on: class-weighted, label-smoothed cross-entropy."""
    return SoftmaxCrossEntropy(class_weights(config, train_labels, classes), float(config.label_smoothing))


def split_of(config: TrainingConfig, data: NamesData) -> Split:
    return stratified_split(data.labels, config.fractions, config.split_seed)


def length_batches(
    lengths: np.ndarray, indices: np.ndarray, batch_size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """``indices`` in batches of similar lengths, in random order (see the module's docstring)."""
    order = rng.permutation(indices)
    order = order[np.argsort(lengths[order], kind="stable")]
    batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    return [batches[k] for k in rng.permutation(len(batches))]


def monitored_training_names(split: Split) -> np.ndarray:
    """The training names whose accuracy the curve follows: as many as the validation names, drawn once.

    Scoring every training name after every epoch would cost a sixth of the training time; a fixed
    sample of the validation split's size measures the same accuracy to the curve's precision.
    """
    count = min(len(split.train), max(len(split.validation), 1))
    return np.sort(np.random.default_rng([len(split.train), 44]).choice(split.train, count, replace=False))


def _train(config: TrainingConfig, data: NamesData, split: Split, progress: bool) -> dict:
    dtype = np.dtype(config.dtype)
    classes = len(data.languages)
    encoded = Encoded.of(data)
    labels = data.labels
    model = new_model(config, classes, dtype)
    loss = training_loss(config, labels[split.train], classes)

    def batches(rng: np.random.Generator):
        for index in length_batches(encoded.lengths, split.train, config.batch_size, rng):
            yield (*encoded.batch(index), rng), labels[index]  # the same generator draws the dropout masks

    def measured(indices: np.ndarray) -> Evaluation:
        return Evaluation(labels[indices], probabilities(model, encoded.codes[indices], encoded.lengths[indices]))

    watched = monitored_training_names(split)

    def monitor(epoch: int) -> dict[str, float]:
        trained, held_out = measured(watched), measured(split.validation)
        return {
            "train_accuracy": trained.accuracy,
            "validation_loss": held_out.loss(loss.weights, loss.label_smoothing),
            "validation_accuracy": held_out.accuracy,
        }

    fitted = fit(
        model,
        loss,
        config,
        rng=np.random.default_rng([config.seed, 42]),
        progress=progress,
        label=f"training the surname {config.cell.upper()}",
        batches=batches,
        monitor=monitor,
    )
    history = fitted.history
    epochs = [
        {"learning_rate": rate, **metrics, "train_loss": value}
        for rate, metrics, value in zip(history.learning_rates, history.metrics, history.losses, strict=True)
    ]
    return {"epochs": epochs, "weights": fitted.weights, "seconds": fitted.seconds}


def run_training(config: TrainingConfig, data: NamesData, cache: Cache, *, progress: bool = False) -> TrainedClassifier:
    """Train (or read from the cache) the classifier of ``config`` on ``data``."""
    return cached_fit(
        cache,
        CACHE_KIND,
        {"format": FORMAT, "config": to_jsonable(config), "data": data.fingerprint()},
        lambda: _train(config, data, split_of(config, data), progress),
        partial(_read, config, len(data.languages)),
    )


def _read(config: TrainingConfig, classes: int, stored: Any, cached: bool) -> TrainedClassifier:
    """A cache entry as a :class:`TrainedClassifier` (raises KeyError, ValueError, ... when it is damaged)."""
    weights = float64_weights(stored["weights"])
    epochs = tuple({name: float(epoch[name]) for name in EPOCH_FIELDS} for epoch in stored["epochs"])
    if len(epochs) != config.epochs:
        raise ValueError(f"{len(epochs)} epochs stored, {config.epochs} configured")
    new_model(config, classes).load(weights)  # the shapes fit this configuration
    return TrainedClassifier(config, weights, epochs, 0.0 if cached else float(stored["seconds"]), cached)
