"""solver.nn: every forward output and gradient against torch (float64) and central differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from solver.kernel.errors import Hw6Error, LayerUsageError, NonFiniteValues, TrainingDiverged
from solver.nn import (
    LSTM,
    RNN,
    Adam,
    Embedding,
    LastStep,
    Linear,
    MSELoss,
    SequenceClassifier,
    SequenceRegressor,
    SoftmaxCrossEntropy,
    Stacked,
    mirrors,
    train,
)
from solver.nn.gradcheck import numerical_gradient
from solver.nn.layers import Dropout, reversed_within

from .strategies import cells, layer_counts, nonlinearities, recurrent_shapes, seeds, torch_rnn_nonlinearities

RTOL = 1e-10


def assert_close(got, expected, rtol=RTOL, atol=1e-13, what=""):
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert got.shape == expected.shape, f"{what}: shape {got.shape}, expected {expected.shape}"
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=what)


def autograd_rnn(torch, layer: RNN, x: np.ndarray, d_hs: np.ndarray):
    """The homework's equations in torch: hidden states, dL/dh_t for every t, parameter and input grads."""
    p = mirrors.leaves(layer.params)
    xt = torch.tensor(x, requires_grad=True)
    hs = mirrors.unroll_rnn(p, xt, layer.nonlinearity)
    (torch.stack(hs, 1) * torch.tensor(d_hs)).sum().backward()
    return (
        torch.stack(hs, 1).detach().numpy(),
        np.stack([h.grad.numpy() for h in hs], 1),
        {n: v.grad.numpy() for n, v in p.items()},
        xt.grad.numpy(),
    )


def autograd_lstm(torch, layer: LSTM, x: np.ndarray, d_hs: np.ndarray):
    p = mirrors.leaves(layer.params)
    xt = torch.tensor(x, requires_grad=True)
    hs, cs, _ = mirrors.unroll_lstm(p, xt)
    (torch.stack(hs, 1) * torch.tensor(d_hs)).sum().backward()
    grads = {n: v.grad.numpy() for n, v in p.items()}
    return (
        torch.stack(hs, 1).detach().numpy(),
        np.stack([h.grad.numpy() for h in hs], 1),
        np.stack([c.grad.numpy() for c in cs], 1),
        grads,
        xt.grad.numpy(),
    )


