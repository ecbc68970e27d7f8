"""How Problem 3's answers are checked.

:func:`crosscheck` (NumPy, every build): the test input's outputs from the
NumPy layers against the 40-digit values, the hand-written backward passes
against central differences, the study's gradients of (e) against explicit
matrix powers and of (i) against central differences, the identities of (e)
and (i) by SymPy, the trained losses re-evaluated in float64. The numbers the
sheet takes from the solution notebook (torch) are held against NumPy: every
study curve against the NumPy layers' study (within STUDY_RTOL), the 1.K
networks' final losses against the NumPy stack evaluating their saved weights.
:func:`oracle_check` (torch): the test input through ``torch.nn.RNN``, every
study run's per-step gradients by autograd, the trained weights in
``torch.nn.RNN``/``LSTM``.
"""

from __future__ import annotations

import functools

import numpy as np

from ...kernel.checks import Check, compare_arrays, compare_equal, import_torch
from ...nn import LSTM, RNN, MSELoss, SequenceRegressor, Stacked, mirrors
from ...nn.gradcheck import numerical_gradient
from .params import StudyParams
from .solve import Solution
from .study import gradients, testcases, training
from .study.testcases import mp_floats

EXACT_RTOL = 1e-10  # the same computation in other arithmetic
FD_RTOL = 1e-5  # central differences
#: torch autograd against the hand-written backward, same weights: agrees to 1e-8 relative (the tanh
#: network at spectral radius 3 cancels most), so a wrong gradient by more than a part in a million fails.
STUDY_RTOL = 1e-6


def _central_difference_check(part: str, backend: str, layer_loss, module, grads: dict[str, np.ndarray]) -> Check:
    """Every parameter gradient of ``module`` against central differences of ``layer_loss``."""
    exact, numeric = [], []
    for name, array in module.named_parameters().items():
        exact.append(grads[name].ravel())
        numeric.append(numerical_gradient(layer_loss, array).ravel())
    return compare_arrays(part, backend, np.concatenate(exact), np.concatenate(numeric), rtol=FD_RTOL, atol=1e-8)


def _weighted_sum(layer: RNN | LSTM, x: np.ndarray, weights: np.ndarray) -> float:
    """L = sum(weights * hs): a loss whose dL/dhs is ``weights``."""
    return float(np.sum(weights * layer.forward(x)[0]))


def _model_loss(mse: MSELoss, model: SequenceRegressor, x: np.ndarray, y: np.ndarray) -> float:
    return mse.forward(model.forward(x)[0], y)[0]


@functools.cache
def gradient_checks() -> tuple[Check, ...]:
    """The hand-written backward passes against central differences, at small sizes (float64).

    They test the layers, not a variant's numbers, so one process runs them once.
    """
    rng = np.random.default_rng(20230311)
    x = rng.standard_normal((2, 4, 2))  # (B, T, D)
    weights = rng.standard_normal((2, 4, 3))  # (B, T, H): L = sum(weights * hs)
    checks = []
    for nonlinearity in ("tanh", "relu", "identity"):
        layer = RNN(2, 3, nonlinearity, rng=rng)
        hs, ctx = layer.forward(x)
        result = layer.backward(ctx, weights)
        loss = functools.partial(_weighted_sum, layer, x, weights)
        checks.append(
            _central_difference_check(f"3a.bptt.{nonlinearity}", "numpy central difference", loss, layer, result.grads)
        )
        d_x = numerical_gradient(functools.partial(_weighted_sum, layer, x, weights), x)
        checks.append(
            compare_arrays(
                f"3a.bptt.{nonlinearity}.input",
                "numpy central difference",
                result.d_input,
                d_x,
                rtol=FD_RTOL,
                atol=1e-8,
            )
        )
    lstm = LSTM(2, 3, rng=rng)
    hs, ctx = lstm.forward(x)
    result = lstm.backward(ctx, weights)
    loss = functools.partial(_weighted_sum, lstm, x, weights)
    checks.append(_central_difference_check("3h.lstm-backward", "numpy central difference", loss, lstm, result.grads))

    y = rng.standard_normal((2, 4, 1))
    for cell in ("rnn", "lstm"):
        model = SequenceRegressor.build(2, 3, 1, num_layers=2, cell=cell, rng=rng)
        predictions, ctx = model.forward(x)
        mse = MSELoss()
        value, loss_ctx = mse.forward(predictions, y)
        result = model.backward(ctx, mse.backward(loss_ctx))
        loss = functools.partial(_model_loss, mse, model, x, y)
        checks.append(
            _central_difference_check(
                f"3k.stacked-{cell}-backward", "numpy central difference", loss, model, result.grads
            )
        )
    return tuple(checks)


