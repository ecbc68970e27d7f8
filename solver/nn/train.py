"""A training loop (forward, loss, backward, Adam) with a progress bar for terminals."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .optim import Adam


class ProgressBar:
    """One line redrawn in place on a terminal; silent when ``enabled`` is false.

    Pass ``enabled=context.progress`` (true only when stderr is a terminal), so
    builds in CI and tests print nothing.
    """

    def __init__(self, total: int, label: str, *, enabled: bool, stream: TextIO | None = None, width: int = 24):
        self.total, self.label, self.enabled, self.width = max(1, total), label, enabled, width
        self.stream = stream or sys.stderr
        self._last_draw = 0.0

    def update(self, done: int, note: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < self.total and now - self._last_draw < 0.1:  # at most ten redraws a second
            return
        self._last_draw = now
        filled = self.width * done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total} {note}".ljust(79)[:79])
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()


@dataclass
class History:
    """Training loss after every epoch; ``reached_at`` is the first epoch below the target."""

    losses: list[float] = field(default_factory=list)
    reached_at: int | None = None

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
    inputs: np.ndarray,
    targets: np.ndarray,
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
) -> History:
    """Train ``model`` on ``(inputs, targets)``; one epoch is one pass over the data.

    ``batch_size=None`` trains on the full batch. After each epoch the loss on
    the whole training set is recorded (``evaluate()`` when given, else the mean
    of the epoch's batch losses for minibatches, or the full-batch loss measured
    before the step). ``lr_schedule(epoch)`` sets the optimizer's learning rate
    for each epoch (1-based), e.g. :func:`cosine_schedule`.
    """
    count = len(inputs)
    batch_size = batch_size or count
    rng = rng or np.random.default_rng(0)
    history = History()
    bar = ProgressBar(epochs, label, enabled=progress)
    try:
        for epoch in range(1, epochs + 1):
            if lr_schedule is not None:
                optimizer.lr = lr_schedule(epoch)
            order = np.arange(count) if batch_size >= count else rng.permutation(count)
            batch_losses = []
            for start in range(0, count, batch_size):
                index = order[start : start + batch_size]
                predictions, ctx = model.forward(inputs[index])
                value, loss_ctx = loss.forward(predictions, targets[index])
                grads = model.backward(ctx, loss.backward(loss_ctx)).grads
                optimizer.step(grads)
                batch_losses.append(value * len(index))
            epoch_loss = evaluate() if evaluate is not None else sum(batch_losses) / count
            history.losses.append(epoch_loss)
            if target is not None and history.reached_at is None and epoch_loss < target:
                history.reached_at = epoch
                if stop_at_target:
                    break
            bar.update(epoch, f"loss {epoch_loss:.2e}")
    finally:
        bar.close()
    return history