def draw(shape: dict, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((shape["batch"], shape["steps"], shape["inputs"]))
    d_hs = rng.standard_normal((shape["batch"], shape["steps"], shape["hidden"]))
    return rng, x, d_hs


# --------------------------------------------------------------------------- RNN


@settings(max_examples=40)
@given(shape=recurrent_shapes, nonlinearity=nonlinearities, seed=seeds)
def test_rnn_matches_torch_autograd(torch, shape, nonlinearity, seed):
    rng, x, d_hs = draw(shape, seed)
    layer = RNN(shape["inputs"], shape["hidden"], nonlinearity, rng=rng)
    hs, ctx = layer.forward(x)
    result = layer.backward(ctx, d_hs)
    t_hs, t_dh, t_grads, t_dx = autograd_rnn(torch, layer, x, d_hs)
    assert_close(hs, t_hs, what="h_t")
    assert_close(result.d_hidden, t_dh, what="dL/dh_t")
    assert_close(result.d_input, t_dx, what="dL/dx")
    for name in layer.params:
        assert_close(result.grads[name], t_grads[name], what=name)


@settings(max_examples=30)
@given(shape=recurrent_shapes, seed=seeds)
def test_lstm_matches_torch_autograd(torch, shape, seed):
    rng, x, d_hs = draw(shape, seed)
    layer = LSTM(shape["inputs"], shape["hidden"], rng=rng)
    hs, ctx = layer.forward(x)
    result = layer.backward(ctx, d_hs)
    t_hs, t_dh, t_dc, t_grads, t_dx = autograd_lstm(torch, layer, x, d_hs)
    assert_close(hs, t_hs, what="h_t")
    assert_close(result.d_hidden, t_dh, what="dL/dh_t")
    assert_close(result.d_cell, t_dc, what="dL/dC_t")
    assert_close(result.d_input, t_dx, what="dL/dx")
    for name in layer.params:
        assert_close(result.grads[name], t_grads[name], what=name)


@settings(max_examples=25)
@given(shape=recurrent_shapes, cell=cells, layers=layer_counts, nonlinearity=torch_rnn_nonlinearities, seed=seeds)
def test_stacks_match_torch_nn_modules(torch, shape, cell, layers, nonlinearity, seed):
    """torch.nn.RNN / torch.nn.LSTM with our weights copied in (gate order mapped) give the same outputs and grads."""
    rng, x, d_hs = draw(shape, seed)
    stack = Stacked.build(shape["inputs"], shape["hidden"], layers, cell, nonlinearity, rng=rng)
    hs, ctx = stack.forward(x)
    result = stack.backward(ctx, d_hs)
    module = mirrors.torch_lstm(stack.layers) if cell == "lstm" else mirrors.torch_rnn(stack.layers)
    xt = torch.tensor(x, requires_grad=True)
    out, _ = module(xt)
    (out * torch.tensor(d_hs)).sum().backward()
    assert_close(hs, out.detach().numpy(), what="outputs")
    assert_close(result.d_input, xt.grad.numpy(), what="dL/dx")
    for k, _layer in enumerate(stack.layers):
        if cell == "lstm":
            mapped = {
                "U": mirrors.to_torch_gates(result.grads[f"{k}.U"]),
                "W": mirrors.to_torch_gates(result.grads[f"{k}.W"]),
                "b": mirrors.to_torch_gates(result.grads[f"{k}.b"][None])[:, 0],
            }
            names = {"U": "weight_ih", "W": "weight_hh", "b": "bias_ih"}
        else:
            mapped = {name: result.grads[f"{k}.{name}"] for name in ("W_x", "W_h", "b")}
            names = {"W_x": "weight_ih", "W_h": "weight_hh", "b": "bias_ih"}
        for name, torch_name in names.items():
            assert_close(mapped[name], getattr(module, f"{torch_name}_l{k}").grad.numpy(), what=f"layer {k} {name}")


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "identity"])
def test_rnn_gradients_by_central_differences(nonlinearity):
    rng = np.random.default_rng(5)
    x, weights = rng.standard_normal((3, 5, 2)), rng.standard_normal((3, 5, 4))
    layer = RNN(2, 4, nonlinearity, rng=rng)
    h0 = rng.standard_normal((3, 4))
    hs, ctx = layer.forward(x, h0)
    result = layer.backward(ctx, weights)

    def loss() -> float:
        return float(np.sum(weights * layer.forward(x, h0)[0]))

    for name, array in layer.params.items():
        assert_close(result.grads[name], numerical_gradient(loss, array), rtol=1e-6, atol=1e-8, what=name)
    assert_close(result.d_input, numerical_gradient(loss, x), rtol=1e-6, atol=1e-8, what="x")
    assert_close(result.d_initial[0], numerical_gradient(loss, h0), rtol=1e-6, atol=1e-8, what="h0")


def test_lstm_gradients_by_central_differences():
    rng = np.random.default_rng(6)
    x, weights = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3))
    layer = LSTM(3, 3, rng=rng)
    h0, c0 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    _, ctx = layer.forward(x, (h0, c0))
    result = layer.backward(ctx, weights)

    def loss() -> float:
        return float(np.sum(weights * layer.forward(x, (h0, c0))[0]))

    for name, array in layer.params.items():
        assert_close(result.grads[name], numerical_gradient(loss, array), rtol=1e-6, atol=1e-8, what=name)
    assert_close(result.d_initial[0], numerical_gradient(loss, h0), rtol=1e-6, atol=1e-8, what="h0")
    assert_close(result.d_initial[1], numerical_gradient(loss, c0), rtol=1e-6, atol=1e-8, what="c0")


def test_lstm_gate_blocks_follow_the_homework_order():
    layer = LSTM(2, 3, rng=0)
    assert [layer.gate("W", g).shape for g in "fiog"] == [(3, 3)] * 4
    assert np.array_equal(layer.gate("b", "o"), layer.params["b"][6:9])


# --------------------------------------------------------------------------- heads, losses, models