def powered_gradient_norms(config: gradients.GradientConfig) -> np.ndarray:
    """(e): ||g_T W_h^(T-t)|| for every t, by explicit matrix powers (no backward pass)."""
    net = gradients.build_network(config)
    hs, ctx = net.layer.forward(net.x)
    predictions, head_ctx = net.head.forward(hs)
    _, loss_ctx = net.loss.forward(predictions, net.y)
    g_T = net.head.backward(head_ctx, net.loss.backward(loss_ctx)).d_input[:, -1]  # (B, H): dL/dh_T
    W_h = net.layer.params["W_h"]
    steps = config.steps
    return np.array([np.linalg.norm(g_T @ np.linalg.matrix_power(W_h, steps - 1 - t)) for t in range(steps)])


NONLINEAR_LAST_STEP_RUNS = ("tanh", "relu", "rnn_default", "relu_default")  # (f): the runs it compares


def chained_gradients(config: gradients.GradientConfig) -> tuple[np.ndarray, np.ndarray]:
    """(f) without the layer's code: a per-sequence forward loop in column form, then
    dL/dh_t = W_h^T (sigma'(a_{t+1}) * dL/dh_{t+1}) from dL/dh_T (last step scored). Returns the
    per-step ||dL/dh_t|| and the share of units with slope 0 (ReLU) or the mean of 1 - h^2 (tanh)."""
    net = gradients.build_network(config)
    W_x, W_h, b = (net.layer.params[name] for name in ("W_x", "W_h", "b"))
    head = net.head.params["weight"][0]  # (H,)
    batch, steps, _ = net.x.shape
    squared = np.zeros(steps)
    slopes = []
    for seq in range(batch):
        h, slope = np.zeros(W_h.shape[0]), []
        for t in range(steps):
            a = W_h @ h + W_x @ net.x[seq, t] + b
            h = np.tanh(a) if config.nonlinearity == "tanh" else np.maximum(a, 0.0)
            slope.append(1.0 - h**2 if config.nonlinearity == "tanh" else (a > 0).astype(float))
            prediction = head @ h + net.head.params["bias"][0]
        g = head * (2.0 / batch) * (prediction - net.y[seq, -1, 0])  # dL/dh_T of the mean over the batch
        squared[-1] += g @ g
        for t in range(steps - 2, -1, -1):
            g = W_h.T @ (slope[t + 1] * g)
            squared[t] += g @ g
        slopes.append(np.array(slope))
    return np.sqrt(squared), np.array(slopes)


def cell_state_loss(config: gradients.GradientConfig):
    """(i): the last-step loss as a function of C_{T-1} (h_{T-1} = tanh(C_{T-1}) o_{T-1} follows it)."""
    net = gradients.build_network(config)
    layer: LSTM = net.layer  # type: ignore[assignment]
    hidden = layer.hidden_size
    _, ctx = layer.forward(net.x[:, :-1])
    gates, cs = ctx[3], ctx[4]
    out_gate = gates[:, -1, 2 * hidden : 3 * hidden]  # (B, H): o_{T-1}
    cell = cs[:, -1].copy()  # (B, H): C_{T-1}, perturbed in place by the caller

    def loss() -> float:
        h_prev = np.tanh(cell) * out_gate
        hs, _ = layer.forward(net.x[:, -1:], (h_prev, cell))
        predictions, _ = net.head.forward(hs)
        return net.loss.forward(predictions, net.y[:, -1:])[0]

    return loss, cell


