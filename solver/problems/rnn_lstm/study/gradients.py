"""Parts (d)-(j): the gradient-magnitude tool and the vanishing/exploding study.

:func:`gradient_magnitudes` is the tool of part (d): a configuration in, the
per-step norms ||dL/dh_t|| and ||h_t|| (and ||dL/dC_t|| for an LSTM) out, for
a randomly initialised network on a batch of the running-average task. A
norm is the Frobenius norm over the batch and the hidden units at one step.
:func:`run_study` runs the configurations the sheet compares.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from ....nn import LSTM, RNN, Linear, MSELoss
from ..params import StudyParams
from .data import running_average_data


@dataclass(frozen=True)
class GradientConfig:
    """One network of the study. ``radius=None`` keeps the layer's default initialisation;
    otherwise W_h (RNN) is a Gaussian matrix scaled to that spectral radius, W_x has
    standard deviation ``input_scale`` and b = 0."""

    cell: Literal["rnn", "lstm"] = "rnn"
    nonlinearity: str = "tanh"
    hidden_size: int = 16
    steps: int = 60
    batch: int = 16
    seed: int = 0
    radius: float | None = None
    input_scale: float = 1.0
    last_target_only: bool = True
    forget_bias: float = 0.0


@dataclass(frozen=True)
class Magnitudes:
    """What the tool returns: per-step norms, index 0 is t = 1."""

    config: GradientConfig
    grad: np.ndarray  # (T,) ||dL/dh_t||
    hidden: np.ndarray  # (T,) ||h_t||
    cell_grad: np.ndarray | None  # (T,) ||dL/dC_t||, LSTM only
    loss: float

    @property
    def cell(self) -> np.ndarray:
        """``cell_grad`` of an LSTM run (an RNN has no cell state)."""
        if self.cell_grad is None:
            raise ValueError(f"a {self.config.cell} run has no cell-state gradient")
        return self.cell_grad

    @property
    def ratio(self) -> float:
        """||dL/dh_1|| / ||dL/dh_T||: below 1 the gradient shrinks going back in time."""
        return float(self.grad[0] / self.grad[-1])


@dataclass
class Network:
    """A study network rebuilt from its config: the layer, the head, the batch."""

    layer: RNN | LSTM
    head: Linear
    x: np.ndarray  # (B, T, 1)
    y: np.ndarray  # (B, T, 1)
    loss: MSELoss


def scaled_to_radius(rng: np.random.Generator, size: int, radius: float) -> np.ndarray:
    """A Gaussian (size, size) matrix rescaled so that its largest |eigenvalue| is ``radius``."""
    matrix = rng.standard_normal((size, size))
    return matrix * (radius / np.max(np.abs(np.linalg.eigvals(matrix))))


def build_network(config: GradientConfig) -> Network:
    rng = np.random.default_rng([config.seed, 4])
    x, y = running_average_data(config.batch, config.steps, rng)
    hidden = config.hidden_size
    layer: RNN | LSTM
    if config.cell == "lstm":
        layer = LSTM(1, hidden, rng=rng)
        layer.params["b"][:hidden] += config.forget_bias  # the f block comes first
    elif config.radius is None:
        layer = RNN(1, hidden, config.nonlinearity, rng=rng)
    else:
        W_h = scaled_to_radius(rng, hidden, config.radius)
        W_x = config.input_scale * rng.standard_normal((hidden, 1))
        layer = RNN.from_weights(W_x, W_h, np.zeros(hidden), config.nonlinearity)
    head = Linear(hidden, 1, rng=rng)
    return Network(layer, head, x, y, MSELoss(config.last_target_only))


def gradient_magnitudes(config: GradientConfig) -> Magnitudes:
    """The tool of part (d): per-step ||dL/dh_t||, ||h_t|| (and ||dL/dC_t||) for ``config``."""
    # sheet: begin gradient_tool
    net = build_network(config)
    hs, layer_ctx = net.layer.forward(net.x)  # (B, T, H)
    predictions, head_ctx = net.head.forward(hs)  # (B, T, 1)
    loss, loss_ctx = net.loss.forward(predictions, net.y)
    d_hs = net.head.backward(head_ctx, net.loss.backward(loss_ctx)).d_input  # (B, T, H)
    result = net.layer.backward(layer_ctx, d_hs)
    # sheet: end gradient_tool
    assert result.d_hidden is not None  # a recurrent layer always returns it
    # sheet: begin gradient_tool
    gradient_norms = np.linalg.norm(result.d_hidden, axis=(0, 2))  # (T,): over the batch and the hidden units
    hidden_norms = np.linalg.norm(hs, axis=(0, 2))  # (T,)
    # sheet: end gradient_tool
    cell = None if result.d_cell is None else np.linalg.norm(result.d_cell, axis=(0, 2))
    return Magnitudes(config, gradient_norms, hidden_norms, cell, loss)


# --------------------------------------------------------------------------- the study

#: name -> what the sheet calls it; the order is the order of the key's 3d entries.
RUNS = {
    "linear_small": "linear, spectral radius below 1",
    "linear_large": "linear, spectral radius above 1",
    "tanh": "tanh",
    "relu": "ReLU",
    "rnn_default": "RNN (tanh), default initialisation",
    "rnn_all_targets": "RNN (tanh), default initialisation, every step scored",
    "lstm_default": "LSTM, default initialisation",
    "lstm_forget": "LSTM, forget-gate bias",
    "relu_default": "RNN (ReLU), default initialisation",  # (f): ReLU with rnn_default's weights
}


def study_configs(params: StudyParams) -> dict[str, GradientConfig]:
    base = GradientConfig(
        hidden_size=params.hidden_size,
        steps=params.steps,
        batch=params.batch,
        seed=params.seed,
        input_scale=float(params.input_scale),
    )
    nonlinear = replace(base, radius=float(params.nonlinear_radius))
    return {
        "linear_small": replace(base, nonlinearity="identity", radius=float(params.small_radius)),
        "linear_large": replace(base, nonlinearity="identity", radius=float(params.large_radius)),
        "tanh": replace(nonlinear, nonlinearity="tanh"),
        "relu": replace(nonlinear, nonlinearity="relu"),
        "rnn_default": base,
        "rnn_all_targets": replace(base, last_target_only=False),
        "lstm_default": replace(base, cell="lstm"),
        "lstm_forget": replace(base, cell="lstm", forget_bias=float(params.forget_bias)),
        "relu_default": replace(base, nonlinearity="relu"),
    }


@dataclass(frozen=True)
class LinearRate:
    """Part (e), measured: how fast log ||dL/dh_t|| changes per step back in time."""

    slope: float  # least-squares slope of log ||dL/dh_t|| against T - t, over the steps with T - t >= T/2
    log_radius: float  # log rho(W_h)
    log_sigma_max: float  # log of W_h's largest singular value
    log_sigma_min: float  # log of W_h's smallest singular value


def linear_rate(run: Magnitudes) -> LinearRate:
    W_h = build_network(run.config).layer.params["W_h"]
    steps = len(run.grad)
    back = np.arange(steps)[::-1]  # T - t for t = 1..T
    # The far half (T - t >= T/2): by then the largest eigenvalues dominate the power.
    far = slice(0, steps - steps // 2)
    slope = float(np.polyfit(back[far], np.log(run.grad[far]), 1)[0])
    singular = np.linalg.svd(W_h, compute_uv=False)
    radius = float(np.max(np.abs(np.linalg.eigvals(W_h))))
    return LinearRate(slope, float(np.log(radius)), float(np.log(singular[0])), float(np.log(singular[-1])))


@dataclass(frozen=True)
class CellPaths:
    """Part (i), measured on the default LSTM with the last-step loss, at C_{T-1}."""

    total: np.ndarray  # (B, H) dL/dC_{T-1} from backprop
    direct: np.ndarray  # (B, H) dL/dC_T * f_T
    through_hidden: np.ndarray  # (B, H) dL/dh_{T-1} * o_{T-1} * (1 - tanh^2 C_{T-1})
    mean_forget: float  # mean of f_t over every step, unit and sequence


def cell_paths(config: GradientConfig) -> CellPaths:
    net = build_network(config)
    layer: LSTM = net.layer  # type: ignore[assignment]
    hs, ctx = layer.forward(net.x)
    predictions, head_ctx = net.head.forward(hs)
    _, loss_ctx = net.loss.forward(predictions, net.y)
    result = layer.backward(ctx, net.head.backward(head_ctx, net.loss.backward(loss_ctx)).d_input)
    assert result.d_hidden is not None and result.d_cell is not None  # an LSTM's backward gives both
    _, _, _, gates, _, tanh_cs, _ = ctx
    hidden = layer.hidden_size
    forget = gates[..., :hidden]  # (B, T, H)
    out_gate = gates[..., 2 * hidden : 3 * hidden]  # (B, T, H)
    direct = result.d_cell[:, -1] * forget[:, -1]  # (B, H)
    through_hidden = result.d_hidden[:, -2] * out_gate[:, -2] * (1.0 - tanh_cs[:, -2] ** 2)  # (B, H)
    return CellPaths(result.d_cell[:, -2], direct, through_hidden, float(forget.mean()))


@dataclass(frozen=True)
class Study:
    runs: dict[str, Magnitudes]
    rates: dict[str, LinearRate]  # linear_small, linear_large
    paths: CellPaths
    last_target_share: float  # part (g): share of ||dL/dh_1|| that the last target contributes when all are scored


@functools.lru_cache(maxsize=16)
def run_study(params: StudyParams) -> Study:
    """The whole study; memoised because variants share it (treat the result as read-only)."""
    runs = {name: gradient_magnitudes(config) for name, config in study_configs(params).items()}
    rates = {name: linear_rate(runs[name]) for name in ("linear_small", "linear_large")}
    paths = cell_paths(runs["lstm_default"].config)
    # Scoring every step averages over T terms, so the last target's term of that loss is
    # the last-step loss divided by T; same network and batch, so its gradient scales alike.
    share = float(runs["rnn_default"].grad[0] / params.steps / runs["rnn_all_targets"].grad[0])
    return Study(runs, rates, paths, share)


def with_curves(study: Study, params: StudyParams, curves: dict[str, dict]) -> Study:
    """``study`` with every run's per-step norms replaced by ``curves`` (name -> {"grad", "hidden",
    "cell"}: what the notebook's gradient tool measured), and what is derived from them again."""
    runs = {
        name: replace(
            measured,
            grad=np.asarray(curves[name]["grad"], dtype=np.float64),
            hidden=np.asarray(curves[name]["hidden"], dtype=np.float64),
            cell_grad=None if curves[name]["cell"] is None else np.asarray(curves[name]["cell"], dtype=np.float64),
        )
        for name, measured in study.runs.items()
    }
    rates = {name: linear_rate(runs[name]) for name in ("linear_small", "linear_large")}
    share = float(runs["rnn_default"].grad[0] / params.steps / runs["rnn_all_targets"].grad[0])
    return Study(runs, rates, study.paths, share)
