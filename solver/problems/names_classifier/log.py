"""``submission_log.json``: a self-describing record of one training run of the surname classifier.

The homework asks students to hand in such a log from their notebook without
fixing its format; this is hw6's. It holds what is needed to judge and repeat
the run (the configuration and seeds, the data's source, fingerprint and
counts, every epoch's metrics, the final metrics and sample predictions) and
nothing that changes from one run to the next on the same machine (no dates,
no timings), so it is byte-identical given the same data, configuration and
hw6 version. :func:`run_log` fills it from a solved run; :func:`metrics` are
the final numbers the answer key reports as well.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import __version__
from ...kernel.params import to_jsonable
from .data import DATA_SOURCE
from .params import Params, TrainingConfig
from .solve import Trained

LOG_FORMAT = 2  # bump when a field changes meaning
SIGNIFICANT = 6

FIELDS = {
    "data": "where the names came from, how they were prepared and split; fingerprint = SHA-256 of the normalised names, labels and languages",
    "config": "the training configuration (names_classifier.training in hw6's parameters)",
    "model": "the network and its parameter shapes",
    "epochs": "after each epoch: learning rate, mean training loss over the epoch's batches (the weighted, label-smoothed loss trained on), accuracy on a fixed sample of training names as many as the validation names, validation loss (the same loss) and accuracy",
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


def run_log(trained: Trained, params: Params) -> dict[str, Any]:
    """The log of one solved run."""
    data, split, test, languages = trained.data, trained.split, trained.test, trained.languages
    counts = {
        language: {
            part: int(np.sum((data.labels if part == "train" else data.primary)[getattr(split, part)] == c))
            for part in ("train", "validation", "test")
        }
        for c, language in enumerate(languages)
    }
    model = trained.model
    return submission_log(
        data={
            "fingerprint": data.fingerprint(),
            "normalisation": "Unicode NFD, accents dropped, only ASCII letters and the characters .,;' and space kept; "
            "each (name, language) pair kept once",
            "languages": list(languages),
            "names": len(data.names),
            "duplicates_removed": data.duplicates,
            "skipped_lines": dict(sorted(data.skipped.items())),
            "split": {
                "seed": params.training.split_seed,
                "stratified": True,
                "by": "distinct name: every pair of a training name trains; a validation or test name counts once, "
                "right when the prediction is any of its languages",
                "counts": {part: int(len(getattr(split, part))) for part in ("train", "validation", "test")},
                "per_language": counts,
            },
        },
        config=to_jsonable(params.training),
        model={
            "architecture": architecture(params.training),
            "networks": len(model.networks),
            "parameters": model.networks[0].parameter_count(),
            "shapes": {name: list(value.shape) for name, value in model.networks[0].named_parameters().items()},
        },
        epochs=list(trained.classifier.epochs),
        final={
            **metrics(trained),
            "validation_accuracy": rounded(trained.validation.accuracy),
            "validation_balanced_accuracy": rounded(trained.validation.balanced_accuracy),
            "per_language_counts": {
                language: {"test_names": int(test.confusion[c].sum()), "correct": int(test.confusion[c, c])}
                for c, language in enumerate(languages)
            },
            "confusion": {
                "order": list(languages),
                "rows": "the language a name counts under (the predicted one when the name is listed under it)",
                "columns": "predicted language",
                "counts": test.confusion.tolist(),
            },
        },
        samples=[
            {
                "name": s.name,
                "normalised": s.normalised,
                "origin": s.origin,
                "listed_as": list(s.listed_as),
                "top3": [{"language": language, "probability": rounded(p)} for language, p in s.top(languages)],
            }
            for s in trained.samples
        ],
    )


def metrics(trained: Trained) -> dict[str, Any]:
    """The test names' scores, rounded (the key's part 4 and the log's ``final``)."""
    test = trained.test
    return {
        "test_accuracy": rounded(test.accuracy),
        "balanced_accuracy": rounded(test.balanced_accuracy),
        "per_language": {
            language: rounded(test.per_class[c])
            for c, language in enumerate(trained.languages)
            if not np.isnan(test.per_class[c])
        },
        "test_names": int(len(test.labels)),
        "majority_baseline": rounded(trained.majority[1]),
    }


def architecture(config: TrainingConfig) -> str:
    """The network in one line, for the log."""
    inputs = f"embedding ({config.embedding_size})" if config.embedding_size else "one-hot characters"
    stack = f"{config.layers}-layer " if config.layers > 1 else ""
    recurrent = f"{stack}{config.cell.upper()} ({config.hidden_size})"
    if config.bidirectional:
        reading = f"{recurrent} forwards and another backwards -> both final states"
    else:
        reading = f"{recurrent} -> last state of each name"
    if config.ngram_length:
        reading += f", beside the mean of the name's 1- to {config.ngram_length}-gram vectors ({config.ngram_size})"
    dropout = f" -> dropout ({float(config.dropout):g})" if config.dropout else ""
    ensemble = f"; the mean of {config.networks} networks' probabilities" if config.networks > 1 else ""
    return f"{inputs} -> {reading}{dropout} -> linear -> softmax{ensemble}"