@functools.lru_cache(maxsize=16)
def study_references(params: StudyParams) -> dict[str, np.ndarray]:
    """Independent values for (e) and (i), computed once per study configuration: variants share
    one study, and these take most of the check's time. The shipped values are compared with
    them in :func:`crosscheck`, every time."""
    configs = gradients.study_configs(params)
    references = {f"3e.{name}": powered_gradient_norms(configs[name]) for name in ("linear_small", "linear_large")}
    for name in NONLINEAR_LAST_STEP_RUNS:
        norms, slopes = chained_gradients(configs[name])
        references[f"3f.{name}"] = norms
        references[f"3f.{name}.slope"] = np.array(
            [np.mean(slopes == 0) if name.startswith("relu") else np.mean(slopes)]
        )
    loss, cell = cell_state_loss(configs["lstm_default"])
    references["3i.total"] = numerical_gradient(loss, cell)
    return references


def crosscheck(solution: Solution) -> list[Check]:
    case = solution.case
    numpy_case = testcases.numpy_outputs(case)
    backend = "numpy layers vs 40 digits"
    checks = [
        compare_arrays("3a", backend, case.hidden_floats, numpy_case["hidden"], rtol=EXACT_RTOL, atol=1e-15),
        compare_arrays(
            "3b", backend, mp_floats(case.predictions), numpy_case["predictions"], rtol=EXACT_RTOL, atol=1e-15
        ),
        compare_arrays("3c", backend, mp_floats(case.losses), numpy_case["losses"], rtol=EXACT_RTOL, atol=1e-15),
    ]
    checks += list(gradient_checks())
    checks.append(compare_equal("3e", "sympy differentiation", True, solution.linear_check.holds))
    checks.append(compare_equal("3i", "sympy differentiation", True, solution.cell_check.holds))
    references = study_references(solution.params.study)
    study, paths = solution.study, solution.study.paths
    for name in ("linear_small", "linear_large"):
        checks.append(
            compare_arrays(
                f"3e.{name}", "numpy matrix powers", study.runs[name].grad, references[f"3e.{name}"], rtol=1e-9
            )
        )
    n = solution.numbers
    measured_slopes = {"relu_default": n["default_relu_inactive"], "rnn_default": n["default_tanh_slope"]}
    for name in NONLINEAR_LAST_STEP_RUNS:
        grad = study.runs[name].grad
        # Summed in another order; at the spectral radius 3 the tanh sums cancel and lose a few more digits.
        checks.append(compare_arrays(f"3f.{name}", "numpy Jacobian chain", grad, references[f"3f.{name}"], rtol=1e-7))
        if name in measured_slopes:
            checks.append(
                compare_arrays(
                    f"3f.{name}.slope",
                    "numpy forward loop",
                    [measured_slopes[name]],
                    references[f"3f.{name}.slope"],
                    rtol=1e-12,
                )
            )
    checks.append(
        compare_arrays(
            "3i.paths",
            "numpy sum of the two paths",
            paths.total,
            paths.direct + paths.through_hidden,
            rtol=EXACT_RTOL,
            atol=1e-15,
        )
    )
    checks.append(
        compare_arrays(
            "3i.total", "numpy central difference", paths.total, references["3i.total"], rtol=FD_RTOL, atol=1e-9
        )
    )

    if solution.numpy_study is not None:
        # The notebook's autograd (torch) against the NumPy layers' hand-written backward, same weights and batch.
        for name, measured in solution.numpy_study.runs.items():
            shown = solution.study.runs[name]
            for what, numpy_curve, notebook_curve in (
                ("grad", measured.grad, shown.grad),
                ("hidden", measured.hidden, shown.hidden),
                ("cell", measured.cell_grad, shown.cell_grad),
            ):
                if numpy_curve is not None or notebook_curve is not None:
                    checks.append(
                        compare_arrays(
                            f"3d.{name}.{what}",
                            "notebook (torch autograd) vs numpy layers",
                            [] if numpy_curve is None else numpy_curve,
                            [] if notebook_curve is None else notebook_curve,
                            rtol=STUDY_RTOL,
                        )
                    )
    for layers, run in solution.trained.items():
        checks.append(
            compare_arrays(
                f"3k.{layers}-layer.weights",
                "notebook's final loss vs numpy float64 evaluation of its saved weights",
                [training.evaluate(solution.params.training, layers, run.weights)],
                [run.final_loss],
                rtol=1e-9,
            )
        )
    for layers, run in solution.trained.items():
        # The epochs the sheet cites, from the curve again: the first below the target, and one past the last above it.
        losses = np.asarray(run.losses)
        below, above = np.flatnonzero(losses < run.target), np.flatnonzero(losses >= run.target)
        first = int(below[0]) + 1 if below.size else None
        stays = None if not below.size or losses[-1] >= run.target else (int(above[-1]) + 2 if above.size else 1)
        checks.append(compare_equal(f"3k.{layers}-layer.first-below", "numpy curve", first, run.reached_at))
        checks.append(compare_equal(f"3k.{layers}-layer.stays-below", "numpy curve", stays, run.stays_below_from))
        # The cached curve was measured in training arithmetic; the weights re-evaluated in float64 agree.
        rtol = 1e-3 if solution.params.training.dtype == "float32" else 1e-9
        checks.append(
            compare_arrays(
                f"3k.{layers}-layer", "numpy float64 re-evaluation", [run.losses[-1]], [run.final_loss], rtol=rtol
            )
        )
    return checks