def test_linear_and_mse_match_torch(torch):
    rng = np.random.default_rng(7)
    head = Linear(4, 2, rng=rng)
    x, y = rng.standard_normal((3, 5, 4)), rng.standard_normal((3, 5, 2))
    for last_only in (False, True):
        loss = MSELoss(last_only)
        pred, ctx = head.forward(x)
        value, loss_ctx = loss.forward(pred, y)
        result = head.backward(ctx, loss.backward(loss_ctx))
        w, b = (torch.tensor(head.params[n], requires_grad=True) for n in ("weight", "bias"))
        xt = torch.tensor(x, requires_grad=True)
        err = xt @ w.T + b - torch.tensor(y)
        t_loss = (err[:, -1:] ** 2).mean() if last_only else (err**2).mean()
        t_loss.backward()
        assert_close(value, t_loss.item())
        assert_close(result.grads["weight"], w.grad.numpy())
        assert_close(result.grads["bias"], b.grad.numpy())
        assert_close(result.d_input, xt.grad.numpy())


def test_softmax_cross_entropy_matches_torch(torch):
    rng = np.random.default_rng(8)
    logits, labels = rng.standard_normal((6, 4)) * 5, rng.integers(0, 4, 6)
    weights = rng.uniform(0.5, 2, 4)
    for class_weights, smoothing in ((None, 0.0), (weights, 0.0), (None, 0.1), (weights, 0.3)):
        loss = SoftmaxCrossEntropy(class_weights, smoothing)
        value, ctx = loss.forward(logits, labels)
        t_logits = torch.tensor(logits, requires_grad=True)
        t_weight = None if class_weights is None else torch.tensor(class_weights)
        t_loss = torch.nn.functional.cross_entropy(
            t_logits, torch.tensor(labels), weight=t_weight, label_smoothing=smoothing
        )
        t_loss.backward()
        assert_close(value, t_loss.item())
        assert_close(loss.backward(ctx), t_logits.grad.numpy())


@pytest.mark.parametrize("embedding_size", [None, 3])
def test_sequence_classifier_matches_torch(torch, embedding_size):
    """The Problem 4 shape: tokens -> (one-hot | embedding) -> RNN -> each sequence's last state -> Linear -> CE."""
    rng = np.random.default_rng(9)
    model = SequenceClassifier.build(6, 4, 3, num_layers=2, embedding_size=embedding_size, rng=rng)
    tokens, lengths, labels = rng.integers(0, 6, (5, 7)), np.array([7, 3, 1, 5, 7]), rng.integers(0, 3, 5)
    logits, ctx = model.forward(tokens, lengths)
    loss = SoftmaxCrossEntropy()
    value, loss_ctx = loss.forward(logits, labels)
    grads = model.backward(ctx, loss.backward(loss_ctx)).grads

    p = mirrors.leaves(model.named_parameters())
    x = (
        p["embedding.weight"][torch.tensor(tokens)]
        if embedding_size
        else torch.nn.functional.one_hot(torch.tensor(tokens), 6).double()
    )
    for k in range(2):
        hs = mirrors.unroll_rnn({n: p[f"rnn.{k}.{n}"] for n in ("W_x", "W_h", "b")}, x, "tanh")
        x = torch.stack(hs, 1)
    last = x[torch.arange(5), torch.tensor(lengths - 1)]
    t_logits = last @ p["head.weight"].T + p["head.bias"]
    t_loss = torch.nn.functional.cross_entropy(t_logits, torch.tensor(labels))
    t_loss.backward()
    assert_close(logits, t_logits.detach().numpy())
    assert_close(value, t_loss.item())
    assert set(grads) == set(p)
    for name, leaf in p.items():
        assert_close(grads[name], leaf.grad.numpy(), what=name)


def test_dropout_keeps_the_mean_and_passes_gradients_through_its_mask():
    layer = Dropout(0.25)
    x = np.ones((400, 50))
    assert layer.forward(x)[0] is x and layer.backward(None, x).d_input is x  # evaluation: the identity
    y, mask = layer.forward(x, np.random.default_rng(0))
    assert set(np.unique(mask)) == {0.0, 1 / 0.75}
    assert abs(np.mean(mask == 0) - 0.25) < 0.01 and abs(y.mean() - 1.0) < 0.02
    d_out = np.arange(x.size, dtype=float).reshape(x.shape)
    assert np.array_equal(layer.backward(mask, d_out).d_input, d_out * mask)


