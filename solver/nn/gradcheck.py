"""Central differences: the numeric gradient a hand-written backward pass is checked against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(loss: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """dloss/darray by central differences, perturbing ``array`` in place entry by entry.

    ``loss()`` must read ``array`` (e.g. a layer parameter); it is restored afterwards.
    The truncation error is O(eps^2), the rounding error about 1e-16 |loss| / eps.
    """
    gradient = np.zeros_like(array, dtype=np.float64)
    flat, out = array.reshape(-1), gradient.reshape(-1)
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + eps
        plus = loss()
        flat[k] = saved - eps
        minus = loss()
        flat[k] = saved
        out[k] = (plus - minus) / (2 * eps)
    return gradient
