"""Float64 convolution routes that cross-check :mod:`.exact`, written independently.

Correlation uses NumPy's sliding windows over a zero-padded array. The
transpose convolution is not computed by placing copies (the exact route)
but as what it is by definition: the adjoint of the strided, padded
correlation. Its matrix is built column by column from unit inputs and then
transposed.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def correlate(x: np.ndarray, w: np.ndarray, strides: tuple[int, ...], paddings: tuple[int, ...]) -> np.ndarray:
    """Slide ``w`` over zero-padded ``x`` without flipping; any number of axes (1 or 2 here)."""
    padded = np.pad(np.asarray(x, dtype=np.float64), [(p, p) for p in paddings])
    views = sliding_window_view(padded, np.shape(w))  # (*positions, *kernel)
    views = views[tuple(slice(None, None, s) for s in strides)]  # (*out, *kernel)
    axes = tuple(range(-np.ndim(w), 0))
    return np.tensordot(views, np.asarray(w, dtype=np.float64), axes=(axes, tuple(range(np.ndim(w)))))  # (*out,)


def windows_matrix(signal: np.ndarray, kernel: int, stride: int, padding: int) -> np.ndarray:
    """A in A f = y: row i is the zero-padded signal's window met by output i, (outputs, kernel)."""
    padded = np.pad(np.asarray(signal, dtype=np.float64), (padding, padding))  # (n + 2p,)
    return sliding_window_view(padded, kernel)[::stride]  # (outputs, kernel)


def transpose_conv(x: np.ndarray, w: np.ndarray, strides: tuple[int, ...], paddings: tuple[int, ...]) -> np.ndarray:
    """Transpose convolution as the adjoint of ``correlate`` (same filter, strides, paddings)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    out_shape = tuple((n - 1) * s + k - 2 * p for n, k, s, p in zip(x.shape, w.shape, strides, paddings, strict=False))
    size = int(np.prod(out_shape))
    columns = []
    for j in range(size):
        unit = np.zeros(size)
        unit[j] = 1.0
        columns.append(correlate(unit.reshape(out_shape), w, strides, paddings).ravel())  # (x.size,)
    forward = np.stack(columns, axis=1)  # (x.size, out.size): correlation maps out-sized arrays to x-sized ones
    return (forward.T @ x.ravel()).reshape(out_shape)  # (*out,)
