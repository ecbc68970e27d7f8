"""Parts (a)-(c): one small, documented test input, evaluated in 40-digit arithmetic.

The weights and inputs are multiples of 0.1 drawn from a seeded generator, so
the sheet can print them exactly. The reference values come from mpmath at 40
significant digits, independently of :mod:`solver.nn`; the NumPy layers are
checked against them (and torch against both in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ....nn import RNN, Linear, MSELoss
from ..params import TestCaseParams

DIGITS = 40


@dataclass(frozen=True)
class TestCase:
    """Exact weights and inputs; 40-digit outputs (mpmath numbers)."""

    params: TestCaseParams
    W_x: sp.Matrix  # (H, 1)
    W_h: sp.Matrix  # (H, H)
    b: sp.Matrix  # (H, 1)
    W_f: sp.Matrix  # (1, H)
    b_f: sp.Rational
    x: tuple[sp.Rational, ...]  # (T,)
    labels: tuple[sp.Rational, ...]  # (T,) running averages, exact
    hidden: tuple[tuple[mpmath.mpf, ...], ...]  # (T, H): h_1 .. h_T
    predictions: tuple[mpmath.mpf, ...]  # (T,)
    losses: tuple[mpmath.mpf, mpmath.mpf]  # Task 1 (every step), Task 2 (last step)

    def arrays(self) -> dict[str, np.ndarray]:
        """The inputs as float64 arrays in the layers' shapes (batch of one)."""

        def floats(matrix: sp.Matrix) -> np.ndarray:
            return np.array(matrix.tolist(), dtype=np.float64)

        return {
            "W_x": floats(self.W_x),
            "W_h": floats(self.W_h),
            "b": floats(self.b)[:, 0],
            "W_f": floats(self.W_f),
            "b_f": np.array([float(self.b_f)]),
            "x": np.array([float(v) for v in self.x])[None, :, None],  # (1, T, 1)
            "labels": np.array([float(v) for v in self.labels])[None, :, None],  # (1, T, 1)
        }

    @property
    def hidden_floats(self) -> np.ndarray:
        return np.array([[float(v) for v in row] for row in self.hidden])  # (T, H)


def mp_floats(values) -> np.ndarray:
    """40-digit numbers as float64."""
    return np.array([float(v) for v in values], dtype=np.float64)


def _tenths(rng: np.random.Generator, low: int, high: int, shape: tuple[int, int]) -> sp.Matrix:
    draws = rng.integers(low, high + 1, size=shape)
    return sp.Matrix(shape[0], shape[1], [sp.Rational(int(k), 10) for k in draws.ravel()])


def _sigma(name: str, value: mpmath.mpf) -> mpmath.mpf:
    if name == "tanh":
        return mpmath.tanh(value)
    if name == "relu":
        return max(value, mpmath.mpf(0))
    return value


def solve(params: TestCaseParams) -> TestCase:
    rng = np.random.default_rng([params.seed, 3])
    hidden_size, steps = params.hidden_size, params.steps
    W_x = _tenths(rng, -8, 8, (hidden_size, 1))
    W_h = _tenths(rng, -5, 5, (hidden_size, hidden_size))
    b = _tenths(rng, -3, 3, (hidden_size, 1))
    W_f = _tenths(rng, -8, 8, (1, hidden_size))
    b_f = _tenths(rng, -3, 3, (1, 1))[0, 0]
    x = tuple(_tenths(rng, -10, 10, (steps, 1)))
    labels = tuple(sum(x[: t + 1], sp.Integer(0)) / (t + 1) for t in range(steps))

    with mpmath.workdps(DIGITS):

        def mp(value: sp.Rational) -> mpmath.mpf:
            return mpmath.mpf(int(value.p)) / int(value.q)

        h = [mpmath.mpf(0)] * hidden_size
        hidden, predictions = [], []
        for t in range(steps):
            h = [
                _sigma(
                    params.nonlinearity,
                    sum((mp(W_h[i, j]) * h[j] for j in range(hidden_size)), mpmath.mpf(0))
                    + mp(W_x[i, 0]) * mp(x[t])
                    + mp(b[i, 0]),
                )
                for i in range(hidden_size)
            ]
            hidden.append(tuple(h))
            predictions.append(sum((mp(W_f[0, j]) * h[j] for j in range(hidden_size)), mpmath.mpf(0)) + mp(b_f))
        errors = [p - mp(y) for p, y in zip(predictions, labels, strict=False)]
        losses = (sum(e * e for e in errors) / steps, errors[-1] ** 2)
    return TestCase(params, W_x, W_h, b, W_f, b_f, x, labels, tuple(hidden), tuple(predictions), losses)


def numpy_outputs(case: TestCase) -> dict[str, np.ndarray]:
    """The same outputs from the NumPy layers (float64): hidden (T, H), predictions (T,), losses (2,)."""
    arrays = case.arrays()
    rnn = RNN.from_weights(arrays["W_x"], arrays["W_h"], arrays["b"], case.params.nonlinearity)
    head = Linear.from_weights(arrays["W_f"], arrays["b_f"])
    hs, _ = rnn.forward(arrays["x"])  # (1, T, H)
    predictions, _ = head.forward(hs)  # (1, T, 1)
    losses = [MSELoss(last_only).forward(predictions, arrays["labels"])[0] for last_only in (False, True)]
    return {"hidden": hs[0], "predictions": predictions[0, :, 0], "losses": np.array(losses)}


def mistaken_outputs(case: TestCase) -> dict[str, dict[str, np.ndarray]]:
    """What typical wrong implementations print for the test input (float64, NumPy layers), by mistake:

    ``transposed``   the recurrence multiplies h_{t-1} by W_h's transpose (h_{t-1} W_h with rows as examples);
    ``sigma=<name>`` the layer applies another nonlinearity than the test cell names;
    ``summed``       Task 1's loss summed over the steps instead of averaged (T times the loss);
    ``task2_all``    Task 2's loss taken over every step (the last index of the wrong axis).
    Each holds hidden (T, H), predictions (T,) and losses (2,); 1B and 1C inherit 1A's mistake.
    """
    arrays = case.arrays()
    sigma = case.params.nonlinearity

    def outputs(W_h: np.ndarray, nonlinearity: str) -> dict[str, np.ndarray]:
        rnn = RNN.from_weights(arrays["W_x"], W_h, arrays["b"], nonlinearity)
        hs, _ = rnn.forward(arrays["x"])  # (1, T, H)
        predictions, _ = Linear.from_weights(arrays["W_f"], arrays["b_f"]).forward(hs)  # (1, T, 1)
        losses = [MSELoss(last_only).forward(predictions, arrays["labels"])[0] for last_only in (False, True)]
        return {"hidden": hs[0], "predictions": predictions[0, :, 0], "losses": np.array(losses)}

    right = outputs(arrays["W_h"], sigma)
    mistaken = {"transposed": outputs(arrays["W_h"].T, sigma)}
    for other in ("tanh", "relu", "identity"):
        if other != sigma:
            mistaken[f"sigma={other}"] = outputs(arrays["W_h"], other)
    steps = len(case.x)
    mistaken["summed"] = {**right, "losses": np.array([steps * right["losses"][0], right["losses"][1]])}
    mistaken["task2_all"] = {**right, "losses": np.array([right["losses"][0], right["losses"][0]])}
    return mistaken
