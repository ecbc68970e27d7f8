"""How Problem 3's sheet shows its answers: the five figures and the template variables."""

from __future__ import annotations

import sympy as sp

from ...io import figures
from ...kernel.exact import exact_text
from ...render.tex import Tex, number
from .code import reference_code
from .key import PRECISION, SIGNIFICANT
from .solve import Solution
from .study import training
from .study.gradients import RUNS

FIGURE_DIR = "figures/rnn_lstm"
FIGURE_CACHE_KIND = "rnn_lstm-figures"
#: One colour per network in every panel of a figure (tanh and ReLU keep theirs at both initialisations).
NETWORK_COLOR = {
    "tanh": 0,
    "relu": 1,
    "rnn_default": 0,
    "relu_default": 1,
    "rnn_all_targets": 3,
    "lstm_default": 1,
    "lstm_forget": 2,
}


def _plots(solution: Solution) -> list[figures.Plot]:
    runs = solution.study.runs

    def grad(name: str, label: str | None = None, dashed: bool = False) -> figures.Series:
        return figures.Series(label or RUNS[name], runs[name].grad, dashed, NETWORK_COLOR.get(name))

    def hidden(name: str, label: str | None = None) -> figures.Series:
        return figures.Series(label or RUNS[name], runs[name].hidden, color=NETWORK_COLOR.get(name))

    step = "time step $t$"
    g_label, h_label = r"$\|\partial \mathcal{L}/\partial h_t\|$", r"$\|h_t\|$"
    small, large = solution.params.study.small_radius, solution.params.study.large_radius
    radius = solution.params.study.nonlinear_radius
    linear_labels = (rf"$\rho(W^h) = {float(small):g}$", rf"$\rho(W^h) = {float(large):g}$")
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
                    rf"gradient, $\rho(W^h) = {float(radius):g}$", step, g_label, (grad("tanh"), grad("relu"))
                ),
                figures.Panel(
                    rf"hidden state, $\rho(W^h) = {float(radius):g}$", step, h_label, (hidden("tanh"), hidden("relu"))
                ),
                figures.Panel(
                    "default initialisation",
                    step,
                    g_label,
                    (grad("rnn_default", "tanh"), grad("relu_default", "ReLU")),
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
                    r"$\|\partial \mathcal{L}/\partial C_t\|$",
                    (
                        figures.Series("LSTM", runs["lstm_default"].cell, color=NETWORK_COLOR["lstm_default"]),
                        figures.Series(
                            f"LSTM, forget bias {solution.params.study.forget_bias}",
                            runs["lstm_forget"].cell,
                            color=NETWORK_COLOR["lstm_forget"],
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
            "reached": run.stays_below_from is not None and run.final_loss < run.target,
            "reached_at": run.reached_at or 0,
            "stays_below_from": run.stays_below_from or 0,
            "rebounded": run.stays_below_from is not None and run.stays_below_from != run.reached_at,
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
        "relu_explodes_more": n["relu_ratio"] > 10 * n["tanh_ratio"] and n["relu_hidden"] > 10 * n["tanh_hidden"],
        "tanh_grows": n["tanh_ratio"] > 1,
        "tanh_near_linear": n["default_tanh_slope"] > 0.9,  # mean 1 - h^2: units near 0, where tanh is nearly linear
        "default_both_vanish": n["default_tanh_ratio"] < 1 and n["default_relu_ratio"] < 1,
        "relu_vanishes_more": n["default_relu_ratio"] < n["default_tanh_ratio"],
        "relu_inactive_percent": num(100 * n["default_relu_inactive"], 2),
        "input_scale": num(float(params.study.input_scale), 3),
        "lstm_slower": n["lstm_ratio"] > n["rnn_ratio"],
        "trained": trained,
        "rebounded": [run for run in trained if run["rebounded"] and run["reached"]],
        "training": params.training,
        "learning_rate": num(float(params.training.learning_rate), 3),
        "nonlinear_radius": num(float(params.study.nonlinear_radius), 3),
        "linear_check": solution.linear_check,
        "code": reference_code(solution),
        "precision": {part_id: precision_sentence(digits) for part_id, digits in PRECISION.items()},
    }


def precision_sentence(digits: int) -> str:
    """The sheet's one sentence on how precise a numeric answer must be (the key's min_digits)."""
    return f"Give each value to at least {digits} significant digits (or {digits} decimal places)."
