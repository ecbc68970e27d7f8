"""How Problem 3's variants are drawn: another test input for (a)-(c), the study and training kept."""

from __future__ import annotations

import numpy as np

from ...kernel.degenerate import Degenerate
from .key import short
from .params import Params, StudyParams, TestCaseParams, TrainingParams
from .solve import Solution

HOMEWORK_CASE = TestCaseParams()  # the homework's test case: H = 3, T = 4, so 12 hidden values to fill in
STEPS_BAND = (HOMEWORK_CASE.steps - 1, HOMEWORK_CASE.steps + 1)  # T = 3 to 5: 9 to 15 hidden values


def sample(rng: np.random.Generator) -> Params:
    """Another test input for (a)-(c): the homework's H and a T within one step of its own (see
    :data:`STEPS_BAND`). The study and the training keep the homework's configuration: their
    figures and runs take seconds, and every variant then shares one cached copy (the written
    answers cite the same measured numbers for everyone)."""
    low, high = STEPS_BAND
    return Params(
        test_case=TestCaseParams(
            seed=int(rng.integers(0, 10_000)),
            hidden_size=HOMEWORK_CASE.hidden_size,
            steps=int(rng.integers(low, high + 1)),
        ),
        study=StudyParams(),
        training=TrainingParams(),
    )


def _size_outside_band(params: Params, solution: Solution) -> bool:
    case = params.test_case
    low, high = STEPS_BAND
    return case.hidden_size != HOMEWORK_CASE.hidden_size or not low <= case.steps <= high


DEGENERATE = (
    Degenerate(
        "3(a) last input zero", "x_T = 0 drops the input's term from the last step", lambda p, s: s.case.x[-1] == 0
    ),
    Degenerate(
        "3(a) size outside band",
        f"the test case should have the homework's H = {HOMEWORK_CASE.hidden_size} and T from "
        f"{STEPS_BAND[0]} to {STEPS_BAND[1]} (the homework's T = {HOMEWORK_CASE.steps}, one step either way)",
        _size_outside_band,
    ),
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
