"""How Problem 3's variants are drawn: another test input for (a)-(c), the study and training kept."""

from __future__ import annotations

import numpy as np

from .key import short
from .params import Params, StudyParams, TestCaseParams, TrainingParams
from .solve import Solution


def sample(rng: np.random.Generator) -> Params:
    """Another test input for (a)-(c). The study and the training keep the homework's
    configuration: their figures and runs take seconds, and every variant then shares one
    cached copy (the written answers cite the same measured numbers for everyone)."""
    return Params(
        test_case=TestCaseParams(
            seed=int(rng.integers(0, 10_000)), hidden_size=int(rng.integers(2, 4)), steps=int(rng.integers(3, 6))
        ),
        study=StudyParams(),
        training=TrainingParams(),
    )


def guarantees(params: Params, solution: Solution) -> list[str]:
    n = solution.numbers
    broken = []
    if not n["small_ratio"] < 0.1:
        broken.append(
            f"the linear RNN with spectral radius {params.study.small_radius} did not vanish (ratio {short(n['small_ratio'])})"
        )
    if not n["large_ratio"] > 10:
        broken.append(
            f"the linear RNN with spectral radius {params.study.large_radius} did not explode (ratio {short(n['large_ratio'])})"
        )
    for name in ("small", "large"):
        if abs(n[f"{name}_slope"] - n[f"{name}_log_radius"]) > 0.05:
            broken.append(
                f"the {name}-radius slope {short(n[f'{name}_slope'])} is not near log rho = {short(n[f'{name}_log_radius'])}"
            )
    if not n["relu_ratio"] > 10 * n["tanh_ratio"] or not n["relu_hidden"] > 10 * n["tanh_hidden"]:
        broken.append("ReLU did not explode clearly more than tanh")
    if not n["all_ratio"] > 100 * n["last_ratio"]:
        broken.append("scoring every target did not change the gradient's decay")
    if not n["lstm_ratio"] > n["rnn_ratio"]:
        broken.append("the LSTM's gradient vanished faster than the RNN's")
    for layers, run in solution.trained.items():
        if not run.final_loss < run.target:
            broken.append(f"the {layers}-layer network ended at loss {short(run.final_loss)}, not below {run.target}")
    return broken
