"""Problem 3: implementing RNNs and LSTMs, vanishing and exploding gradients, stacked networks.

The layers are :mod:`solver.nn` (NumPy, hand-written backward passes); the
experiments are :mod:`solver.recurrent`. Reference values of the test input
come from 40-digit arithmetic, the identities of (e) and (i) from SymPy, and
every measured number is checked again: central differences and matrix powers
in NumPy on every build, torch autograd and ``torch.nn.RNN``/``LSTM`` in the
oracle. Training (k) and the figures are cached under ``context.cache_dir``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ...core.checks import Check, compare_arrays, compare_equal, import_torch
from ...core.params import ParamsBase, param
from ...core.problem import BuildContext, Part, Problem
from ...io import figures
from ...io.cache import Cache
from ...nn import LSTM, RNN, MSELoss, SequenceRegressor, Stacked
from ...nn.gradcheck import numerical_gradient
from .study import derivations, gradients, testcases, training
from .study.gradients import RUNS, Study, StudyParams
from .study.testcases import TestCase, TestCaseParams
from .study.training import TrainedRun, TrainingParams

SIGNIFICANT = 6  # digits of the numbers in the key
FIGURE_DIR = "figures/rnn_lstm"
FIGURE_CACHE_KIND = "rnn_lstm-figures"
EXACT_RTOL = 1e-10  # the same computation in other arithmetic
FD_RTOL = 1e-5  # central differences


@dataclass(frozen=True)
class Params(ParamsBase):
    test_case: TestCaseParams = param(doc="parts (a)-(c): the test input", default_factory=TestCaseParams)
    study: StudyParams = param(doc="parts (d)-(j): the gradient study", default_factory=StudyParams)
    training: TrainingParams = param(doc="part (k): training to the loss thresholds", default_factory=TrainingParams)


@dataclass(frozen=True)
class Solution:
    params: Params
    case: TestCase
    study: Study
    linear_check: derivations.LinearGradientCheck
    cell_check: derivations.CellGradientCheck
    trained: dict[int, TrainedRun]
    cache: Cache = field(repr=False, compare=False)

    @cached_property
    def numbers(self) -> dict[str, float]:
        """The measured numbers the written answers cite."""
        runs, rates, paths = self.study.runs, self.study.rates, self.study.paths
        tanh = gradients.build_network(runs["tanh"].config)
        hs, _ = tanh.layer.forward(tanh.x)
        return {
            "small_ratio": runs["linear_small"].ratio,
            "large_ratio": runs["linear_large"].ratio,
            "small_slope": rates["linear_small"].slope,
            "large_slope": rates["linear_large"].slope,
            "small_log_radius": rates["linear_small"].log_radius,
            "large_log_radius": rates["linear_large"].log_radius,
            "tanh_ratio": runs["tanh"].ratio,
            "relu_ratio": runs["relu"].ratio,
            "tanh_hidden": float(runs["tanh"].hidden[-1]),
            "relu_hidden": float(runs["relu"].hidden[-1]),
            "tanh_saturated": float(np.mean(np.abs(hs) > 0.99)),
            "last_ratio": runs["rnn_default"].ratio,
            "all_ratio": runs["rnn_all_targets"].ratio,
            "last_share": self.study.last_target_share,
            "rnn_ratio": runs["rnn_default"].ratio,
            "lstm_ratio": runs["lstm_default"].ratio,
            "lstm_cell_ratio": float(runs["lstm_default"].cell_grad[0] / runs["lstm_default"].cell_grad[-1]),
            "forget_ratio": runs["lstm_forget"].ratio,
            "direct_norm": float(np.linalg.norm(paths.direct)),
            "through_norm": float(np.linalg.norm(paths.through_hidden)),
            "total_norm": float(np.linalg.norm(paths.total)),
            "mean_forget": paths.mean_forget,
        }


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    context = context or BuildContext()
    cache = Cache(context.cache_dir)
    study = gradients.run_study(params.study)
    trained = training.run_training(params.training, cache, progress=context.progress)
    solution = Solution(
        params,
        testcases.solve(params.test_case),
        study,
        derivations.linear_gradient(2, 3),
        derivations.cell_gradient(),
        trained,
        cache,
    )
    return solution


# --------------------------------------------------------------------------- NumPy checks


def _mp_floats(values) -> np.ndarray:
    return np.array([float(v) for v in values], dtype=np.float64)


def _central_difference_check(part: str, backend: str, layer_loss, module, grads: dict[str, np.ndarray]) -> Check:
    """Every parameter gradient of ``module`` against central differences of ``layer_loss``."""
    exact, numeric = [], []
    for name, array in module.named_parameters().items():
        exact.append(grads[name].ravel())
        numeric.append(numerical_gradient(layer_loss, array).ravel())
    return compare_arrays(part, backend, np.concatenate(exact), np.concatenate(numeric), rtol=FD_RTOL, atol=1e-8)


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
        loss = lambda layer=layer: float(np.sum(weights * layer.forward(x)[0]))  # noqa: E731
        checks.append(
            _central_difference_check(f"3a.bptt.{nonlinearity}", "numpy central difference", loss, layer, result.grads)
        )
        d_x = numerical_gradient(lambda layer=layer: float(np.sum(weights * layer.forward(x)[0])), x)
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
    loss = lambda: float(np.sum(weights * lstm.forward(x)[0]))  # noqa: E731
    checks.append(_central_difference_check("3h.lstm-backward", "numpy central difference", loss, lstm, result.grads))

    y = rng.standard_normal((2, 4, 1))
    for cell in ("rnn", "lstm"):
        model = SequenceRegressor.build(2, 3, 1, num_layers=2, cell=cell, rng=rng)
        predictions, ctx = model.forward(x)
        mse = MSELoss()
        value, loss_ctx = mse.forward(predictions, y)
        result = model.backward(ctx, mse.backward(loss_ctx))
        loss = lambda mse=mse, model=model: mse.forward(model.forward(x)[0], y)[0]  # noqa: E731
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
            "3b", backend, _mp_floats(case.predictions), numpy_case["predictions"], rtol=EXACT_RTOL, atol=1e-15
        ),
        compare_arrays("3c", backend, _mp_floats(case.losses), numpy_case["losses"], rtol=EXACT_RTOL, atol=1e-15),
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

    for layers, run in solution.trained.items():
        # The cached curve was measured in training arithmetic; the weights re-evaluated in float64 agree.
        rtol = 1e-3 if solution.params.training.dtype == "float32" else 1e-9
        checks.append(
            compare_arrays(
                f"3k.{layers}-layer", "numpy float64 re-evaluation", [run.losses[-1]], [run.final_loss], rtol=rtol
            )
        )
    return checks


# --------------------------------------------------------------------------- torch oracle


def oracle_check(solution: Solution) -> list[Check]:
    torch = import_torch()
    from .study import oracle

    case = solution.case
    arrays = case.arrays()
    rnn = RNN.from_weights(arrays["W_x"], arrays["W_h"], arrays["b"], case.params.nonlinearity)
    outputs, backend = oracle.stack_outputs(Stacked([rnn]), arrays["x"])
    hs = torch.tensor(outputs)
    predictions = hs @ torch.tensor(arrays["W_f"]).T + torch.tensor(arrays["b_f"])
    errors = predictions - torch.tensor(arrays["labels"])
    losses = [float((errors**2).mean()), float((errors[:, -1] ** 2).mean())]
    checks = [
        compare_arrays("3a", backend, case.hidden_floats, hs[0].numpy(), rtol=EXACT_RTOL, atol=1e-15),
        compare_arrays(
            "3b", backend, _mp_floats(case.predictions), predictions[0, :, 0].numpy(), rtol=EXACT_RTOL, atol=1e-15
        ),
        compare_arrays("3c", backend, _mp_floats(case.losses), losses, rtol=EXACT_RTOL, atol=1e-15),
    ]

    # (d)-(h): every run's per-step ||dL/dh_t|| (and ||dL/dC_t||) by autograd on the same network.
    for name, run in solution.study.runs.items():
        net = gradients.build_network(run.config)
        p = oracle.leaves(net.layer.params)
        x = torch.tensor(net.x)
        if run.config.cell == "lstm":
            hs, cs, _ = oracle.unroll_lstm(p, x)
        else:
            hs, cs = oracle.unroll_rnn(p, x, run.config.nonlinearity), []
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
            checks.append(compare_arrays(f"3h.{name}.cell", "torch autograd", run.cell_grad, cell, rtol=EXACT_RTOL))
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
    for layers, run in solution.trained.items():
        model = training.new_model(params, layers)
        model.load(run.weights)
        outputs, backend = oracle.stack_outputs(model.rnn, x)
        predictions = outputs @ model.head.params["weight"].T + model.head.params["bias"]  # (B, T, 1), float64
        value = float(np.mean((predictions - y) ** 2))
        checks.append(compare_arrays(f"3k.{layers}-layer", backend, [run.final_loss], [value], rtol=EXACT_RTOL))
    return checks


# --------------------------------------------------------------------------- answer key


def rounded(values) -> list[float]:
    return [float(f"{float(v):.{SIGNIFICANT}g}") for v in values]


def _g(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}"


def references(solution: Solution) -> dict[str, str]:
    """Reference answers for the written parts, citing this run's numbers (plain text)."""
    n = solution.numbers
    steps = solution.params.study.steps
    stronger = "ReLU" if n["relu_ratio"] > n["tanh_ratio"] else "tanh"
    return {
        "3f": (
            f"ReLU is the one that explodes: at the same spectral radius its ||dL/dh_1||/||dL/dh_T|| was "
            f"{_g(n['relu_ratio'])} against {_g(n['tanh_ratio'])} for tanh ({stronger} grew more), and its ||h_T|| reached "
            f"{_g(n['relu_hidden'])} while tanh's stayed at {_g(n['tanh_hidden'])}. ReLU is unbounded and passes gradients with "
            f"slope 1, so a gain above 1 compounds in both passes. tanh keeps |h| < 1 and multiplies each backward step by "
            f"1 - h^2 <= 1; {_g(100 * n['tanh_saturated'], 2)}% of its units were saturated (|h| > 0.99), where that factor is "
            f"almost 0, which is why tanh networks are the ones prone to vanishing gradients."
        ),
        "3g": (
            f"With every step scored, each h_t receives a gradient from its own target, so ||dL/dh_t|| no longer decays: "
            f"||dL/dh_1||/||dL/dh_T|| went from {_g(n['last_ratio'])} (last target only) to {_g(n['all_ratio'])}. "
            f"The vanishing is hidden, not cured: the part of dL/dh_1 that comes from the last target is only "
            f"{_g(n['last_share'])} of it. Learning a dependency across {steps} steps still relies on that vanishing term, "
            f"so it does not help with long-range dependencies; it helps only the short-range ones."
        ),
        "3h": (
            f"At default initialisation both vanish over {steps} steps, the LSTM less quickly: ||dL/dh_1||/||dL/dh_T|| was "
            f"{_g(n['lstm_ratio'])} for the LSTM against {_g(n['rnn_ratio'])} for the tanh RNN, and {_g(n['forget_ratio'])} "
            f"for an LSTM whose forget-gate bias starts at {solution.params.study.forget_bias}."
        ),
        "3i": (
            "dL/dC_{T-1} = dL/dC_T * f_T + dL/dh_{T-1} * o_{T-1} * (1 - tanh^2(C_{T-1})), where "
            "dL/dC_T = dL/dh_T * o_T * (1 - tanh^2(C_T)) and dL/dh_{T-1} collects the paths through the gates of step T. "
            "The first term passes the gradient back through an elementwise product with the forget gate only: no weight "
            "matrix and no squashing derivative, so with f near 1 it survives many steps. "
            f"Measured on the LSTM: ||direct path|| = {_g(n['direct_norm'])}, ||path through h_(T-1)|| = "
            f"{_g(n['through_norm'])}, ||total|| = {_g(n['total_norm'])}."
        ),
        "3j": (
            "A residual block h_(t+1) = sigma(W_t h_t + b_t) + h_t has dh_(t+1)/dh_t = I + (its branch's Jacobian), so the "
            "gradient always has an identity path around the block. The LSTM's cell state plays the same role: "
            "C_t = f_t * C_(t-1) + i_t * C~_t gives dC_t/dC_(t-1) = diag(f_t) along the direct path, an identity scaled by a "
            f"learned gate (mean f = {_g(n['mean_forget'])} here), so the gradient is carried additively past the nonlinear "
            "branch instead of through repeated weight matrices. With f = 1 it would be exactly the skip connection."
        ),
    }


