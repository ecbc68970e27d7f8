"""The notebooks' standalone NumPy code agrees with solver.nn (the layers every build checks)."""

from __future__ import annotations

import numpy as np
import pytest

from solver.nn import LSTM, RNN, Linear, MSELoss, Stacked
from solver.notebooks import reference

DIRECTIONS = (("rnn", "fwd"), ("reverse", "bwd"))  # solver.nn's stack -> the notebook's suffix


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "identity"])
def test_rnn_forward_head_losses_and_hidden_gradients_match_solver_nn(rng, nonlinearity):
    x, y = rng.standard_normal((3, 5, 2)), rng.standard_normal((3, 5, 1))
    layer = RNN(2, 4, nonlinearity, rng=rng)
    head = Linear(4, 1, rng=rng)
    W_x, W_h, b = (layer.params[k] for k in ("W_x", "W_h", "b"))
    hs, ctx = layer.forward(x)
    ours = reference.rnn_forward(x, W_x, W_h, b, nonlinearity)
    np.testing.assert_allclose(ours, hs, rtol=1e-12, atol=1e-14)
    predictions, head_ctx = head.forward(hs)
    np.testing.assert_allclose(
        reference.regression_head(ours, head.params["weight"], head.params["bias"]), predictions, rtol=1e-12
    )
    for last_only, ours_loss in ((False, reference.mse_all_steps), (True, reference.mse_last_step)):
        loss = MSELoss(last_only)
        value, loss_ctx = loss.forward(predictions, y)
        assert ours_loss(predictions, y) == pytest.approx(value, rel=1e-12)
        d_hs = head.backward(head_ctx, loss.backward(loss_ctx)).d_input
        expected = layer.backward(ctx, d_hs).d_hidden
        got = reference.hidden_gradients(hs, W_h, d_hs, nonlinearity)
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(reference.gradient_norms(got), np.linalg.norm(expected, axis=(0, 2)), rtol=1e-12)


def test_lstm_and_stacked_forward_match_solver_nn(rng):
    x = rng.standard_normal((2, 6, 3))
    lstm = LSTM(3, 4, rng=rng)
    hs, ctx = lstm.forward(x)
    ours_hs, ours_cs = reference.lstm_forward(x, lstm.params["U"], lstm.params["W"], lstm.params["b"])
    np.testing.assert_allclose(ours_hs, hs, rtol=1e-12, atol=1e-14)
    assert not np.allclose(ours_cs, ours_hs)  # the cell states are returned, not the hidden ones twice
    stack = Stacked.build(3, 4, 2, "rnn", "tanh", rng=rng)
    layers = [(layer.params["W_x"], layer.params["W_h"], layer.params["b"]) for layer in stack.layers]
    outputs = reference.stacked_forward(x, layers, "tanh")
    np.testing.assert_allclose(outputs[-1], stack.forward(x)[0], rtol=1e-12, atol=1e-14)
    assert len(outputs) == 2