def oracle_check(solution: Solution) -> list[Check]:
    torch = import_torch()

    case = solution.case
    arrays = case.arrays()
    rnn = RNN.from_weights(arrays["W_x"], arrays["W_h"], arrays["b"], case.params.nonlinearity)
    outputs, backend = mirrors.stack_outputs(Stacked([rnn]), arrays["x"])
    hs = torch.tensor(outputs)
    predictions = hs @ torch.tensor(arrays["W_f"]).T + torch.tensor(arrays["b_f"])
    errors = predictions - torch.tensor(arrays["labels"])
    losses = [float((errors**2).mean()), float((errors[:, -1] ** 2).mean())]
    checks = [
        compare_arrays("3a", backend, case.hidden_floats, hs[0].numpy(), rtol=EXACT_RTOL, atol=1e-15),
        compare_arrays(
            "3b", backend, mp_floats(case.predictions), predictions[0, :, 0].numpy(), rtol=EXACT_RTOL, atol=1e-15
        ),
        compare_arrays("3c", backend, mp_floats(case.losses), losses, rtol=EXACT_RTOL, atol=1e-15),
    ]

    # (d)-(h): every run's per-step ||dL/dh_t|| (and ||dL/dC_t||) by autograd on the same network.
    for name, run in solution.study.runs.items():
        net = gradients.build_network(run.config)
        p = mirrors.leaves(net.layer.params)
        x = torch.tensor(net.x)
        if run.config.cell == "lstm":
            hs, cs, _ = mirrors.unroll_lstm(p, x)
        else:
            hs, cs = mirrors.unroll_rnn(p, x, run.config.nonlinearity), []
        stacked = torch.stack(hs, dim=1)
        predictions = stacked @ torch.tensor(net.head.params["weight"]).T + torch.tensor(net.head.params["bias"])
        error = predictions - torch.tensor(net.y)
        loss = (error[:, -1:] ** 2).mean() if run.config.last_target_only else (error**2).mean()
        loss.backward()
        grad = [float(torch.linalg.norm(h.grad)) for h in hs]
        # Rounding differences grow with the gradient itself when it explodes.
        rtol = min(1e-6, EXACT_RTOL * max(1.0, run.ratio))
        checks.append(compare_arrays(f"3d.{name}", "torch autograd", run.grad, grad, rtol=rtol))
        if cs:
            cell = [float(torch.linalg.norm(c.grad)) for c in cs]
            checks.append(compare_arrays(f"3h.{name}.cell", "torch autograd", run.cell, cell, rtol=EXACT_RTOL))
        if name == "lstm_default":
            checks.append(
                compare_arrays(
                    "3i.total",
                    "torch autograd",
                    solution.study.paths.total,
                    cs[-2].grad.numpy(),
                    rtol=EXACT_RTOL,
                    atol=1e-15,
                )
            )

    # (k): the trained weights in torch.nn.RNN/LSTM + Linear give the reported training loss.
    params = solution.params.training
    x, y = training.training_data(params)
    for layers, trained in solution.trained.items():
        model = training.new_model(params, layers)
        model.load(trained.weights)
        outputs, backend = mirrors.stack_outputs(model.rnn, x)
        predictions = outputs @ model.head.params["weight"].T + model.head.params["bias"]  # (B, T, 1), float64
        value = float(np.mean((predictions - y) ** 2))
        checks.append(compare_arrays(f"3k.{layers}-layer", backend, [trained.final_loss], [value], rtol=EXACT_RTOL))
    return checks
