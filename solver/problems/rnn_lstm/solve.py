"""How Problem 3 is solved: the test input in 40 digits, the gradient study, the identities, the training.

The study's curves (d)-(h) and the training of (k) are what the solution notebook computes:
its study and training cells run here (:func:`solver.notebooks.execute.run`, cached), and
their saved curves and weights fill the Solution. The NumPy layers computed the same study
independently (``numpy_study``); :mod:`.checks` holds the two together and re-evaluates the
notebook's trained weights.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ...io.cache import Cache
from ...kernel.problem import BuildContext
from ...notebooks.cells import Cell
from ...notebooks.execute import run
from ...notebooks.solution import Contribution, plan
from . import notebook
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
    numpy_study: Study | None = field(default=None, repr=False, compare=False)  # the NumPy layers' own study

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


def notebook_files(params: Params, case: TestCase, cache: Cache) -> dict[str, Any]:
    """The JSON files the notebook's study and training cells write (each run alone, as the notebook
    build runs it, so that build reads the same cache entries)."""
    cells = notebook.notebook_cells(params, case)
    wanted = {
        notebook.STUDY_CELL: notebook.STUDY_FILE,
        notebook.LSTM_CELL: notebook.LSTM_FILE,
        notebook.TRAINING_CELL: notebook.TRAINING_FILE,
    }
    files: dict[str, Any] = {}
    for planned in plan([Contribution(tuple(cells))]):
        if planned.shown[0] in wanted and len(planned.shown) == 1:
            name = wanted[planned.shown[0]]
            ran = run(planned.cells, planned.shown, cache, planned.data_folders, keep=(name,))
            files[name] = json.loads(ran.files[name].decode("utf-8"))
    return files


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    context = context or BuildContext()
    cache = Cache(context.cache_dir)
    case = testcases.solve(params.test_case)
    numpy_study = gradients.run_study(params.study)
    files = notebook_files(params, case, cache)
    labels = notebook.study_labels(params)
    curves = {name: files[notebook.STUDY_FILE][labels[name]] for name in notebook.RNN_RUNS}
    curves.update({name: files[notebook.LSTM_FILE][labels[name]] for name in notebook.LSTM_RUNS if name not in curves})
    return Solution(
        params,
        case,
        gradients.with_curves(numpy_study, params.study, curves),
        derivations.linear_gradient(2, 3),
        derivations.cell_gradient(),
        training.from_notebook(params.training, files[notebook.TRAINING_FILE]),
        cache,
        numpy_study,
    )


def cells(solution: Solution) -> list[Cell]:
    """The notebook's cells for this variant (the Problem's notebook hook)."""
    return notebook.notebook_cells(solution.params, solution.case)
