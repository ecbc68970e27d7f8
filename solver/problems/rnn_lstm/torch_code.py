"""Problem 3's notebook code in PyTorch: what students write (1A-1D, 1.H, 1.K) and what they are given.

Every function here is copied into the notebooks by its source (:mod:`solver.notebooks.cells`):
the TODO ones as signature and docstring into the starter and whole into the solution, the
others whole into both. So the names, argument order and shape comments students read are
these. The module is imported only where notebooks are made (it imports torch); the NumPy
layers of :mod:`solver.nn` recompute what the notebook prints (:mod:`.checks`).

The weights of the gradient study and of 1.K's networks are drawn with NumPy's generator in
the order :mod:`solver.nn` draws them, so the notebook and the NumPy backend start from the
same numbers. Shapes: a batch of sequences is (B, T, D), a hidden state (B, H); the RNN uses
the homework's column-vector weights (W_h (H, H), W_x (H, D)), the LSTM its row-vector
weights (U (D, 4H), W (H, 4H), b (4H,), gate blocks f, i, o, g).
"""

# mypy: ignore-errors
# (notebook code: untyped on purpose, as students see it)

from __future__ import annotations

import json

import numpy as np
import torch

# --------------------------------------------------------------------------- 1A: the RNN layer


def activate(a, nonlinearity):
    """sigma(a) for nonlinearity "tanh", "relu" or "identity"."""
    if nonlinearity == "tanh":
        return torch.tanh(a)
    if nonlinearity == "relu":
        return torch.relu(a)
    return a


def rnn_step(x_t, h_prev, W_x, W_h, b, nonlinearity="tanh"):
    """One step h_t = sigma(W_h h_{t-1} + W_x x_t + b) for a batch: x_t (B, D), h_prev (B, H) -> (B, H)."""
    return activate(h_prev @ W_h.T + x_t @ W_x.T + b, nonlinearity)  # (B, H)


def rnn_forward(x, W_x, W_h, b, nonlinearity="tanh", h0=None):
    """Unroll rnn_step over x (B, T, D) from h0 (zeros when None); returns every h_t, (B, T, H)."""
    batch, steps, _ = x.shape
    h = x.new_zeros(batch, W_h.shape[0]) if h0 is None else h0  # (B, H)
    hs = []
    for t in range(steps):
        h = rnn_step(x[:, t], h, W_x, W_h, b, nonlinearity)  # (B, H)
        hs.append(h)
    return torch.stack(hs, dim=1)  # (B, T, H)


# --------------------------------------------------------------------------- 1B, 1C: head and losses


def regression_head(hs, W_f, b_f):
    """One prediction per step, y_t = W_f h_t + b_f: hs (B, T, H), W_f (O, H), b_f (O,) -> (B, T, O)."""
    return hs @ W_f.T + b_f  # (B, T, O)


def mse_all_steps(predictions, labels):
    """Task 1: the mean squared error over every step (and batch row and output), a 0-d tensor."""
    return torch.mean((predictions - labels) ** 2)


def mse_last_step(predictions, labels):
    """Task 2: the mean squared error of the last step only, a 0-d tensor."""
    return torch.mean((predictions[:, -1] - labels[:, -1]) ** 2)


def running_average_data(count, steps, rng):
    """count sequences of steps standard-normal numbers (B, T, 1) and their running averages (B, T, 1)."""
    x = rng.standard_normal((count, steps, 1))  # (B, T, 1)
    y = np.cumsum(x, axis=1) / np.arange(1, steps + 1)[None, :, None]  # (B, T, 1)
    return torch.tensor(x), torch.tensor(y)


# --------------------------------------------------------------------------- 1D: the gradient tool


def gradient_norms(x, y, step, state, W_f, b_f, last_target_only=True):
    """Per step t = 1..T: ||dL/dh_t||, ||h_t|| and, for an LSTM, ||dL/dC_t|| (None for an RNN), (T,) each.

    step(x_t, state) gives the next state: h_t for an RNN, (h_t, C_t) for an LSTM. Each state
    keeps its gradient (retain_grad), so one backward pass gives dL/dh_t summed over every path.
    The loss is Task 2's (last step only) or, with last_target_only=False, Task 1's.
    """
    states = []
    for t in range(x.shape[1]):
        state = step(x[:, t], state)  # (B, H), or a pair of (B, H)
        kept = state if isinstance(state, tuple) else (state,)
        for tensor in kept:
            tensor.retain_grad()
        states.append(kept)
    hs = torch.stack([kept[0] for kept in states], dim=1)  # (B, T, H)
    predictions = regression_head(hs, W_f, b_f)  # (B, T, 1)
    loss = mse_last_step(predictions, y) if last_target_only else mse_all_steps(predictions, y)
    loss.backward()
    grads = torch.stack([kept[0].grad.norm() for kept in states])  # (T,)
    hidden = torch.stack([kept[0].detach().norm() for kept in states])  # (T,)
    cells = torch.stack([kept[1].grad.norm() for kept in states]) if len(states[0]) == 2 else None
    return grads, hidden, cells