def parts(solution: Solution) -> dict[str, Part]:
    case, n = solution.case, solution.numbers
    steps, hidden = case.params.steps, case.params.hidden_size
    refs = references(solution)
    out: dict[str, Part] = {
        "3a": Part(
            "numbers",
            rounded(case.hidden_floats.ravel()),
            extra={"shape": [steps, hidden], "order": "h_1 first, then h_2, ..."},
        ),
        "3b": Part("numbers", rounded(_mp_floats(case.predictions)), extra={"shape": [steps]}),
        "3c": Part(
            "numbers",
            rounded(_mp_floats(case.losses)),
            extra={
                "order": ["task 1: MSE over every step", "task 2: MSE at the last step"],
                "labels": [str(v) for v in case.labels],
            },
        ),
        "3d": Part(
            "data",
            {
                name: {"grad_ratio": rounded([run.ratio])[0], "hidden_last": rounded([run.hidden[-1]])[0]}
                for name, run in solution.study.runs.items()
            },
        ),
        # A matrix expression (transposes and powers of W_h do not commute), so it is shown to
        # graders with its reading rather than compared by the scalar expression grader.
        "3e": Part(
            "written",
            derivations.LINEAR_GRADIENT_TEXT,
            derivations.LINEAR_GRADIENT_LATEX,
            {
                "reference": f"dL/dh_t = {derivations.LINEAR_GRADIENT_TEXT}, with g_T = dL/dh_T",
                "symbols": ["W_h", "g_T", "T", "t"],
                "form": "W_h is the recurrent matrix (H x H), g_T = dL/dh_T (a column), T the last step; "
                "W_h.T**(T - t) is the (T - t)-th power of its transpose",
                "condition": "vanishing when the spectral radius of W_h is below 1 (sure when its largest singular value is), "
                "exploding when it is above 1 (sure when its smallest singular value is)",
                "measured_slope": rounded([n["small_slope"], n["large_slope"]]),
                "log_spectral_radius": rounded([n["small_log_radius"], n["large_log_radius"]]),
            },
        ),
    }
    for part_id in ("3f", "3g", "3h", "3i", "3j"):
        # The text is the value (as for every written part) and the documented ``reference`` extra.
        out[part_id] = Part("written", refs[part_id], extra={"reference": refs[part_id]})
    out["3k"] = Part(
        "numbers",
        rounded([solution.trained[layers].final_loss for layers in training.LAYERS]),
        extra={
            "order": ["1-layer training loss", "2-layer training loss"],
            "targets": [solution.trained[layers].target for layers in training.LAYERS],
            "below": [solution.trained[layers].target for layers in training.LAYERS],
            "graded_as": "below the target; the values themselves depend on the run",
        },
    )
    return out


