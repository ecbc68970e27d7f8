"""How Problem 4's sheet shows its results: the figures, the submission log file and the template variables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...render.tex import Tex, number
from . import figures
from .data import DATA_SOURCE
from .key import DATA_ARCHIVE, misuse_answer
from .notebook import TARGET_ACCURACY, TARGET_BALANCED
from .params import TrainingConfig
from .solve import Solution
from .training import class_weights

FIGURE_DIR = "figures/names_classifier"
LOG_FILE = "submission_log.json"


def _description(config: TrainingConfig, classes: int) -> str:
    """The network in a sentence, for the sheet."""
    if config.embedding_size:
        inputs = f"Each character is turned into a learned vector of {config.embedding_size} numbers"
    else:
        inputs = "Each character enters as a one-hot vector"
    cell = "an LSTM" if config.cell == "lstm" else "a tanh RNN"
    stack = f"{config.layers} stacked layers of {cell}" if config.layers > 1 else cell
    if config.bidirectional:
        reading = (
            f"{stack} with {config.hidden_size} hidden units reads the name letter by letter and a second one reads it "
            "backwards, from its last letter to its first; their two final hidden states, side by side, go through a "
            f"linear layer and a softmax over the {classes} languages"
        )
    else:
        reading = (
            f"{stack} with {config.hidden_size} hidden units reads the name letter by letter, and the hidden "
            f"state after its last letter goes through a linear layer and a softmax over the {classes} languages"
        )
    description = f"{inputs}, {reading}"
    if config.ngram_length:
        bag = (
            f"Beside the hidden states, the linear layer also sees the mean of learned vectors of {config.ngram_size} "
            f"numbers, one for each group of 1 to {config.ngram_length} consecutive letters in the name (read between "
            "a start and an end mark, capitals as small letters) that occurs in at least "
            f"{config.ngram_min_count} training names"
        )
        description = f"{description}. {bag}"
    return description


def _weights(config: TrainingConfig, trained) -> dict[str, Any] | None:
    """The loss weights of the largest and the smallest language, as the sheet quotes them."""
    languages = trained.languages
    weights = class_weights(config, trained.data.labels[trained.split.train], len(languages))
    if weights is None:
        return None
    heaviest, lightest = int(np.argmax(weights)), int(np.argmin(weights))
    return {
        "largest": {"language": languages[lightest], "weight": f"{weights[lightest]:.2f}"},
        "smallest": {"language": languages[heaviest], "weight": f"{weights[heaviest]:.2f}"},
    }


def curve_facts(epochs: Sequence[dict[str, float]]) -> dict[str, Any]:
    """What the training curves show, computed: where the validation loss and accuracy peak, how the losses end."""
    validation_loss = [e["validation_loss"] for e in epochs]
    train_loss = [e["train_loss"] for e in epochs]
    lowest = int(np.argmin(validation_loss))
    after = range(lowest + 1, len(epochs))
    return {
        "epochs": len(epochs),
        "loss_epoch": 1 + lowest,
        "accuracy_epoch": 1 + int(np.argmax([e["validation_accuracy"] for e in epochs])),
        # lowest at the last epoch: the validation loss fell to the end; else it rose after its lowest point
        "still_falling": lowest == len(epochs) - 1,
        "train_kept_falling": all(train_loss[k] < train_loss[k - 1] for k in after),
        "gap": f"{100 * (epochs[-1]['train_accuracy'] - epochs[-1]['validation_accuracy']):.1f}",
    }


def assets(solution: Solution) -> dict[str, bytes]:
    trained = solution.trained
    if trained is None:
        return {}
    rendered = figures.render_cached(
        trained.classifier.epochs, trained.test.confusion, trained.languages, solution.cache
    )
    files = {f"{FIGURE_DIR}/{name}.pdf": data for name, data in rendered.items()}
    files[LOG_FILE] = trained.classifier.log_bytes  # the solution notebook's own log
    return files


def view(solution: Solution) -> dict:
    params = solution.params
    config = params.training
    common = {
        "archive": DATA_ARCHIVE,
        "source": DATA_SOURCE,
        "config": config,
        "answer_a": misuse_answer(solution.trained),
        "log_file": LOG_FILE,
        "target": f"{100 * TARGET_ACCURACY:.0f}",  # what a reasonable submission reaches
        "target_balanced": f"{100 * TARGET_BALANCED:.0f}",
    }
    trained = solution.trained
    if trained is None:
        return {"available": False, **common}

    def percent(value: float, digits: int = 1) -> Tex:
        return Tex(f"{100 * value:.{digits}f}\\%")

    data, split, test, languages = trained.data, trained.split, trained.test, trained.languages
    final = trained.classifier.log["final"]  # the notebook's scores (checks.crosscheck: NumPy's agree)
    sizes = data.counts()
    rows = []
    for c, language in enumerate(languages):
        row = test.confusion[c]
        right, count = final["per_language"][language]["right"], final["per_language"][language]["names"]
        wrong = [(int(row[k]), languages[k]) for k in range(len(languages)) if k != c and row[k]]
        wrong.sort(key=lambda item: (-item[0], item[1]))
        predicted = int(test.confusion[:, c].sum())
        rows.append(
            {
                "language": language,
                "names": sizes[language],
                "test": count,
                "correct": right,
                "predicted": predicted,
                "recall": percent(right / count, 0) if count else Tex("--"),
                "precision": percent(test.precision[c], 0) if predicted else Tex("--"),
                "confused": ", ".join(f"{name} ({count})" for count, name in wrong[:2]),
            }
        )
    shown = trained.classifier.log["samples"]  # the notebook's top 3 of each shown name
    samples = [
        {
            "name": s.name,
            "normalised": s.normalised if s.normalised != s.name else "",
            "origin": {"test": "test", "data": "data", "new": "new"}[s.origin],
            "listed_as": ", ".join(s.listed_as),
            "top": [{"language": language, "p": Tex(f"{p:.2f}")} for language, p in logged["top3"]],
        }
        for s, logged in zip(trained.samples, shown, strict=True)
    ]
    epochs = trained.classifier.epochs
    largest = max(sizes, key=lambda language: sizes[language])
    return {
        "available": True,
        **common,
        "lines": len(data.names) + data.duplicates + data.skipped_lines,
        "names": len(data.names),
        "distinct": data.distinct_names,
        "duplicates": data.duplicates,
        "skipped": data.skipped_text(),
        "languages": len(languages),
        "largest": {"language": largest, "share": percent(sizes[largest] / len(data.names)), "count": sizes[largest]},
        "smallest": min(sizes, key=lambda language: sizes[language]),
        "smallest_count": min(sizes.values()),
        "ambiguous": trained.ambiguous,
        "split": {part: len(getattr(split, part)) for part in ("train", "validation", "test")},
        "fractions": {
            "validation": percent(float(config.validation_fraction), 0),
            "test": percent(float(config.test_fraction), 0),
        },
        "architecture": _description(config, len(languages)),
        "parameter_count": f"{trained.classifier.log['model']['parameters']:,}",
        "renamed": [s for s in samples if s["normalised"]],
        "learning_rate": number(float(config.learning_rate), 3),
        "final_lr": number(float(config.learning_rate * config.final_lr_ratio), 3),
        "accuracy": percent(final["accuracy"]),
        "balanced": percent(final["balanced_accuracy"]),
        "validation_accuracy": percent(trained.validation.accuracy),
        "validation_balanced": percent(trained.validation.balanced_accuracy),
        "seeds": ", ".join(str(seed) for seed in trained.classifier.seeds),
        "dropout": number(float(config.dropout), 3),
        "label_smoothing": number(float(config.label_smoothing), 3),
        "weights": _weights(config, trained),
        "majority": {"language": trained.majority[0], "share": percent(trained.majority[1])},
        "curve": curve_facts(epochs),
        "final_train_accuracy": percent(epochs[-1]["train_accuracy"]),
        "final_validation_accuracy": percent(epochs[-1]["validation_accuracy"]),
        "rows": rows,
        "samples": samples,
        "figure": {"training": f"{FIGURE_DIR}/training.pdf", "confusion": f"{FIGURE_DIR}/confusion.pdf"},
    }
