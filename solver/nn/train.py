"""Training: the loop (forward, loss, backward, Adam) with a progress bar, and the recipe both problems share.

:func:`train` is the loop. :func:`fit` is how Problems 3 and 4 use it: Adam at
the configuration's learning rate on a cosine schedule, on one BLAS thread
(on the 2-core build machine one thread is several times faster than two for
these small matrices), timed, with the trained weights returned as float64
values ready for the cache. :func:`cached_fit` reads such a run back from the
cache or trains and stores it.

A run whose weights or gradients stop being finite raises :class:`TrainingDiverged`
(the user's learning rate was too high); any other complaint of a layer is a
:class:`LayerUsageError`, a bug.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, SupportsFloat, TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

from ..io.cache import Cache, cache_key
from ..io.progress import Progress
from ..kernel.errors import LayerUsageError, NonFiniteValues, TrainingDiverged
from .optim import Adam

T = TypeVar("T")

#: One minibatch: the model's inputs (passed as ``model.forward(*inputs)``) and the targets.
Batch = tuple[tuple[Any, ...], np.ndarray]


@dataclass
class History:
    """Training loss after every epoch; ``reached_at`` is the first epoch below the target.

    ``metrics`` holds what ``monitor(epoch)`` returned after each epoch (empty without one);
    ``learning_rates`` the optimizer's rate during each epoch.
    """

    losses: list[float] = field(default_factory=list)
    reached_at: int | None = None
    metrics: list[dict[str, float]] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)

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

    When a layer meets NaN or infinite values after the optimizer's first
    step, or an epoch's loss is not finite, the weights (or their gradients)
    have diverged: :class:`TrainingDiverged` names ``label`` and the epoch.
    """
    rng = rng or np.random.default_rng(0)
    if batches is None:
        if inputs is None or targets is None:
            raise LayerUsageError("train: give either inputs and targets or batches")
        batches = _shuffled_batches(inputs, targets, batch_size)
    history = History()
    with Progress(epochs, label, enabled=progress) as bar:
        for epoch in range(1, epochs + 1):
            if lr_schedule is not None:
                optimizer.lr = lr_schedule(epoch)
            history.learning_rates.append(optimizer.lr)
            try:
                # NaN and infinity are caught below, so NumPy's overflow warnings would only precede that error.
                with np.errstate(over="ignore", invalid="ignore"):
                    total, count = 0.0, 0
                    for batch_inputs, batch_targets in batches(rng):
                        predictions, ctx = model.forward(*batch_inputs)
                        value, loss_ctx = loss.forward(predictions, batch_targets)
                        grads = model.backward(ctx, loss.backward(loss_ctx)).grads
                        optimizer.step(grads)
                        total += value * len(batch_targets)
                        count += len(batch_targets)
                    epoch_loss = evaluate() if evaluate is not None else total / count
                    if monitor is not None:
                        history.metrics.append(dict(monitor(epoch)))
            except NonFiniteValues as error:
                if optimizer.steps == 0:
                    raise  # the data itself, not the training
                raise _diverged(label, epoch) from error
            if not np.isfinite(epoch_loss):
                raise _diverged(label, epoch)
            history.losses.append(epoch_loss)
            if target is not None and history.reached_at is None and epoch_loss < target:
                history.reached_at = epoch
                if stop_at_target:
                    break
            bar.advance(f"loss {epoch_loss:.2e}")
    return history


def _diverged(label: str, epoch: int) -> TrainingDiverged:
    return TrainingDiverged(
        f"{label}: diverged in epoch {epoch}, the weights or their gradients became NaN or infinite; "
        "a smaller learning_rate may help"
    )


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


# --------------------------------------------------------------------------- the shared recipe


class Schedule(Protocol):
    """What :func:`fit` reads from a problem's training configuration (its frozen parameters)."""

    @property
    def epochs(self) -> int: ...

    @property
    def learning_rate(self) -> SupportsFloat: ...

    @property
    def final_lr_ratio(self) -> SupportsFloat: ...


@dataclass(frozen=True)
class Fitted:
    """One training run: its history, the trained weights and how long it took."""

    history: History
    weights: dict[str, list]  # parameter name -> the trained values in float64, as nested lists (JSON)
    seconds: float


def fit(
    model: Any,
    loss: Any,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    label: str,
    progress: bool = False,
    inputs: np.ndarray | None = None,
    targets: np.ndarray | None = None,
    batch_size: int | None = None,
    batches: Callable[[np.random.Generator], Iterable[Batch]] | None = None,
    evaluate: Callable[[], float] | None = None,
    monitor: Callable[[int], Mapping[str, float]] | None = None,
    target: float | None = None,
    stop_at_target: bool = False,
    lazy: frozenset[str] = frozenset(),
) -> Fitted:
    """:func:`train` with Adam from ``schedule.learning_rate`` down a cosine to ``final_lr_ratio`` of it
    over ``schedule.epochs``, on one BLAS thread (``lazy``: parameters Adam updates row by row, see
    :class:`Adam`); the other arguments are :func:`train`'s."""
    learning_rate = float(schedule.learning_rate)
    optimizer = Adam(model.named_parameters(), lr=learning_rate, lazy=lazy)
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        history = train(
            model,
            loss,
            inputs,
            targets,
            optimizer,
            epochs=schedule.epochs,
            batch_size=batch_size,
            rng=rng,
            target=target,
            stop_at_target=stop_at_target,
            progress=progress,
            label=label,
            evaluate=evaluate,
            lr_schedule=cosine_schedule(learning_rate, schedule.epochs, float(schedule.final_lr_ratio)),
            batches=batches,
            monitor=monitor,
        )
    seconds = time.perf_counter() - start
    weights = {name: value.astype(np.float64).tolist() for name, value in model.named_parameters().items()}
    return Fitted(history, weights, seconds)


def cached_fit(cache: Cache, kind: str, config: Any, run: Callable[[], dict], read: Callable[[Any, bool], T]) -> T:
    """A training run's result from the cache entry of ``config``, or ``run()`` and store it.

    ``run()`` returns the JSON data to store; ``read(stored, cached)`` turns it into the result.
    An entry that ``read`` rejects (TypeError, KeyError, ValueError, AttributeError: damaged,
    or written for other shapes) is trained again and replaced; on a fresh run's data those
    exceptions are bugs and propagate.
    """
    return cached_fits(cache, kind, [config], lambda missing: [run()], [read])[0]


def cached_fits(
    cache: Cache,
    kind: str,
    configs: Sequence[Any],
    run_missing: Callable[[list[int]], list[dict]],
    reads: Sequence[Callable[[Any, bool], T]],
) -> list[T]:
    """:func:`cached_fit` for several runs: each entry is read once, and ``run_missing(indices)`` trains
    the runs not in the cache (or damaged) together, returning their JSON data in that order."""
    results: dict[int, T] = {}
    keys = [cache_key(kind, config) for config in configs]
    for k, (key, read) in enumerate(zip(keys, reads, strict=True)):
        stored = cache.read_json(kind, key)
        if stored is not None:
            try:
                results[k] = read(stored, True)
            except (TypeError, KeyError, ValueError, AttributeError):
                pass  # damaged: train again
    missing = [k for k in range(len(configs)) if k not in results]
    if missing:
        for k, stored in zip(missing, run_missing(missing), strict=True):
            cache.write_json(kind, keys[k], stored)
            results[k] = reads[k](stored, False)
    return [results[k] for k in range(len(configs))]


def float64_weights(stored: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Stored weights (name -> nested lists) as float64 arrays."""
    return {name: np.asarray(value, dtype=np.float64) for name, value in stored.items()}