# --------------------------------------------------------------------------- sheet


def _plots(solution: Solution) -> list[figures.Plot]:
    runs = solution.study.runs

    def grad(name: str, label: str | None = None, dashed: bool = False) -> figures.Series:
        return figures.Series(label or RUNS[name], runs[name].grad, dashed)

    def hidden(name: str, label: str | None = None) -> figures.Series:
        return figures.Series(label or RUNS[name], runs[name].hidden)

    step = "time step t"
    g_label, h_label = r"$\|\partial L/\partial h_t\|$", r"$\|h_t\|$"
    small, large = solution.params.study.small_radius, solution.params.study.large_radius
    radius = solution.params.study.nonlinear_radius
    linear_labels = (rf"$\rho(W_h) = {float(small):g}$", rf"$\rho(W_h) = {float(large):g}$")
    trained = solution.trained
    return [
        figures.Plot(
            "linear",
            (
                figures.Panel(
                    "gradient, linear RNN",
                    step,
                    g_label,
                    (grad("linear_small", linear_labels[0]), grad("linear_large", linear_labels[1])),
                ),
                figures.Panel(
                    "hidden state, linear RNN",
                    step,
                    h_label,
                    (hidden("linear_small", linear_labels[0]), hidden("linear_large", linear_labels[1])),
                ),
            ),
        ),
        figures.Plot(
            "activations",
            (
                figures.Panel(
                    rf"gradient, $\rho(W_h) = {float(radius):g}$", step, g_label, (grad("tanh"), grad("relu"))
                ),
                figures.Panel(
                    rf"hidden state, $\rho(W_h) = {float(radius):g}$", step, h_label, (hidden("tanh"), hidden("relu"))
                ),
            ),
        ),
        figures.Plot(
            "targets",
            (
                figures.Panel(
                    "gradient, tanh RNN",
                    step,
                    g_label,
                    (grad("rnn_default", "last target only"), grad("rnn_all_targets", "every target")),
                ),
            ),
        ),
        figures.Plot(
            "lstm",
            (
                figures.Panel(
                    "gradient, RNN against LSTM",
                    step,
                    g_label,
                    (
                        grad("rnn_default", "RNN (tanh)"),
                        grad("lstm_default", "LSTM"),
                        grad("lstm_forget", f"LSTM, forget bias {solution.params.study.forget_bias}"),
                    ),
                ),
                figures.Panel(
                    "cell-state gradient",
                    step,
                    r"$\|\partial L/\partial C_t\|$",
                    (
                        figures.Series("LSTM", runs["lstm_default"].cell_grad),
                        figures.Series(
                            f"LSTM, forget bias {solution.params.study.forget_bias}", runs["lstm_forget"].cell_grad
                        ),
                    ),
                ),
            ),
        ),
        figures.Plot(
            "training",
            (
                figures.Panel(
                    "training loss, running average",
                    "epoch",
                    "mean squared error",
                    tuple(
                        figures.Series(f"{layers} layer{'s' if layers > 1 else ''}", trained[layers].losses)
                        for layers in training.LAYERS
                    ),
                    tuple(
                        (trained[layers].target, f"target, {layers} layer{'s' if layers > 1 else ''}")
                        for layers in training.LAYERS
                    ),
                ),
            ),
        ),
    ]


