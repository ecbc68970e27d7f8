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

import dataclasses
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ...io.cache import Cache
from ...kernel.params import to_jsonable
from ...nn import Ensemble, SequenceClassifier, SoftmaxCrossEntropy, cached_fits, fit, float64_weights
from ...nn.ngrams import NgramVocabulary
from .data import ALPHABET, NamesData, Split, encode, name_split
from .evaluation import Evaluation, probabilities
from .params import TrainingConfig

CACHE_KIND = "names_classifier-training"
FORMAT = 3  # bump when the training procedure changes what it produces
VOCAB_SIZE = len(ALPHABET)
#: The n-grams' symbols: a letter and its capital are one symbol; the other characters their own.
CASE_FOLD = np.array([ALPHABET.lower().index(c.lower()) for c in ALPHABET], dtype=np.int64)
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
class TrainedNetwork:
    """One trained network of the ensemble (its own seed)."""

    config: TrainingConfig  # with this network's seed
    weights: dict[str, np.ndarray]  # the trained parameters, exact float64 copies
    ngrams: NgramVocabulary | None  # the n-grams its bag knows (from the training names)
    epochs: tuple[dict[str, float], ...]  # per epoch: EPOCH_FIELDS
    seconds: float  # wall time of the training when it ran (0 when read from the cache)
    cached: bool

    def model(self, dtype=np.float64) -> SequenceClassifier:
        model = new_model(self.config, len(self.weights["head.bias"]), self.ngrams, dtype)
        model.load(self.weights)
        return model


@dataclass(frozen=True)
class TrainedClassifier:
    """The trained networks; the classifier's probabilities are their mean."""

    config: TrainingConfig
    networks: tuple[TrainedNetwork, ...]

    @property
    def cached(self) -> bool:
        return all(network.cached for network in self.networks)

    @property
    def seconds(self) -> float:
        return sum(network.seconds for network in self.networks)

    @property
    def epochs(self) -> tuple[dict[str, float], ...]:
        """Each epoch's records, the mean over the networks (one network: its own)."""
        return tuple(
            {name: float(np.mean([network.epochs[k][name] for network in self.networks])) for name in EPOCH_FIELDS}
            for k in range(self.config.epochs)
        )

    def model(self, dtype=np.float64) -> Ensemble:
        return Ensemble(tuple(network.model(dtype) for network in self.networks))


def network_configs(config: TrainingConfig) -> list[TrainingConfig]:
    """The configuration of each network: seeds ``seed``, ``seed + 1``, ..., one network each."""
    return [dataclasses.replace(config, seed=config.seed + k, networks=1) for k in range(config.networks)]


def ngram_vocabulary(config: TrainingConfig, data: NamesData, split: Split) -> NgramVocabulary | None:
    """The n-grams found in at least ``ngram_min_count`` training names (None: no bag)."""
    if not config.ngram_length:
        return None
    codes, lengths = encode(list(dict.fromkeys(data.names[i] for i in split.train.tolist())))  # each name once
    return NgramVocabulary.fit(codes, lengths, CASE_FOLD, config.ngram_length, config.ngram_min_count)


def new_model(
    config: TrainingConfig, classes: int, ngrams: NgramVocabulary | None = None, dtype=np.float64
) -> SequenceClassifier:
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
        vocabulary=ngrams,
        bag_size=config.ngram_size if ngrams is not None else 0,
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
    return name_split(data, config.fractions, config.split_seed)


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
    ngrams = ngram_vocabulary(config, data, split)
    model = new_model(config, classes, ngrams, dtype)
    loss = training_loss(config, labels[split.train], classes)

    def batches(rng: np.random.Generator):
        for index in length_batches(encoded.lengths, split.train, config.batch_size, rng):
            yield (*encoded.batch(index), rng), labels[index]  # the same generator draws the dropout masks

    def measured(indices: np.ndarray, listed: np.ndarray | None = None) -> Evaluation:
        return Evaluation(
            labels[indices], probabilities(model, encoded.codes[indices], encoded.lengths[indices]), listed
        )

    validation_listed = data.listed(split.validation)

    watched = monitored_training_names(split)

    def monitor(epoch: int) -> dict[str, float]:
        trained, held_out = measured(watched), measured(split.validation, validation_listed)
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
        lazy=frozenset({"ngrams.weight"}),  # a batch reaches a few of the n-grams' rows
    )
    history = fitted.history
    epochs = [
        {"learning_rate": rate, **metrics, "train_loss": value}
        for rate, metrics, value in zip(history.learning_rates, history.metrics, history.losses, strict=True)
    ]
    keys = None if ngrams is None else ngrams.keys.tolist()
    return {"epochs": epochs, "weights": fitted.weights, "seconds": fitted.seconds, "ngrams": keys}


def run_training(config: TrainingConfig, data: NamesData, cache: Cache, *, progress: bool = False) -> TrainedClassifier:
    """Train (or read from the cache) each network of ``config`` on ``data``; each is cached on its own.

    Networks not in the cache train at the same time, one process per core (each on one BLAS
    thread, as :func:`solver.nn.fit` trains), so two networks take the time of one on two cores.
    Each network's seed fixes its result, so the processes change only the time it takes.
    """
    split = split_of(config, data)
    configs = network_configs(config)

    def run_missing(missing: list[int]) -> list[dict]:
        if len(missing) == 1 or not _may_start_processes():
            return [_train(configs[k], data, split, progress) for k in missing]
        if progress:
            print(f"training {len(missing)} surname networks at once ...", file=sys.stderr, flush=True)
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        workers = min(len(missing), os.cpu_count() or 1)
        # The workers ignore the terminal's Ctrl-C (the parent handles it); when hw6 stops (a signal),
        # they are killed rather than waited for, so it stops without finishing the training under way.
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupt)
        try:
            runs = [pool.submit(_train, configs[k], data, split, False) for k in missing]
            results = [run.result() for run in runs]
        except BaseException:
            for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public way before 3.14
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return results

    keys = [{"format": FORMAT, "config": to_jsonable(network), "data": data.fingerprint()} for network in configs]
    reads = [partial(_read, network, len(data.languages)) for network in configs]
    return TrainedClassifier(config, tuple(cached_fits(cache, CACHE_KIND, keys, run_missing, reads)))


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _may_start_processes() -> bool:
    """False inside a daemon process (a Dask or multiprocessing worker), which may not have children."""
    return not multiprocessing.current_process().daemon and (os.cpu_count() or 1) > 1


def _read(config: TrainingConfig, classes: int, stored: Any, cached: bool) -> TrainedNetwork:
    """A cache entry as a :class:`TrainedNetwork` (raises KeyError, ValueError, ... when it is damaged)."""
    weights = float64_weights(stored["weights"])
    epochs = tuple({name: float(epoch[name]) for name in EPOCH_FIELDS} for epoch in stored["epochs"])
    if len(epochs) != config.epochs:
        raise ValueError(f"{len(epochs)} epochs stored, {config.epochs} configured")
    keys = stored["ngrams"]
    ngrams = None if keys is None else NgramVocabulary(np.asarray(keys, dtype=np.int64), CASE_FOLD, config.ngram_length)
    if (ngrams is None) != (not config.ngram_length):
        raise ValueError("the stored n-grams do not fit this configuration")
    new_model(config, classes, ngrams).load(weights)  # the shapes fit this configuration
    seconds = 0.0 if cached else float(stored["seconds"])
    return TrainedNetwork(config, weights, ngrams, epochs, seconds, cached)
