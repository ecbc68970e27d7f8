"""A training loop (forward, loss, backward, Adam) with a progress bar for terminals."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..io.progress import Progress
from .optim import Adam

#: One minibatch: the model's inputs (passed as ``model.forward(*inputs)``) and the targets.
Batch = tuple[tuple[Any, ...], np.ndarray]


@dataclass
class History:
    """Training loss after every epoch; ``reached_at`` is the first epoch below the target.

    ``metrics`` holds what ``monitor(epoch)`` returned after each epoch (empty without one).
    """

    losses: list[float] = field(default_factory=list)
    reached_at: int | None = None
    metrics: list[dict[str, float]] = field(default_factory=list)

    @property
    def final(self) -> float:
        return self.losses[-1]


def cosine_schedule(lr: float, epochs: int, final_ratio: float = 0.01) -> Callable[[int], float]:
    """Learning rate falling from ``lr`` (epoch 1) to ``lr * final_ratio`` (last epoch) along a half cosine."""

    def rate(epoch: int) -> float:
        progress = (epoch - 1) / max(1, epochs - 1)
        return lr * (final_ratio + (1.0 - final_ratio) * 0.5 * (1.0 + np.cos(np.pi * progress)))

    return rate


def train(
    model: Any,
    loss: Any,
    inputs: np.ndarray | None,
    targets: np.ndarray | None,
    optimizer: Adam,
    *,
    epochs: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    target: float | None = None,
    stop_at_target: bool = False,
    progress: bool = False,
    label: str = "training",
    evaluate: Callable[[], float] | None = None,
    lr_schedule: Callable[[int], float] | None = None,
    batches: Callable[[np.random.Generator], Iterable[Batch]] | None = None,
    monitor: Callable[[int], Mapping[str, float]] | None = None,
) -> History:
    """Train ``model`` on ``(inputs, targets)``; one epoch is one pass over the data.

    ``batch_size=None`` trains on the full batch. After each epoch the loss on
    the whole training set is recorded (``evaluate()`` when given, else the mean
    of the epoch's batch losses for minibatches, or the full-batch loss measured
    before the step). ``lr_schedule(epoch)`` sets the optimizer's learning rate
    for each epoch (1-based), e.g. :func:`cosine_schedule`.

    ``batches(rng)``, when given, replaces ``inputs``/``targets``: it yields one
    epoch's minibatches as ``(model inputs, targets)`` (e.g. padded token
    batches with their lengths, grouped by length). ``monitor(epoch)`` is called
    after each epoch; what it returns (e.g. validation metrics) goes to
    ``History.metrics``.
    """
    rng = rng or np.random.default_rng(0)
    if batches is None:
        batches = _shuffled_batches(inputs, targets, batch_size)
    history = History()
    with Progress(epochs, label, enabled=progress) as bar:
        for epoch in range(1, epochs + 1):
            if lr_schedule is not None:
                optimizer.lr = lr_schedule(epoch)
            total, count = 0.0, 0
            for batch_inputs, batch_targets in batches(rng):
                predictions, ctx = model.forward(*batch_inputs)
                value, loss_ctx = loss.forward(predictions, batch_targets)
                grads = model.backward(ctx, loss.backward(loss_ctx)).grads
                optimizer.step(grads)
                total += value * len(batch_targets)
                count += len(batch_targets)
            epoch_loss = evaluate() if evaluate is not None else total / count
            history.losses.append(epoch_loss)
            if monitor is not None:
                history.metrics.append(dict(monitor(epoch)))
            if target is not None and history.reached_at is None and epoch_loss < target:
                history.reached_at = epoch
                if stop_at_target:
                    break
            bar.advance(f"loss {epoch_loss:.2e}")
    return history


def _shuffled_batches(
    inputs: np.ndarray, targets: np.ndarray, batch_size: int | None
) -> Callable[[np.random.Generator], Iterable[Batch]]:
    """Minibatches of ``batch_size`` rows in a new random order each epoch (``None``: the full batch)."""
    count = len(inputs)
    size = batch_size or count

    def batches(rng: np.random.Generator) -> Iterable[Batch]:
        order = np.arange(count) if size >= count else rng.permutation(count)
        for start in range(0, count, size):
            index = order[start : start + size]
            yield (inputs[index],), targets[index]

    return batches