def assets(solution: Solution) -> dict[str, bytes]:
    rendered = figures.render_cached(_plots(solution), solution.cache, FIGURE_CACHE_KIND)
    return {f"{FIGURE_DIR}/{name}.pdf": data for name, data in rendered.items()}


def view(solution: Solution) -> dict:
    import sympy as sp

    from ...core.exact import exact_text
    from ...render.tex import Tex, number

    case, n, params = solution.case, solution.numbers, solution.params
    sigma_tex = {"tanh": Tex(r"\tanh"), "relu": Tex(r"\operatorname{ReLU}"), "identity": Tex(r"\operatorname{id}")}

    def num(value: float, digits: int = SIGNIFICANT) -> Tex:
        return number(value, digits)

    def matrix(m: sp.Matrix) -> Tex:
        rows = [" & ".join(exact_text(v) for v in m.row(i)) for i in range(m.rows)]
        return Tex(r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}")

    trained = [
        {
            "layers": layers,
            "final": num(run.final_loss, 4),
            "target": num(run.target, 3),
            "reached": run.reached_at is not None and run.final_loss < run.target,
            "reached_at": run.reached_at or 0,
        }
        for layers, run in solution.trained.items()
    ]
    rates = [
        {
            "radius": num(float(getattr(params.study, key)), 3),
            "log_radius": num(rate.log_radius, 3),
            "slope": num(rate.slope, 3),
            "log_sigma_max": num(rate.log_sigma_max, 3),
            "log_sigma_min": num(rate.log_sigma_min, 3),
            "ratio": num(solution.study.runs[name].ratio, 3),
        }
        for name, key, rate in (
            ("linear_small", "small_radius", solution.study.rates["linear_small"]),
            ("linear_large", "large_radius", solution.study.rates["linear_large"]),
        )
    ]
    figure = {name: f"{FIGURE_DIR}/{name}.pdf" for name in ("linear", "activations", "targets", "lstm", "training")}
    return {
        "figure": figure,
        "W_x": matrix(case.W_x),
        "W_h": matrix(case.W_h),
        "b": matrix(case.b),
        "W_f": matrix(case.W_f),
        "b_f": Tex(exact_text(case.b_f)),
        "x": Tex(", ".join(exact_text(v) for v in case.x)),
        "labels": Tex(", ".join(sp.latex(v) for v in case.labels)),
        "hidden_rows": [[num(v) for v in row] for row in case.hidden_floats],
        "predictions": [num(float(v)) for v in case.predictions],
        "losses": [num(float(v)) for v in case.losses],
        "hidden_size": case.params.hidden_size,
        "steps": case.params.steps,
        "sigma": sigma_tex[case.params.nonlinearity],
        "training_sigma": sigma_tex[params.training.nonlinearity],
        "study": params.study,
        "rates": rates,
        "n": {key: num(value, 3) for key, value in n.items()},
        "saturated_percent": num(100 * n["tanh_saturated"], 2),
        "relu_explodes_more": n["relu_ratio"] > n["tanh_ratio"],
        "lstm_slower": n["lstm_ratio"] > n["rnn_ratio"],
        "trained": trained,
        "training": params.training,
        "learning_rate": num(float(params.training.learning_rate), 3),
        "nonlinear_radius": num(float(params.study.nonlinear_radius), 3),
        "linear_check": solution.linear_check,
    }


