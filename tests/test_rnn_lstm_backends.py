"""Problem 3's two backends agree: the notebook's PyTorch code (float64, autograd) and hw6's NumPy layers
(hand-written backward passes), on random small shapes and weights.

The sheet's numbers come from the notebook (torch); the NumPy layers recompute them in every
build (:mod:`solver.problems.rnn_lstm.checks`). These properties hold the two together beyond
the homework's one configuration: the RNN and LSTM layers, the gradient tool's dL/dh_t and
dL/dC_t through every path, and 1.K's stacked network with its weights named as the NumPy
stack names them. hw6's own process never imports the torch code (it reads its source).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.nn import LSTM, RNN, Linear, MSELoss, SequenceRegressor

shapes = st.tuples(
    st.integers(1, 3),  # B
    st.integers(1, 5),  # T
    st.integers(1, 3),  # D
    st.integers(1, 4),  # H
    st.integers(0, 2**31 - 1),  # seed of the weights and inputs
)
TOLERANCE = dict(rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def tc(torch):
    """The notebook's functions, imported (the tests may; hw6 itself reads their source)."""
    from solver.problems.rnn_lstm import torch_code

    torch.set_default_dtype(torch.float64)
    return torch_code


def arrays(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, shape) for shape in shapes]


@settings(max_examples=40, deadline=None)
@given(shapes, st.sampled_from(["tanh", "relu", "identity"]))
def test_the_rnn_layer_and_its_hidden_state_gradients_agree(tc, torch, shape, nonlinearity):
    batch, steps, inputs, hidden, seed = shape
    x, W_x, W_h, b, W_f, b_f, y = arrays(
        seed,
        (batch, steps, inputs),
        (hidden, inputs),
        (hidden, hidden),
        (hidden,),
        (1, hidden),
        (1,),
        (batch, steps, 1),
    )
    layer = RNN.from_weights(W_x, W_h, b, nonlinearity)
    hs, ctx = layer.forward(x)
    weights = [torch.tensor(w, requires_grad=True) for w in (W_x, W_h, b)]
    assert np.allclose(tc.rnn_forward(torch.tensor(x), *weights, nonlinearity).detach().numpy(), hs, **TOLERANCE)
    for last_target_only in (True, False):
        head, loss = Linear.from_weights(W_f, b_f), MSELoss(last_target_only)
        predictions, head_ctx = head.forward(hs)
        _, loss_ctx = loss.forward(predictions, y)
        d_hidden = layer.backward(ctx, head.backward(head_ctx, loss.backward(loss_ctx)).d_input).d_hidden
        grads, norms, cells = tc.gradient_norms(
            torch.tensor(x),
            torch.tensor(y),
            lambda x_t, h: tc.rnn_step(x_t, h, *weights, nonlinearity),
            torch.zeros(batch, hidden),
            torch.tensor(W_f, requires_grad=True),
            torch.tensor(b_f, requires_grad=True),
            last_target_only,
        )
        assert cells is None
        assert np.allclose(grads.numpy(), np.linalg.norm(d_hidden, axis=(0, 2)), **TOLERANCE)
        assert np.allclose(norms.numpy(), np.linalg.norm(hs, axis=(0, 2)), **TOLERANCE)


@settings(max_examples=30, deadline=None)
@given(shapes)
def test_the_lstm_layer_and_its_state_gradients_agree(tc, torch, shape):
    batch, steps, inputs, hidden, seed = shape
    x, U, W, b, W_f, b_f, y = arrays(
        seed, (batch, steps, inputs), (inputs, 4 * hidden), (hidden, 4 * hidden), (4 * hidden,), (1, hidden), (1,),
        (batch, steps, 1),
    )  # fmt: skip
    layer = LSTM.from_weights(U, W, b)
    hs, ctx = layer.forward(x)
    weights = [torch.tensor(w, requires_grad=True) for w in (U, W, b)]
    torch_hs, _ = tc.lstm_forward(torch.tensor(x), *weights)
    assert np.allclose(torch_hs.detach().numpy(), hs, **TOLERANCE)
    head, loss = Linear.from_weights(W_f, b_f), MSELoss(True)
    predictions, head_ctx = head.forward(hs)
    _, loss_ctx = loss.forward(predictions, y)
    result = layer.backward(ctx, head.backward(head_ctx, loss.backward(loss_ctx)).d_input)
    zeros = torch.zeros(batch, hidden)
    grads, _, cells = tc.gradient_norms(
        torch.tensor(x),
        torch.tensor(y),
        lambda x_t, state: tc.lstm_step(x_t, *state, *weights),
        (zeros, zeros),
        torch.tensor(W_f, requires_grad=True),
        torch.tensor(b_f, requires_grad=True),
    )
    assert np.allclose(grads.numpy(), np.linalg.norm(result.d_hidden, axis=(0, 2)), **TOLERANCE)
    assert np.allclose(cells.numpy(), np.linalg.norm(result.d_cell, axis=(0, 2)), **TOLERANCE)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_the_stacked_network_of_1k_is_the_numpy_stack_with_the_same_named_weights(
    tc, torch, layers, hidden, steps, seed
):
    weights = tc.initial_weights(layers, hidden, seed)
    x, y = tc.running_average_data(3, steps, np.random.default_rng(seed))
    model = SequenceRegressor.build(1, hidden, 1, layers)
    model.load(weights)
    numpy_loss = MSELoss().forward(model.forward(x.numpy())[0], y.numpy())[0]
    torch_loss = tc.mse_all_steps(tc.predict(x, {k: torch.tensor(v) for k, v in weights.items()}, layers), y).item()
    assert torch_loss == pytest.approx(numpy_loss, rel=1e-12)


def test_hw6_builds_problem_3s_notebook_cells_without_importing_torch():
    probe = (
        "import sys\n"
        "from solver.problems.rnn_lstm.notebook import notebook_cells\n"
        "from solver.problems.rnn_lstm.params import Params\n"
        "from solver.problems.rnn_lstm.study import testcases\n"
        "cells = notebook_cells(Params(), testcases.solve(Params().test_case))\n"
        "print(len(cells), 'torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    count, imported = done.stdout.split()
    assert int(count) > 20 and imported == "False"
