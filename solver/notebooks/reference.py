"""The pieces students write in the notebook, as standalone NumPy reference functions.

Each function's source is copied into the notebooks: its signature and docstring
into the starter (with a ``raise NotImplementedError`` body), the whole function
into the solution. They import nothing but NumPy, so the notebooks run anywhere;
``tests/test_notebooks.py`` checks them against :mod:`solver.nn`. Shapes: a
batch of sequences is (B, T, D), a hidden state (B, H). The RNN uses the
homework's column-vector weights (W_h (H, H), W_x (H, D)); the LSTM its
row-vector weights (U (D, 4H), W (H, 4H), b (4H,), gate blocks f, i, o, g).
"""

from __future__ import annotations

import numpy as np


def activate(a, nonlinearity):
    """sigma(a) for nonlinearity "tanh", "relu" or "identity"."""
    if nonlinearity == "tanh":
        return np.tanh(a)
    if nonlinearity == "relu":
        return np.maximum(a, 0.0)
    return a


def rnn_step(x_t, h_prev, W_x, W_h, b, nonlinearity="tanh"):
    """One step h_t = sigma(W_h h_{t-1} + W_x x_t + b) for a batch: x_t (B, D), h_prev (B, H) -> (B, H)."""
    return activate(h_prev @ W_h.T + x_t @ W_x.T + b, nonlinearity)


def rnn_forward(x, W_x, W_h, b, nonlinearity="tanh", h0=None):
    """Unroll rnn_step over x (B, T, D) from h0 (zeros when None); returns every h_t, (B, T, H)."""
    batch, steps, _ = x.shape
    h = np.zeros((batch, W_h.shape[0])) if h0 is None else h0
    hs = []
    for t in range(steps):
        h = rnn_step(x[:, t], h, W_x, W_h, b, nonlinearity)
        hs.append(h)
    return np.stack(hs, axis=1)


def regression_head(hs, W_f, b_f):
    """One prediction per step, y_t = W_f h_t + b_f: hs (B, T, H), W_f (O, H), b_f (O,) -> (B, T, O)."""
    return hs @ W_f.T + b_f


def mse_all_steps(predictions, labels):
    """Task 1: the mean squared error over every step (and batch row and output)."""
    return float(np.mean((predictions - labels) ** 2))


def mse_last_step(predictions, labels):
    """Task 2: the mean squared error of the last step only."""
    return float(np.mean((predictions[:, -1] - labels[:, -1]) ** 2))


def hidden_gradients(hs, W_h, d_hs, nonlinearity="tanh"):
    """Backpropagation through time to the hidden states.

    hs (B, T, H) are the RNN's outputs, d_hs (B, T, H) the loss's gradient with respect to
    each h_t through that step's prediction only. Returns the total dL/dh_t (B, T, H):
    dL/dh_t = d_hs[:, t] + (dL/dh_{t+1} * sigma'(a_{t+1})) W_h.
    """
    d_hidden = np.zeros_like(d_hs)
    from_later = np.zeros_like(d_hs[:, 0])
    for t in range(hs.shape[1] - 1, -1, -1):
        d_hidden[:, t] = d_hs[:, t] + from_later
        if nonlinearity == "tanh":
            slope = 1.0 - hs[:, t] ** 2
        elif nonlinearity == "relu":
            slope = (hs[:, t] > 0).astype(hs.dtype)
        else:
            slope = np.ones_like(hs[:, t])
        from_later = (d_hidden[:, t] * slope) @ W_h
    return d_hidden


def gradient_norms(d_hidden):
    """||dL/dh_t|| per step (the norm over the batch and the hidden units): (B, T, H) -> (T,)."""
    return np.sqrt(np.sum(d_hidden**2, axis=(0, 2)))


def sigmoid(a):
    """The logistic function, without overflow for large |a|."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_step(x_t, h_prev, c_prev, U, W, b):
    """One LSTM step: x_t (B, D), h_prev and c_prev (B, H) -> (h_t, C_t), each (B, H).

    z = x_t U + h_{t-1} W + b holds the gates side by side: f, i, o (sigmoid), then g (tanh).
    C_t = f * C_{t-1} + i * g and h_t = tanh(C_t) * o.
    """
    hidden = h_prev.shape[1]
    z = x_t @ U + h_prev @ W + b
    f, i, o = (sigmoid(z[:, k * hidden : (k + 1) * hidden]) for k in range(3))
    g = np.tanh(z[:, 3 * hidden :])
    c = f * c_prev + i * g
    return np.tanh(c) * o, c


def lstm_forward(x, U, W, b):
    """Unroll lstm_step over x (B, T, D) from zero states; returns every h_t and every C_t, (B, T, H) each."""
    batch, steps, _ = x.shape
    h = c = np.zeros((batch, W.shape[0]))
    hs, cs = [], []
    for t in range(steps):
        h, c = lstm_step(x[:, t], h, c, U, W, b)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def stacked_forward(x, layers, nonlinearity="tanh"):
    """A stack of RNN layers: layer k reads the hidden states of layer k - 1 (the first reads x).

    layers is a list of (W_x, W_h, b); returns every layer's hidden states, a list of (B, T, H).
    """
    outputs = []
    inputs = x
    for W_x, W_h, b in layers:
        inputs = rnn_forward(inputs, W_x, W_h, b, nonlinearity)
        outputs.append(inputs)
    return outputs