# --------------------------------------------------------------------------- variants


def sample(rng: np.random.Generator) -> Params:
    """Another test input for (a)-(c). The study and the training keep the homework's
    configuration: their figures and runs take seconds, and every variant then shares one
    cached copy (the written answers cite the same measured numbers for everyone)."""
    return Params(
        test_case=TestCaseParams(
            seed=int(rng.integers(0, 10_000)), hidden_size=int(rng.integers(2, 4)), steps=int(rng.integers(3, 6))
        ),
        study=StudyParams(),
        training=TrainingParams(),
    )


def guarantees(params: Params, solution: Solution) -> list[str]:
    n = solution.numbers
    broken = []
    if not n["small_ratio"] < 0.1:
        broken.append(
            f"the linear RNN with spectral radius {params.study.small_radius} did not vanish (ratio {_g(n['small_ratio'])})"
        )
    if not n["large_ratio"] > 10:
        broken.append(
            f"the linear RNN with spectral radius {params.study.large_radius} did not explode (ratio {_g(n['large_ratio'])})"
        )
    for name in ("small", "large"):
        if abs(n[f"{name}_slope"] - n[f"{name}_log_radius"]) > 0.05:
            broken.append(
                f"the {name}-radius slope {_g(n[f'{name}_slope'])} is not near log rho = {_g(n[f'{name}_log_radius'])}"
            )
    if not n["relu_ratio"] > 10 * n["tanh_ratio"] or not n["relu_hidden"] > 10 * n["tanh_hidden"]:
        broken.append("ReLU did not explode clearly more than tanh")
    if not n["all_ratio"] > 100 * n["last_ratio"]:
        broken.append("scoring every target did not change the gradient's decay")
    if not n["lstm_ratio"] > n["rnn_ratio"]:
        broken.append("the LSTM's gradient vanished faster than the RNN's")
    for layers, run in solution.trained.items():
        if not run.final_loss < run.target:
            broken.append(f"the {layers}-layer network ended at loss {_g(run.final_loss)}, not below {run.target}")
    return broken


PROBLEM = Problem(
    section="rnn_lstm",
    number=3,
    title="Implementing RNNs and LSTMs",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    assets=assets,
    view=view,
    sample=sample,
    guarantees=guarantees,
)
