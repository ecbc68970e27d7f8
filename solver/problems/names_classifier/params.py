"""Problem 4's parameters: the network, its training and the data split, and the names shown with predictions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

from ...kernel.errors import ParamsError
from ...kernel.params import Number, ParamsBase, join, param
from .data import MAX_NAME_LENGTH, to_ascii

MAX_SAMPLES = 12
DEFAULT_SAMPLES = ("Dovesky", "Jackson", "Satoshi", "Hinton", "Schmidhuber", "Fitzgerald-Ortiz")


@dataclass(frozen=True)
class TrainingConfig(ParamsBase):
    cell: Literal["rnn", "lstm"] = param("lstm", "recurrent layer (the RNN uses tanh)")
    hidden_size: int = param(64, "width H of the recurrent layers", minimum=1, maximum=512)
    embedding_size: int = param(32, "width of the learned character vectors", minimum=1, maximum=256)
    layers: int = param(1, "stacked recurrent layers", minimum=1, maximum=3)
    bidirectional: bool = param(
        True, "a second recurrent stack reads each name backwards; the head sees both final states"
    )
    ngram_length: int = param(
        4, "longest character n-gram in the bag beside the recurrent states (0: no bag)", minimum=0, maximum=6
    )
    ngram_size: int = param(32, "width of the n-grams' learned vectors", minimum=1, maximum=256)
    ngram_min_count: int = param(2, "training names an n-gram must occur in to get a vector", minimum=1, maximum=1000)
    networks: int = param(
        2,
        "networks trained with seeds seed, seed + 1, ...; the classifier averages their probabilities",
        minimum=1,
        maximum=8,
    )
    dropout: Number = param(
        sp.Rational("0.5"),
        "share of the head's inputs zeroed at random while training",
        minimum=0,
        maximum=sp.Rational("0.9"),
    )
    label_smoothing: Number = param(
        sp.Rational("0.1"),
        "share of each training target spread evenly over all languages",
        minimum=0,
        maximum=sp.Rational("0.5"),
    )
    epochs: int = param(12, "passes over the training names", minimum=1, maximum=100)
    batch_size: int = param(64, "names per Adam step", minimum=1, maximum=4096)
    learning_rate: Number = param(sp.Rational("0.005"), "Adam's initial learning rate", minimum=0, maximum=1)
    final_lr_ratio: Number = param(
        sp.Rational("0.02"), "cosine decay: the last epoch's rate over the first", minimum=0, maximum=1
    )
    class_weights: Literal["none", "balanced", "sqrt"] = param(
        "sqrt", "loss weight of each language: none, balanced (inverse frequency) or its square root"
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
class AutograderThresholds(ParamsBase):
    """What the submitted log's predictions must reach for full points (half for one of the two).

    The defaults are the targets the notebook prints, so a run that meets them earns full points."""

    accuracy: Number = param(
        sp.Rational("0.78"), "test accuracy the code submission's predictions must reach", minimum=0, maximum=1
    )
    balanced_accuracy: Number = param(
        sp.Rational("0.52"),
        "balanced accuracy (mean of the per-language accuracies) the code submission's predictions must reach",
        minimum=0,
        maximum=1,
    )


def _sample_names(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or len(value) > MAX_SAMPLES:
        raise ParamsError(path, f"a list of at most {MAX_SAMPLES} names", value, has_got=True)
    names = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not to_ascii(name).strip() or len(to_ascii(name)) > MAX_NAME_LENGTH:
            raise ParamsError(
                join(path, i),
                f"a name with 1 to {MAX_NAME_LENGTH} ASCII letters once accents are dropped",
                name,
                has_got=True,
            )
        names.append(name)
    return tuple(names)


@dataclass(frozen=True)
class Params(ParamsBase):
    training: TrainingConfig = param(doc="the network, its training and the data split", default_factory=TrainingConfig)
    samples: tuple[str, ...] = param(DEFAULT_SAMPLES, "names shown with their top-3 predictions", convert=_sample_names)
    test_examples: int = param(
        5, "test names (of different languages) shown with their top-3 predictions", minimum=0, maximum=MAX_SAMPLES
    )
    autograder: AutograderThresholds = param(
        doc="thresholds of the code submission (submission_log.json) graded by hw6 check and the autograder",
        default_factory=AutograderThresholds,
    )