def test_reversed_within_flips_each_name_and_leaves_the_padding():
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8], [9, 0, 0, 0, 0]])
    flipped = reversed_within(tokens, np.array([3, 5, 1]))
    assert flipped.tolist() == [[3, 2, 1, 0, 0], [8, 7, 6, 5, 4], [9, 0, 0, 0, 0]]


def test_padding_after_a_sequence_end_does_not_matter():
    model = SequenceClassifier.build(5, 4, 2, rng=1)
    tokens = np.array([[1, 2, 0, 0], [1, 2, 3, 4]])
    other = np.array([[1, 2, 4, 3], [1, 2, 3, 4]])
    lengths = np.array([2, 4])
    assert np.array_equal(model.forward(tokens, lengths)[0], model.forward(other, lengths)[0])


def test_adam_matches_torch(torch):
    rng = np.random.default_rng(10)
    params = {"a": rng.standard_normal((3, 2)), "b": rng.standard_normal(4)}
    t_params = [torch.tensor(params[n].copy(), requires_grad=True) for n in ("a", "b")]
    adam = Adam(params, lr=0.05)
    t_adam = torch.optim.Adam(t_params, lr=0.05)
    for _step in range(5):
        grads = {"a": rng.standard_normal((3, 2)), "b": rng.standard_normal(4)}
        adam.step(grads)
        for tensor, name in zip(t_params, ("a", "b"), strict=False):
            tensor.grad = torch.tensor(grads[name])
        t_adam.step()
    for tensor, name in zip(t_params, ("a", "b"), strict=False):
        assert_close(params[name], tensor.detach().numpy(), rtol=1e-12)


def test_training_lowers_the_loss_and_stays_quiet(capsys):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((32, 5, 1))
    y = np.cumsum(x, axis=1) / np.arange(1, 6)[None, :, None]
    model = SequenceRegressor.build(1, 8, rng=rng)
    history = train(model, MSELoss(), x, y, Adam(model.named_parameters(), lr=0.01), epochs=40, batch_size=8, rng=rng)
    assert history.losses[-1] < history.losses[0] / 5
    assert capsys.readouterr().err == ""


