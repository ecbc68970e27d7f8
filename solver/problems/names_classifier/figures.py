"""Problem 4's figures: the training curve and the test set's confusion matrix (deterministic PDFs, cached)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...io import figures
from ...io.cache import Cache

CACHE_KIND = "names_classifier-figures"
CONFUSION_FORMAT = 4  # bump when the confusion-matrix drawing changes
#: The sheet prints the confusion matrix at its natural size, so these are the printed sizes (inches, points).
CONFUSION_SIZE = (6.4, 6.0)
COUNT_POINTS = 8


def training_plot(epochs: Sequence[dict[str, float]]) -> figures.Plot:
    def series(label: str, key: str, dashed: bool = False) -> figures.Series:
        return figures.Series(label, [epoch[key] for epoch in epochs], dashed)

    return figures.Plot(
        "training",
        (
            figures.Panel(
                "loss",
                "epoch",
                "cross-entropy",
                (series("training (running mean)", "train_loss"), series("validation", "validation_loss", True)),
            ),
            figures.Panel(
                "accuracy",
                "epoch",
                "accuracy",
                (series("training", "train_accuracy"), series("validation", "validation_accuracy", True)),
                log=False,
            ),
        ),
    )


def draw_confusion(confusion: np.ndarray, languages: Sequence[str]) -> bytes:
    """Rows are the true languages, columns the predictions; colour = share of the row, text = count.

    Drawn at the size the sheet prints it (no scaling), so the counts are COUNT_POINTS points high on paper.
    """
    confusion = np.asarray(confusion)
    totals = confusion.sum(axis=1, keepdims=True)
    shares = np.divide(confusion, totals, out=np.zeros(confusion.shape), where=totals > 0)
    size = len(languages)
    languages = [name.replace("$", r"\$") for name in languages]  # a file name is text, never mathtext
    with figures.style() as Figure:
        figure = Figure(figsize=CONFUSION_SIZE)
        ax = figure.subplots()
        image = ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
        for row in range(size):
            for column in range(size):
                if confusion[row, column]:
                    dark = shares[row, column] > 0.55
                    ax.text(
                        column,
                        row,
                        str(int(confusion[row, column])),
                        ha="center",
                        va="center",
                        fontsize=COUNT_POINTS,
                        color="white" if dark else "0.15",
                    )
        ax.set_xticks(range(size), labels=list(languages), rotation=60, ha="right", rotation_mode="anchor")
        ax.set_yticks(
            range(size), labels=[f"{name} ({int(n)})" for name, n in zip(languages, totals[:, 0], strict=False)]
        )
        ax.set_xlabel("predicted language")
        ax.set_ylabel("language of the test names")
        colorbar = figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        colorbar.set_label("share of the test names in the row")
        return figures.pdf_bytes(figure, tight=True)


def render_cached(
    epochs: Sequence[dict[str, float]], confusion: np.ndarray, languages: Sequence[str], cache: Cache
) -> dict[str, bytes]:
    """``{"training": PDF, "confusion": PDF}``, drawn only when the cache does not hold them."""
    out = figures.render_cached([training_plot(epochs)], cache, CACHE_KIND)
    config = {"confusion": np.asarray(confusion).tolist(), "languages": list(languages), "drawing": CONFUSION_FORMAT}
    out["confusion"] = figures.cached_pdf(cache, CACHE_KIND, config, lambda: draw_confusion(confusion, languages))
    return out
