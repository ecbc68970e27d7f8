"""Problem 3's parameters: the test input of (a)-(c), the gradient study of (d)-(j), the training of (k)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy as sp

from ...kernel.errors import ParamsError
from ...kernel.params import Number, ParamsBase, param


@dataclass(frozen=True)
class TestCaseParams(ParamsBase):
    seed: int = param(6, "seed of the test weights and inputs (multiples of 0.1)", minimum=0, maximum=2**31 - 1)
    hidden_size: int = param(3, "H of the test RNN", minimum=1, maximum=6)
    steps: int = param(4, "T of the test sequence", minimum=1, maximum=8)
    nonlinearity: Literal["tanh", "relu", "identity"] = param("tanh", "sigma of the test RNN")


@dataclass(frozen=True)
class StudyParams(ParamsBase):
    seed: int = param(0, "seed of the study's weights and data", minimum=0, maximum=2**31 - 1)
    hidden_size: int = param(16, "H of every network in the study", minimum=2, maximum=64)
    steps: int = param(60, "sequence length T of the study", minimum=5, maximum=200)
    batch: int = param(16, "sequences in the study's batch", minimum=1, maximum=256)
    input_scale: Number = param(sp.Rational("1"), "standard deviation of the input weights W_x", minimum=0, maximum=10)
    small_radius: Number = param(
        sp.Rational("0.9"), "spectral radius of W_h for the vanishing linear RNN (below 1)", minimum=0, maximum=1
    )
    large_radius: Number = param(
        sp.Rational("1.1"), "spectral radius of W_h for the exploding linear RNN (above 1)", minimum=1, maximum=3
    )
    nonlinear_radius: Number = param(
        sp.Rational("3"), "spectral radius of W_h for tanh against ReLU", minimum=0, maximum=4
    )
    forget_bias: Number = param(sp.Rational("1"), "forget-gate bias of the second LSTM", minimum=-5, maximum=5)

    def validate(self) -> None:
        if not 0 < self.small_radius < 1:
            raise ParamsError("small_radius", "a number strictly between 0 and 1", str(self.small_radius))
        if not self.large_radius > 1:
            raise ParamsError("large_radius", "a number strictly above 1", str(self.large_radius))
        if not self.nonlinear_radius > 0:
            raise ParamsError("nonlinear_radius", "a positive number", str(self.nonlinear_radius))


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

    def validate(self) -> None:
        if not self.learning_rate > 0:  # Adam takes no step at a rate of 0
            raise ParamsError("learning_rate", "a number above 0", str(self.learning_rate))
        if self.cell != "rnn":  # the notebook's section 1.K stacks RNN layers
            raise ParamsError("cell", "rnn (the notebook's 1.K trains stacked RNNs)", self.cell)

    def target(self, layers: int) -> float:
        return float(self.one_layer_target if layers == 1 else self.two_layer_target)


@dataclass(frozen=True)
class Params(ParamsBase):
    test_case: TestCaseParams = param(doc="parts (a)-(c): the test input", default_factory=TestCaseParams)
    study: StudyParams = param(doc="parts (d)-(j): the gradient study", default_factory=StudyParams)
    training: TrainingParams = param(doc="part (k): training to the loss thresholds", default_factory=TrainingParams)