def test_training_draws_its_progress_only_when_asked(capsys):
    rng = np.random.default_rng(12)
    x, y = rng.standard_normal((8, 3, 1)), rng.standard_normal((8, 3, 1))
    model = SequenceRegressor.build(1, 4, rng=rng)
    train(model, MSELoss(), x, y, Adam(model.named_parameters()), epochs=3, progress=True, label="x")
    drawn = capsys.readouterr().err
    assert "x [" in drawn and "3/3" in drawn
    train(model, MSELoss(), x, y, Adam(model.named_parameters()), epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_training_takes_batches_of_several_inputs_and_a_monitor():
    rng = np.random.default_rng(13)
    tokens = rng.integers(0, 5, size=(12, 4))
    lengths = rng.integers(1, 5, size=12)
    labels = rng.integers(0, 3, size=12)
    model = SequenceClassifier.build(5, 6, 3, embedding_size=2, rng=rng)

    def batches(rng):
        for start in range(0, 12, 4):
            yield (tokens[start : start + 4], lengths[start : start + 4]), labels[start : start + 4]

    history = train(
        model,
        SoftmaxCrossEntropy(),
        None,
        None,
        Adam(model.named_parameters(), lr=0.05),
        epochs=30,
        batches=batches,
        monitor=lambda epoch: {"epoch": epoch},
    )
    assert history.losses[-1] < history.losses[0] / 2
    assert history.metrics == [{"epoch": e} for e in range(1, 31)]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: RNN(2, 3).forward(np.zeros((1, 4, 5))), "x has shape (1, 4, 5), expected (B, T, 2)"),
        (lambda: RNN(2, 3).forward(np.zeros((4, 2))), "x has shape (4, 2), expected (B, T, 2)"),
        (lambda: RNN(2, 3).forward(np.zeros((1, 0, 2))), "T = 0 time steps"),
        (lambda: RNN(2, 3).forward(np.full((1, 2, 2), np.nan)), "x has non-finite values"),
        (lambda: RNN(2, 3).forward(np.zeros((2, 4, 2)), np.zeros((2, 4))), "h0 has shape (2, 4), expected (2, 3)"),
        (lambda: RNN(2, 3, "sigmoid"), "unknown nonlinearity 'sigmoid'; expected one of tanh, relu, identity"),
        (lambda: RNN(0, 3), "input_size must be an integer >= 1"),
        (
            lambda: RNN.from_weights(np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(3)),
            "W_h has shape (2, 2), expected (3, 3)",
        ),
        (lambda: LSTM(2, 3).forward(np.zeros((1, 2, 3))), "LSTM.forward: x has shape (1, 2, 3), expected (B, T, 2)"),
        (
            lambda: LSTM.from_weights(np.zeros((2, 8)), np.zeros((3, 12)), np.zeros(12)),
            "U has shape (2, 8), expected (D, 12)",
        ),
        (lambda: Linear(3, 1).forward(np.zeros((2, 4))), "expected (..., 3)"),
        (lambda: Stacked([RNN(2, 3), RNN(4, 3)]), "input_size 4 does not match the hidden_size 3"),
        (lambda: MSELoss().forward(np.zeros((1, 2, 1)), np.zeros((1, 3, 1))), "must both be (B, T, O)"),
        (lambda: SoftmaxCrossEntropy().forward(np.zeros((2, 3)), np.array([0, 3])), "labels must be from 0 to 2"),
        (lambda: Embedding(4, 2).forward(np.array([[4]])), "tokens must be integers from 0 to 3"),
        (
            lambda: LastStep().forward(np.zeros((2, 3, 1)), np.array([0, 3])),
            "lengths must be (2,) integers from 1 to 3",
        ),
    ],
)
def test_bad_inputs_name_the_argument_and_shape(call, fragment):
    with pytest.raises(LayerUsageError) as info:
        call()
    assert fragment in str(info.value)
    # A bug in hw6's own code, not bad input: the CLI must not turn it into "hw6: error:", exit 2.
    assert not isinstance(info.value, Hw6Error) and isinstance(info.value, ValueError)


def diverging_run(lr: float, targets: np.ndarray | None = None):
    rng = np.random.default_rng(3)
    model = SequenceRegressor.build(1, 8, 1, num_layers=2, nonlinearity="identity", rng=rng)
    x = rng.standard_normal((16, 10, 1))
    y = rng.standard_normal((16, 10, 1)) if targets is None else targets
    with np.errstate(over="ignore", invalid="ignore"):
        return train(model, MSELoss(), x, y, Adam(model.named_parameters(), lr=lr), epochs=20, label="the test run")


def test_weights_that_diverge_are_the_users_learning_rate():
    with pytest.raises(
        TrainingDiverged, match=r"^the test run: diverged in epoch \d+, the weights or their gradients became NaN"
    ) as info:
        diverging_run(1e30)
    assert isinstance(info.value, Hw6Error)


def test_a_shape_bug_while_training_stays_a_bug():
    with pytest.raises(LayerUsageError, match="must both be"):
        diverging_run(1e-3, targets=np.zeros((16, 9, 1)))


def test_non_finite_data_before_any_step_stays_a_bug():
    with pytest.raises(NonFiniteValues, match="x has non-finite values") as info:
        model = SequenceRegressor.build(1, 2, 1, rng=0)
        x = np.full((2, 3, 1), np.nan)
        train(model, MSELoss(), x, np.zeros((2, 3, 1)), Adam(model.named_parameters()), epochs=1)
    assert not isinstance(info.value, Hw6Error)


def test_backward_checks_the_gradient_shape():
    layer = RNN(1, 2)
    _, ctx = layer.forward(np.zeros((1, 3, 1)))
    with pytest.raises(LayerUsageError, match=r"d_hs has shape \(1, 3, 3\), expected \(1, 3, 2\)"):
        layer.backward(ctx, np.zeros((1, 3, 3)))
