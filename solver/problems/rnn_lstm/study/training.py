"""Part (k): one- and two-layer networks trained on the running-average task (every step scored).

Training is the slow part of the sheet, so each run is cached under its
configuration's hash (:mod:`solver.cache`): a rebuild with the same
parameters and version reads the curve and the trained weights back.

Training runs in float32 on one BLAS thread: measured on the 2-core build
machine, float32 takes about half the time of float64 and reaches the same
losses, and one thread is several times faster than two for these small
matrices. The final loss is evaluated again in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp
from threadpoolctl import threadpool_limits

from ....core.params import Number, ParamsBase, param, to_jsonable
from ....io.cache import Cache, cache_key
from ....nn import Adam, MSELoss, SequenceRegressor, cosine_schedule, train
from .data import running_average_data

CACHE_KIND = "rnn_lstm-training"
FORMAT = 1  # bump when the training procedure changes what it produces
LAYERS = (1, 2)


@dataclass(frozen=True)
class TrainingParams(ParamsBase):
    seed: int = param(0, "seed of the training data, initial weights and batch order", minimum=0, maximum=2**31 - 1)
    cell: Literal["rnn", "lstm"] = param("rnn", "recurrent layer of the trained networks")
    nonlinearity: Literal["tanh", "relu", "identity"] = param("tanh", "sigma of the RNN layers")
    hidden_size: int = param(32, "width H of every layer", minimum=1, maximum=256)
    steps: int = param(10, "sequence length T", minimum=1, maximum=100)
    train_size: int = param(256, "training sequences", minimum=1, maximum=10000)
    batch_size: int = param(64, "sequences per Adam step", minimum=1, maximum=10000)
    epochs: int = param(300, "passes over the training set", minimum=1, maximum=5000)
    learning_rate: Number = param(sp.Rational("0.01"), "Adam's initial learning rate", minimum=0, maximum=1)
    final_lr_ratio: Number = param(
        sp.Rational("0.01"), "cosine decay: the last epoch's rate over the first", minimum=0, maximum=1
    )
    dtype: Literal["float32", "float64"] = param("float32", "arithmetic while training")
    one_layer_target: Number = param(sp.Rational("0.01"), "training loss the 1-layer network must get below", minimum=0)
    two_layer_target: Number = param(
        sp.Rational("0.001"), "training loss the 2-layer network must get below", minimum=0
    )

    def target(self, layers: int) -> float:
        return float(self.one_layer_target if layers == 1 else self.two_layer_target)


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
    import time

    dtype = np.dtype(params.dtype)
    x, y = training_data(params, dtype)
    model = new_model(params, layers, dtype)
    optimizer = Adam(model.named_parameters(), lr=float(params.learning_rate))
    loss = MSELoss()

    def training_loss() -> float:
        return loss.forward(model.forward(x)[0], y)[0]

    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        history = train(
            model,
            loss,
            x,
            y,
            optimizer,
            epochs=params.epochs,
            batch_size=params.batch_size,
            rng=np.random.default_rng([params.seed, 13, layers]),
            target=params.target(layers),
            progress=progress,
            label=f"training {layers}-layer {params.cell.upper()}",
            evaluate=training_loss,
            lr_schedule=cosine_schedule(float(params.learning_rate), params.epochs, float(params.final_lr_ratio)),
        )
    seconds = time.perf_counter() - start
    weights = {name: value.astype(np.float64).tolist() for name, value in model.named_parameters().items()}
    return {"losses": history.losses, "reached_at": history.reached_at, "weights": weights, "seconds": seconds}


def run_training(params: TrainingParams, cache: Cache, *, progress: bool = False) -> dict[int, TrainedRun]:
    """Train (or read from the cache) the 1- and 2-layer networks."""
    runs = {}
    for layers in LAYERS:
        key = cache_key(CACHE_KIND, {"format": FORMAT, "params": to_jsonable(params), "layers": layers})
        stored = cache.read_json(CACHE_KIND, key)
        cached = stored is not None and _complete(stored)
        if not cached:
            stored = _train(params, layers, progress)
            cache.write_json(CACHE_KIND, key, stored)
        weights = {name: np.asarray(value, dtype=np.float64) for name, value in stored["weights"].items()}
        runs[layers] = TrainedRun(
            layers=layers,
            losses=tuple(float(v) for v in stored["losses"]),
            final_loss=evaluate(params, layers, weights),
            reached_at=stored["reached_at"],
            target=params.target(layers),
            weights=weights,
            seconds=0.0 if cached else float(stored["seconds"]),
            cached=cached,
        )
    return runs


def _complete(stored: object) -> bool:
    return isinstance(stored, dict) and {"losses", "reached_at", "weights"} <= set(stored)