def study_weights(
    cell="rnn",
    nonlinearity="tanh",
    radius=None,
    hidden=16,
    steps=60,
    batch=16,
    seed=0,
    input_scale=1.0,
    forget_bias=0.0,
):
    """A batch of the running-average task and a network's weights, with a step function for gradient_norms.

    radius=None keeps the default initialisation (uniform in +-1/sqrt(H), as torch's nn.RNN);
    otherwise W_h is a Gaussian matrix rescaled to that spectral radius, W_x Gaussian times
    input_scale, b = 0. An LSTM starts with its forget-gate bias raised by forget_bias.
    """
    rng = np.random.default_rng([seed, 4])
    x, y = running_average_data(batch, steps, rng)  # (B, T, 1) each
    bound = 1.0 / np.sqrt(hidden)
    if cell == "lstm":
        U, W, b = (
            rng.uniform(-bound, bound, shape) for shape in ((1, 4 * hidden), (hidden, 4 * hidden), (4 * hidden,))
        )
        b[:hidden] += forget_bias  # the f block comes first
    elif radius is None:
        W_x, W_h, b = (rng.uniform(-bound, bound, shape) for shape in ((hidden, 1), (hidden, hidden), (hidden,)))
    else:
        W_h = rng.standard_normal((hidden, hidden))
        W_h = W_h * (radius / np.max(np.abs(np.linalg.eigvals(W_h))))  # spectral radius `radius`
        W_x, b = input_scale * rng.standard_normal((hidden, 1)), np.zeros(hidden)
    W_f, b_f = rng.uniform(-bound, bound, (1, hidden)), rng.uniform(-bound, bound, 1)
    W_f, b_f = torch.tensor(W_f, requires_grad=True), torch.tensor(b_f, requires_grad=True)
    if cell == "lstm":
        U, W, b = (torch.tensor(w, requires_grad=True) for w in (U, W, b))
        zeros = torch.zeros(batch, hidden)
        return x, y, lambda x_t, state: lstm_step(x_t, *state, U, W, b), (zeros, zeros), W_f, b_f
    W_x, W_h, b = (torch.tensor(w, requires_grad=True) for w in (W_x, W_h, b))
    return x, y, lambda x_t, h: rnn_step(x_t, h, W_x, W_h, b, nonlinearity), torch.zeros(batch, hidden), W_f, b_f


def measure(cell="rnn", nonlinearity="tanh", radius=None, last_target_only=True, **setting):
    """gradient_norms for one network of the study, as NumPy arrays (cell: None for an RNN)."""
    x, y, step, state, W_f, b_f = study_weights(cell, nonlinearity, radius, **setting)
    grads, hidden, cells = gradient_norms(x, y, step, state, W_f, b_f, last_target_only)
    return {"grad": grads.numpy(), "hidden": hidden.numpy(), "cell": None if cells is None else cells.numpy()}


def plot_gradients(runs, panels=("grad", "hidden")):
    """One line per run on a log scale against t: ||dL/dh_t||, ||h_t|| (or ||dL/dC_t||), a panel each."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    titles = {"grad": "||dL/dh_t||", "hidden": "||h_t||", "cell": "||dL/dC_t||"}
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.5))
    for axis, panel in zip(axes, panels, strict=True):
        for label, run in runs.items():
            if run[panel] is not None:  # an RNN has no cell state
                axis.semilogy(np.arange(1, len(run[panel]) + 1), run[panel], label=label)
        axis.set(xlabel="t", title=titles[panel])
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    alt = "Panels against the step t, logarithmic scale: " + ", ".join(titles[p] for p in panels)
    alt += "; one line for each of " + "; ".join(runs) + "."  # what a screen reader says instead of the picture
    display(figure, metadata={"image/png": {"alt": alt}})
    plt.close(figure)


def report(runs, path):
    """Print each run's ||dL/dh_1|| / ||dL/dh_T|| and save every curve to path (JSON)."""
    for label, run in runs.items():
        print(f"{label}: ||dL/dh_1|| / ||dL/dh_T|| = {run['grad'][0] / run['grad'][-1]:.4g}")
    curves = {label: {k: None if v is None else v.tolist() for k, v in run.items()} for label, run in runs.items()}
    with open(path, "w") as file:
        json.dump(curves, file)


