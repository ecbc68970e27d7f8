"""The NumPy side of Problem 4's network: the notebook's classifier rebuilt with :mod:`solver.nn`, and what it reads.

The network is trained in the solution notebook (PyTorch, :mod:`.notebook`);
:mod:`.run` converts its saved weights into the :class:`solver.nn.SequenceClassifier`
that :func:`new_model` builds for the same configuration, so hw6's own layers
recompute every prediction. A batch is padded only to its own longest name; the
network reads each name up to its own end (:class:`solver.nn.LastStep`), so
padding never changes a result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...nn import SequenceClassifier
from ...nn.ngrams import NgramVocabulary
from .data import ALPHABET, NamesData, Split, encode, name_split
from .params import TrainingConfig

VOCAB_SIZE = len(ALPHABET)
#: The n-grams' symbols: a letter and its capital are one symbol; the other characters their own.
CASE_FOLD = np.array([ALPHABET.lower().index(c.lower()) for c in ALPHABET], dtype=np.int64)
#: What the notebook's log records for each epoch (the mean over the networks), the sheet's curves.
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


def split_of(config: TrainingConfig, data: NamesData) -> Split:
    return name_split(data, config.fractions, config.split_seed)
