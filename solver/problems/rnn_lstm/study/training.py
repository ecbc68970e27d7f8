"""Part (k): one- and two-layer networks trained on the running-average task (every step scored).

The sheet reports the solution notebook's training (section 1.K, PyTorch):
:func:`from_notebook` reads the losses and final weights its training cell
saves, and :func:`evaluate` is the NumPy stack's float64 loss of those weights,
the second backend's check. :func:`run_training` trains the same networks with
:func:`solver.nn.fit` (NumPy, float32, Adam on a cosine schedule, cached under
the configuration's hash); it is the NumPy backend's own training, kept for the
tests that hold the two trainings to the same thresholds and the cache's
tamper checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ....io.cache import Cache
from ....kernel.params import to_jsonable
from ....nn import MSELoss, SequenceRegressor, cached_fit, fit, float64_weights
from ..params import TrainingParams
from .data import running_average_data

CACHE_KIND = "rnn_lstm-training"
FORMAT = 1  # bump when the training procedure changes what it produces
LAYERS = (1, 2)


@dataclass(frozen=True)
class TrainedRun:
    layers: int
    losses: tuple[float, ...]  # training loss after each epoch (whole training set)
    final_loss: float  # the trained weights' loss on the training set, in float64
    reached_at: int | None  # first epoch below the target
    target: float
    weights: dict[str, np.ndarray]  # the trained parameters, float64 copies
    seconds: float  # wall time of the training when it ran (0 when read from the cache)
    cached: bool

    @property
    def stays_below_from(self) -> int | None:
        """The first epoch after which every epoch's loss is below the target (None: the last one is not).

        The loss can dip below the target and come back above it, so this is not ``reached_at``.
        """
        epoch = len(self.losses)
        if not epoch or not self.losses[-1] < self.target:
            return None
        while epoch > 1 and self.losses[epoch - 2] < self.target:
            epoch -= 1
        return epoch


def training_data(params: TrainingParams, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    return running_average_data(params.train_size, params.steps, np.random.default_rng([params.seed, 11]), dtype)


def new_model(params: TrainingParams, layers: int, dtype=np.float64) -> SequenceRegressor:
    rng = np.random.default_rng([params.seed, 12, layers])
    return SequenceRegressor.build(
        1, params.hidden_size, 1, layers, params.cell, params.nonlinearity, rng=rng, dtype=dtype
    )


def evaluate(params: TrainingParams, layers: int, weights: dict[str, np.ndarray]) -> float:
    """The loss of ``weights`` on the training set, in float64 (every step scored)."""
    model = new_model(params, layers)
    model.load(weights)
    x, y = training_data(params)
    predictions, _ = model.forward(x)
    return MSELoss().forward(predictions, y)[0]


def _train(params: TrainingParams, layers: int, progress: bool) -> dict:
    dtype = np.dtype(params.dtype)
    x, y = training_data(params, dtype)
    model = new_model(params, layers, dtype)
    loss = MSELoss()

    def training_loss() -> float:
        return loss.forward(model.forward(x)[0], y)[0]

    fitted = fit(
        model,
        loss,
        params,
        inputs=x,
        targets=y,
        batch_size=params.batch_size,
        rng=np.random.default_rng([params.seed, 13, layers]),
        target=params.target(layers),
        progress=progress,
        label=f"training {layers}-layer {params.cell.upper()}",
        evaluate=training_loss,
    )
    history = fitted.history
    return {
        "losses": history.losses,
        "reached_at": history.reached_at,
        "weights": fitted.weights,
        "seconds": fitted.seconds,
    }


def _read(params: TrainingParams, layers: int, stored: Any, cached: bool) -> TrainedRun:
    """A cache entry as a :class:`TrainedRun` (raises KeyError, ValueError, ... when it is damaged)."""
    weights = float64_weights(stored["weights"])
    return TrainedRun(
        layers=layers,
        losses=tuple(float(v) for v in stored["losses"]),
        final_loss=evaluate(params, layers, weights),  # loading checks the shapes
        reached_at=stored["reached_at"],
        target=params.target(layers),
        weights=weights,
        seconds=0.0 if cached else float(stored["seconds"]),
        cached=cached,
    )


def run_training(params: TrainingParams, cache: Cache, *, progress: bool = False) -> dict[int, TrainedRun]:
    """Train (or read from the cache) the 1- and 2-layer networks."""
    runs = {}
    for layers in LAYERS:
        config = {"format": FORMAT, "params": to_jsonable(params), "layers": layers}
        train = partial(_train, params, layers, progress)
        runs[layers] = cached_fit(cache, CACHE_KIND, config, train, partial(_read, params, layers))
    return runs


def from_notebook(params: TrainingParams, stored: Any) -> dict[int, TrainedRun]:
    """The runs the notebook's training cell saved (layers -> its losses, float64 final loss and weights)."""
    runs = {}
    for layers in LAYERS:
        entry = stored[str(layers)]
        losses = tuple(float(v) for v in entry["losses"])
        target = params.target(layers)
        below = [epoch for epoch, loss in enumerate(losses, start=1) if loss < target]
        runs[layers] = TrainedRun(
            layers=layers,
            losses=losses,
            final_loss=float(entry["final"]),
            reached_at=below[0] if below else None,
            target=target,
            weights={name: np.asarray(value, dtype=np.float64) for name, value in entry["weights"].items()},
            seconds=0.0,
            cached=True,
        )
    return runs