# --------------------------------------------------------------------------- 1.H: the LSTM layer


def lstm_step(x_t, h_prev, c_prev, U, W, b):
    """One LSTM step: x_t (B, D), h_prev and c_prev (B, H) -> (h_t, C_t), each (B, H).

    z = x_t U + h_{t-1} W + b holds the gates side by side: f, i, o (sigmoid), then g (tanh).
    C_t = f * C_{t-1} + i * g and h_t = tanh(C_t) * o.
    """
    f, i, o, g = (x_t @ U + h_prev @ W + b).chunk(4, dim=1)  # (B, H) each
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)  # (B, H)
    return torch.tanh(c) * torch.sigmoid(o), c


def lstm_forward(x, U, W, b):
    """Unroll lstm_step over x (B, T, D) from zero states; returns every h_t and every C_t, (B, T, H) each."""
    batch, steps, _ = x.shape
    h = c = x.new_zeros(batch, W.shape[0])  # (B, H)
    hs, cs = [], []
    for t in range(steps):
        h, c = lstm_step(x[:, t], h, c, U, W, b)
        hs.append(h)
        cs.append(c)
    return torch.stack(hs, dim=1), torch.stack(cs, dim=1)  # (B, T, H) each


# --------------------------------------------------------------------------- 1.K: stacked RNNs


def stacked_forward(x, layers, nonlinearity="tanh"):
    """A stack of RNN layers: layer k reads the hidden states of layer k - 1 (the first reads x).

    layers is a list of (W_x, W_h, b); returns every layer's hidden states, a list of (B, T, H).
    """
    outputs = []
    inputs = x  # (B, T, D)
    for W_x, W_h, b in layers:
        inputs = rnn_forward(inputs, W_x, W_h, b, nonlinearity)  # (B, T, H)
        outputs.append(inputs)
    return outputs


def initial_weights(num_layers, hidden, seed):
    """Every layer's (W_x, W_h, b) and the head's (W_f, b_f), uniform in +-1/sqrt(H) (torch's default)."""
    rng = np.random.default_rng([seed, 12, num_layers])
    bound, width, names = 1.0 / np.sqrt(hidden), 1, {}
    for k in range(num_layers):
        for name, shape in (("W_x", (hidden, width)), ("W_h", (hidden, hidden)), ("b", (hidden,))):
            names[f"rnn.{k}.{name}"] = rng.uniform(-bound, bound, shape)
        width = hidden
    names["head.weight"], names["head.bias"] = rng.uniform(-bound, bound, (1, hidden)), rng.uniform(-bound, bound, 1)
    return names


def predict(x, weights, num_layers, nonlinearity="tanh"):
    """The stacked network's predictions (B, T, 1) with weights named as initial_weights names them."""
    layers = [tuple(weights[f"rnn.{k}.{name}"] for name in ("W_x", "W_h", "b")) for k in range(num_layers)]
    return regression_head(stacked_forward(x, layers, nonlinearity)[-1], weights["head.weight"], weights["head.bias"])


def train_regressor(
    num_layers,
    x,
    y,
    hidden=32,
    epochs=300,
    batch_size=64,
    lr=0.01,
    final_ratio=0.01,
    nonlinearity="tanh",
    seed=0,
    dtype=torch.float32,
):
    """Adam on a cosine schedule for Task 1 (every step scored); returns the loss after each epoch and the weights."""
    weights = {
        k: torch.tensor(v, dtype=dtype, requires_grad=True)
        for k, v in initial_weights(num_layers, hidden, seed).items()
    }
    optimizer = torch.optim.Adam(weights.values(), lr=lr)
    order, losses = np.random.default_rng([seed, 13, num_layers]), []
    x_train, y_train = x.to(dtype), y.to(dtype)
    for epoch in range(epochs):
        for group in optimizer.param_groups:  # cosine decay from lr to lr * final_ratio
            group["lr"] = lr * (
                final_ratio + (1 - final_ratio) * 0.5 * (1 + np.cos(np.pi * epoch / max(1, epochs - 1)))
            )
        shuffled = torch.tensor(order.permutation(len(x)))
        for start in range(0, len(x), batch_size):
            rows = shuffled[start : start + batch_size]
            loss = mse_all_steps(predict(x_train[rows], weights, num_layers, nonlinearity), y_train[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            losses.append(mse_all_steps(predict(x_train, weights, num_layers, nonlinearity), y_train).item())
    return losses, {k: v.detach() for k, v in weights.items()}
