"""Code the notebooks give students ready-made: data, initial weights, backward passes, Adam, plots.

Like :mod:`.reference` it imports only NumPy (and matplotlib inside the plot),
and its functions are copied into both notebooks. They call the students'
functions by name (``rnn_forward``, ``hidden_gradients``, ...), so they run on
whatever the student wrote.
"""

from __future__ import annotations

import numpy as np

from .reference import gradient_norms, hidden_gradients, mse_all_steps, regression_head, rnn_forward, stacked_forward


def running_average_data(count, steps, seed):
    """count sequences of steps standard-normal numbers (B, T, 1) and their running averages."""
    x = np.random.default_rng([seed, 11]).standard_normal((count, steps, 1))
    return x, np.cumsum(x, axis=1) / np.arange(1, steps + 1)[None, :, None]


def study_gradients(nonlinearity, radius, hidden=16, steps=60, batch=16, seed=0, last_target_only=True):
    """||dL/dh_t|| and ||h_t|| per step for a random RNN whose W_h has spectral radius ``radius``."""
    rng = np.random.default_rng([seed, 4])
    x = rng.standard_normal((batch, steps, 1))
    y = np.cumsum(x, axis=1) / np.arange(1, steps + 1)[None, :, None]
    W_h = rng.standard_normal((hidden, hidden))
    W_h *= radius / np.max(np.abs(np.linalg.eigvals(W_h)))
    W_x, b = rng.standard_normal((hidden, 1)), np.zeros(hidden)
    W_f, b_f = rng.uniform(-0.25, 0.25, (1, hidden)), np.zeros(1)
    hs = rnn_forward(x, W_x, W_h, b, nonlinearity)
    error = regression_head(hs, W_f, b_f) - y
    if last_target_only:
        error[:, :-1] = 0.0
    scored = batch if last_target_only else batch * steps
    d_hs = (2.0 / scored) * error @ W_f
    d_hidden = hidden_gradients(hs, W_h, d_hs, nonlinearity)
    return gradient_norms(d_hidden), np.sqrt(np.sum(hs**2, axis=(0, 2)))


def plot_gradients(runs, steps):
    """One line per run on a log scale: ||dL/dh_t|| (left) and ||h_t|| (right) against t."""
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    t = np.arange(1, steps + 1)
    for label, (grads, hidden) in runs.items():
        left.semilogy(t, grads, label=label)
        right.semilogy(t, hidden, label=label)
    left.set(xlabel="t", title="||dL/dh_t||")
    right.set(xlabel="t", title="||h_t||")
    left.legend(fontsize=8)
    figure.tight_layout()
    from IPython.display import display

    alt = "Two panels against the step t, logarithmic scale: ||dL/dh_t|| (left) and ||h_t|| (right), one line for "
    alt += "each of " + "; ".join(runs) + "."  # what a screen reader says instead of the picture
    display(figure, metadata={"image/png": {"alt": alt}})
    plt.close(figure)


def rnn_weight_gradients(inputs, hs, W_x, W_h, d_hidden, nonlinearity):
    """Gradients of one RNN layer's W_x, W_h, b and of its inputs, from the total dL/dh_t (B, T, H)."""
    if nonlinearity == "tanh":
        d_pre = d_hidden * (1.0 - hs**2)
    elif nonlinearity == "relu":
        d_pre = d_hidden * (hs > 0)
    else:
        d_pre = d_hidden
    h_prev = np.concatenate([np.zeros_like(hs[:, :1]), hs[:, :-1]], axis=1)
    flat = d_pre.reshape(-1, hs.shape[2])
    grads = [flat.T @ inputs.reshape(-1, inputs.shape[2]), flat.T @ h_prev.reshape(-1, hs.shape[2]), flat.sum(axis=0)]
    return grads, d_pre @ W_x


def train_regressor(
    num_layers, x, y, hidden=32, epochs=300, batch_size=64, lr=0.01, final_ratio=0.01, nonlinearity="tanh", seed=0
):
    """Adam on a cosine schedule for a stacked RNN with a linear head; returns the loss after each epoch."""
    rng = np.random.default_rng([seed, 12, num_layers])
    bound = 1.0 / np.sqrt(hidden)
    layers, width = [], x.shape[2]
    for _ in range(num_layers):
        shapes = [(hidden, width), (hidden, hidden), (hidden,)]
        layers.append([rng.uniform(-bound, bound, shape) for shape in shapes])
        width = hidden
    head = [rng.uniform(-bound, bound, (y.shape[2], hidden)), rng.uniform(-bound, bound, (y.shape[2],))]
    params = [p for layer in layers for p in layer] + head
    first, second = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    order, losses, step = np.random.default_rng([seed, 13, num_layers]), [], 0
    for epoch in range(epochs):
        rate = lr * (final_ratio + (1 - final_ratio) * 0.5 * (1 + np.cos(np.pi * epoch / max(1, epochs - 1))))
        shuffled = order.permutation(len(x))
        for start in range(0, len(x), batch_size):
            rows = shuffled[start : start + batch_size]
            outputs = stacked_forward(x[rows], [tuple(layer) for layer in layers], nonlinearity)
            error = regression_head(outputs[-1], *head) - y[rows]
            d_y = 2.0 * error / error.size
            grads_head = [np.einsum("bto,bth->oh", d_y, outputs[-1]), d_y.sum(axis=(0, 1))]
            d_out, grads_layers = d_y @ head[0], []
            for k in range(num_layers - 1, -1, -1):
                inputs = x[rows] if k == 0 else outputs[k - 1]
                d_hidden = hidden_gradients(outputs[k], layers[k][1], d_out, nonlinearity)
                grads, d_out = rnn_weight_gradients(
                    inputs, outputs[k], layers[k][0], layers[k][1], d_hidden, nonlinearity
                )
                grads_layers = grads + grads_layers
            step += 1
            for p, g, m, v in zip(params, grads_layers + grads_head, first, second, strict=True):
                m[...] = 0.9 * m + 0.1 * g
                v[...] = 0.999 * v + 0.001 * g * g
                p -= rate / (1 - 0.9**step) * m / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        outputs = stacked_forward(x, [tuple(layer) for layer in layers], nonlinearity)
        losses.append(mse_all_steps(regression_head(outputs[-1], *head), y))
    return losses
