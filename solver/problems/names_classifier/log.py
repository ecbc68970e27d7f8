"""``submission_log.json``: a self-describing record of one training run of the surname classifier.

The homework asks students to hand in such a log from their notebook without
fixing its format; this is hw6's. It holds what is needed to judge and repeat
the run (the configuration and seeds, the data's source, fingerprint and
counts, every epoch's metrics, the final metrics and sample predictions) and
nothing that changes from one run to the next on the same machine (no dates,
no timings), so it is byte-identical given the same data, configuration and
hw6 version.
"""

from __future__ import annotations

from typing import Any

from ... import __version__
from .data import DATA_SOURCE

LOG_FORMAT = 1  # bump when a field changes meaning
SIGNIFICANT = 6

FIELDS = {
    "data": "where the names came from, how they were prepared and split; fingerprint = SHA-256 of the normalised names, labels and languages",
    "config": "the training configuration (names_classifier.training in hw6's parameters)",
    "model": "the network and its parameter shapes",
    "epochs": "after each epoch: learning rate, mean training loss over the epoch's batches, accuracy on the whole training split, validation loss and accuracy",
    "final": "the trained weights evaluated again in float64: test accuracy, balanced accuracy (mean of per-language accuracies), per-language results, confusion matrix",
    "samples": "top-3 predictions with probabilities for a fixed list of names",
}


def rounded(value: float) -> float:
    return float(f"{float(value):.{SIGNIFICANT}g}")


def submission_log(
    *,
    data: dict[str, Any],
    config: dict[str, Any],
    model: dict[str, Any],
    epochs: list[dict[str, float]],
    final: dict[str, Any],
    samples: list[dict[str, Any]],
) -> dict[str, Any]:
    """The log as JSON data; floats rounded to 6 significant digits."""
    return {
        "log": "hw6 submission log: character-level surname classifier (Homework 6, Problem 4)",
        "format": LOG_FORMAT,
        "generator": {"name": "hw6", "version": __version__},
        "fields": FIELDS,
        "data": {"source": DATA_SOURCE, **data},
        "config": config,
        "seed": {"weights_and_batches": config["seed"], "split": config["split_seed"]},
        "model": model,
        "epochs": [
            {"epoch": k, **{name: rounded(value) for name, value in epoch.items()}} for k, epoch in enumerate(epochs, 1)
        ],
        "final": final,
        "samples": samples,
    }
