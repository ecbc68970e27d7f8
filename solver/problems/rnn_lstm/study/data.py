"""The running-average task: inputs x_1..x_T, labels y_t = (x_1 + ... + x_t) / t."""

from __future__ import annotations

import numpy as np


def running_average(x: np.ndarray) -> np.ndarray:
    """Labels for inputs (B, T, D): the mean of every input so far, per feature."""
    steps = x.shape[1]
    return np.cumsum(x, axis=1) / np.arange(1, steps + 1, dtype=x.dtype)[None, :, None]  # (B, T, D)


def running_average_data(
    count: int, steps: int, rng: np.random.Generator, dtype=np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` sequences of ``steps`` standard-normal numbers and their running averages."""
    x = rng.standard_normal((count, steps, 1))  # (B, T, 1)
    return x.astype(dtype), running_average(x).astype(dtype)
