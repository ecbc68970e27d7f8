"""Training the surname classifier, cached under its configuration and the data's fingerprint.

Names are batched by length: each epoch shuffles the training names, sorts
them by length (stably, so ties stay shuffled), cuts them into batches and
shuffles the batches. A batch is then padded only to its own longest name,
which makes an epoch several times cheaper than padding every name to the
longest in the data; the network reads each name up to its own end
(:class:`solver.nn.LastStep`), so padding never changes a result.

Training runs in float32 on one BLAS thread (as Problem 3's does: on the
2-core build machine one thread is faster for these matrix sizes, and
float32 reaches the same accuracy as float64 in about half the time). The
trained weights are kept exactly (float32 values in float64) and every
reported number is computed again from them in float64.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp
from threadpoolctl import threadpool_limits

from ...core.errors import ParamsError
from ...core.params import Number, ParamsBase, param, to_jsonable
from ...io.cache import Cache, cache_key
from ...nn import Adam, SequenceClassifier, SoftmaxCrossEntropy, cosine_schedule, train
from .data import ALPHABET, NamesData, Split, encode, stratified_split
from .evaluation import Evaluation, probabilities

CACHE_KIND = "names_classifier-training"
FORMAT = 1  # bump when the training procedure changes what it produces
VOCAB_SIZE = len(ALPHABET)
#: What each epoch records, in this order (the cache stores keys sorted; the log keeps this order).
EPOCH_FIELDS = ("learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy")


@dataclass(frozen=True)
class TrainingConfig(ParamsBase):
    cell: Literal["rnn", "lstm"] = param("lstm", "recurrent layer (the RNN uses tanh)")
    hidden_size: int = param(128, "width H of the recurrent layers", minimum=1, maximum=512)
    embedding_size: int = param(
        32, "width of the learned character vectors; 0 feeds one-hot vectors", minimum=0, maximum=256
    )
    layers: int = param(1, "stacked recurrent layers", minimum=1, maximum=3)
    epochs: int = param(6, "passes over the training names", minimum=1, maximum=100)
    batch_size: int = param(32, "names per Adam step", minimum=1, maximum=4096)
    learning_rate: Number = param(sp.Rational("0.003"), "Adam's initial learning rate", minimum=0, maximum=1)
    final_lr_ratio: Number = param(
        sp.Rational("0.02"), "cosine decay: the last epoch's rate over the first", minimum=0, maximum=1
    )
    class_weights: Literal["none", "balanced", "sqrt"] = param(
        "none", "loss weight of each language: none, balanced (inverse frequency) or its square root"
    )
    seed: int = param(0, "seed of the initial weights and the batch order", minimum=0, maximum=2**31 - 1)
    split_seed: int = param(0, "seed of the stratified train/validation/test split", minimum=0, maximum=2**31 - 1)
    validation_fraction: Number = param(
        sp.Rational("0.1"),
        "share of each language held out for validation",
        minimum=sp.Rational("0.01"),
        maximum=sp.Rational("0.4"),
    )
    test_fraction: Number = param(
        sp.Rational("0.1"),
        "share of each language held out for the test",
        minimum=sp.Rational("0.01"),
        maximum=sp.Rational("0.4"),
    )
    dtype: Literal["float32", "float64"] = param("float32", "arithmetic while training")

    def validate(self) -> None:
        if not self.learning_rate > 0:
            raise ParamsError("learning_rate", "a number above 0", str(self.learning_rate))
        if self.validation_fraction + self.test_fraction > sp.Rational(1, 2):
            raise ParamsError(
                "test_fraction",
                "at most 1/2 together with validation_fraction, so that half the names train",
                str(self.test_fraction),
            )

    @property
    def fractions(self) -> tuple[float, float, float]:
        validation, test = float(self.validation_fraction), float(self.test_fraction)
        return (1.0 - validation - test, validation, test)


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
        VOCAB_SIZE, config.hidden_size, classes, config.layers, config.cell, "tanh", embedding, rng=rng, dtype=dtype
    )


def class_weights(config: TrainingConfig, labels: np.ndarray, classes: int) -> np.ndarray | None:
    """The loss weight of each language from its training count (None: all equal)."""
    if config.class_weights == "none":
        return None
    counts = np.maximum(np.bincount(labels, minlength=classes), 1)
    balanced = counts.sum() / (classes * counts)  # (C,): 1 for a language of average size
    return balanced if config.class_weights == "balanced" else np.sqrt(balanced)


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


def _train(config: TrainingConfig, data: NamesData, split: Split, progress: bool) -> dict:
    dtype = np.dtype(config.dtype)
    classes = len(data.languages)
    encoded = Encoded.of(data)
    labels = data.labels
    model = new_model(config, classes, dtype)
    loss = SoftmaxCrossEntropy(class_weights(config, labels[split.train], classes))
    optimizer = Adam(model.named_parameters(), lr=float(config.learning_rate))
    schedule = cosine_schedule(float(config.learning_rate), config.epochs, float(config.final_lr_ratio))

    def batches(rng: np.random.Generator):
        for index in length_batches(encoded.lengths, split.train, config.batch_size, rng):
            yield encoded.batch(index), labels[index]

    def measured(indices: np.ndarray) -> Evaluation:
        return Evaluation(labels[indices], probabilities(model, encoded.codes[indices], encoded.lengths[indices]))

    def monitor(epoch: int) -> dict[str, float]:
        trained, held_out = measured(split.train), measured(split.validation)
        return {
            "learning_rate": optimizer.lr,
            "train_accuracy": trained.accuracy,
            "validation_loss": held_out.loss(loss.weights),
            "validation_accuracy": held_out.accuracy,
        }

    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        history = train(
            model,
            loss,
            None,
            None,
            optimizer,
            epochs=config.epochs,
            rng=np.random.default_rng([config.seed, 42]),
            progress=progress,
            label=f"training the surname {config.cell.upper()}",
            lr_schedule=schedule,
            batches=batches,
            monitor=monitor,
        )
    seconds = time.perf_counter() - start
    epochs = [{**metrics, "train_loss": value} for metrics, value in zip(history.metrics, history.losses, strict=False)]
    weights = {name: value.astype(np.float64).tolist() for name, value in model.named_parameters().items()}
    return {"epochs": epochs, "weights": weights, "seconds": seconds}


def run_training(config: TrainingConfig, data: NamesData, cache: Cache, *, progress: bool = False) -> TrainedClassifier:
    """Train (or read from the cache) the classifier of ``config`` on ``data``."""
    key = cache_key(CACHE_KIND, {"format": FORMAT, "config": to_jsonable(config), "data": data.fingerprint()})
    stored = cache.read_json(CACHE_KIND, key)
    trained = _read(config, stored, len(data.languages))
    if trained is None:
        stored = _train(config, data, split_of(config, data), progress)
        cache.write_json(CACHE_KIND, key, stored)
        trained = _read(config, stored, len(data.languages), cached=False)
    return trained


def _read(config: TrainingConfig, stored: object, classes: int, *, cached: bool = True) -> TrainedClassifier | None:
    """A cache entry as a :class:`TrainedClassifier`; None when it is missing or damaged."""
    try:
        weights = {name: np.asarray(value, dtype=np.float64) for name, value in stored["weights"].items()}
        epochs = tuple({name: float(epoch[name]) for name in EPOCH_FIELDS} for epoch in stored["epochs"])
        trained = TrainedClassifier(config, weights, epochs, 0.0 if cached else float(stored["seconds"]), cached)
        new_model(config, classes).load(weights)  # the shapes fit this configuration
    except (TypeError, KeyError, ValueError, AttributeError):  # LayerInputError is a ValueError
        return None
    if len(epochs) != config.epochs:
        return None
    return trained
