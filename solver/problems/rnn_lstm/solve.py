"""How Problem 3 is solved: the test input in 40 digits, the gradient study, the identities, the training."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ...io.cache import Cache
from ...kernel.problem import BuildContext
from .params import Params
from .study import derivations, gradients, testcases, training
from .study.gradients import Study
from .study.testcases import TestCase
from .study.training import TrainedRun


@dataclass(frozen=True)
class Solution:
    params: Params
    case: TestCase
    study: Study
    linear_check: derivations.LinearGradientCheck
    cell_check: derivations.CellGradientCheck
    trained: dict[int, TrainedRun]
    cache: Cache = field(repr=False, compare=False)

    @cached_property
    def numbers(self) -> dict[str, float]:
        """The measured numbers the written answers cite."""
        runs, rates, paths = self.study.runs, self.study.rates, self.study.paths
        tanh = gradients.build_network(runs["tanh"].config)
        hs, _ = tanh.layer.forward(tanh.x)
        default_tanh = gradients.build_network(runs["rnn_default"].config)
        default_hs, _ = default_tanh.layer.forward(default_tanh.x)
        default_relu = gradients.build_network(runs["relu_default"].config)
        relu_hs, _ = default_relu.layer.forward(default_relu.x)
        return {
            "small_ratio": runs["linear_small"].ratio,
            "large_ratio": runs["linear_large"].ratio,
            "small_slope": rates["linear_small"].slope,
            "large_slope": rates["linear_large"].slope,
            "small_log_radius": rates["linear_small"].log_radius,
            "large_log_radius": rates["linear_large"].log_radius,
            "tanh_ratio": runs["tanh"].ratio,
            "relu_ratio": runs["relu"].ratio,
            "tanh_hidden": float(runs["tanh"].hidden[-1]),
            "relu_hidden": float(runs["relu"].hidden[-1]),
            "tanh_saturated": float(np.mean(np.abs(hs) > 0.99)),
            "default_tanh_ratio": runs["rnn_default"].ratio,
            "default_relu_ratio": runs["relu_default"].ratio,
            "default_tanh_hidden": float(runs["rnn_default"].hidden[-1]),
            "default_relu_hidden": float(runs["relu_default"].hidden[-1]),
            "default_relu_inactive": float(np.mean(relu_hs <= 0)),  # h = ReLU(a) is 0 exactly where the slope is 0
            "default_tanh_slope": float(np.mean(1.0 - default_hs**2)),
            "default_radius": float(np.max(np.abs(np.linalg.eigvals(default_tanh.layer.params["W_h"])))),
            "last_ratio": runs["rnn_default"].ratio,
            "all_ratio": runs["rnn_all_targets"].ratio,
            "last_share": self.study.last_target_share,
            "rnn_ratio": runs["rnn_default"].ratio,
            "lstm_ratio": runs["lstm_default"].ratio,
            "lstm_cell_ratio": float(runs["lstm_default"].cell[0] / runs["lstm_default"].cell[-1]),
            "forget_ratio": runs["lstm_forget"].ratio,
            "direct_norm": float(np.linalg.norm(paths.direct)),
            "through_norm": float(np.linalg.norm(paths.through_hidden)),
            "total_norm": float(np.linalg.norm(paths.total)),
            "mean_forget": paths.mean_forget,
        }


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    context = context or BuildContext()
    cache = Cache(context.cache_dir)
    study = gradients.run_study(params.study)
    trained = training.run_training(params.training, cache, progress=context.progress)
    solution = Solution(
        params,
        testcases.solve(params.test_case),
        study,
        derivations.linear_gradient(2, 3),
        derivations.cell_gradient(),
        trained,
        cache,
    )
    return solution
