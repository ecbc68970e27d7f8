"""Problem 3's notebook cells in PyTorch: sections 1A-1D, 1.H and 1.K with this variant's test input.

The test cells print 3a-3c of the answer key (6 significant digits, float64)
when the student's functions are right. The study cells (1D, 1.H) and the
training cell (1.K) print and save what the sheet reports: :func:`.solve.solve`
runs them through :func:`solver.notebooks.execute.run` and reads its numbers
and curves from their outputs and files, so the notebook built afterwards (a
cache hit) shows the very numbers the sheet cites. The code is
:mod:`.torch_code`'s functions, copied by their source.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...notebooks.cells import Cell, Printed, code, functions_in, given, text, todo

if TYPE_CHECKING:
    from .params import Params
    from .study.testcases import TestCase

#: The key's parts each test cell prints, in this order (the answer template points here).
TEST_CELLS = {"3a": "test-1a", "3b": "test-1b", "3c": "test-1c"}
#: Where a student finds each of them (the template's comments say it).
WHERE = {"3a": "Test Cases cell of section 1A", "3b": "Tests cell of section 1B", "3c": "Tests cell of section 1C"}
#: The cells whose runs the solve step reads, and the files they write.
STUDY_CELL, LSTM_CELL, TRAINING_CELL = "visualize-1d", "visualize-1h", "train-1k"
STUDY_FILE, LSTM_FILE, TRAINING_FILE = "gradients-1d.json", "gradients-1h.json", "training-1k.json"


def _prints(part: str) -> Printed:
    return Printed(part, WHERE[part])


def _literal(matrix: Any) -> str:  # a SymPy matrix of exact tenths
    rows = ", ".join("[" + ", ".join(str(float(v)) for v in matrix.row(i)) + "]" for i in range(matrix.rows))
    return f"torch.tensor([{rows}])"


def _vector(values) -> str:
    return "torch.tensor([" + ", ".join(str(float(v)) for v in values) + "])"


def study_labels(params: Params) -> dict[str, str]:
    """Study run name (:data:`.study.gradients.RUNS`) -> its label in the notebook's plots and printout."""
    study = params.study
    return {
        "linear_small": f"linear, radius {float(study.small_radius):g}",
        "linear_large": f"linear, radius {float(study.large_radius):g}",
        "tanh": f"tanh, radius {float(study.nonlinear_radius):g}",
        "relu": f"ReLU, radius {float(study.nonlinear_radius):g}",
        "rnn_default": "tanh, default initialisation",
        "relu_default": "ReLU, default initialisation",
        "rnn_all_targets": "tanh, default initialisation, every step scored",
        "lstm_default": "LSTM, default initialisation",
        "lstm_forget": f"LSTM, forget-gate bias {float(study.forget_bias):g}",
    }


def _measure_call(name: str, params: Params) -> str:
    study = params.study
    nonlinear = float(study.nonlinear_radius)
    calls = {
        "linear_small": f'measure("rnn", "identity", {float(study.small_radius)}, **setting)',
        "linear_large": f'measure("rnn", "identity", {float(study.large_radius)}, **setting)',
        "tanh": f'measure("rnn", "tanh", {nonlinear}, **setting)',
        "relu": f'measure("rnn", "relu", {nonlinear}, **setting)',
        "rnn_default": 'measure("rnn", "tanh", **setting)',
        "relu_default": 'measure("rnn", "relu", **setting)',
        "rnn_all_targets": 'measure("rnn", "tanh", last_target_only=False, **setting)',
        "lstm_default": 'measure("lstm", **setting)',
        "lstm_forget": f'measure("lstm", forget_bias={float(study.forget_bias)}, **setting)',
    }
    return calls[name]


def _runs(names: tuple[str, ...], params: Params) -> str:
    labels = study_labels(params)
    # the lines of a dict literal, indented for the cell templates below (which textwrap.dedent)
    return ("\n" + " " * 16).join(f'"{labels[name]}": {_measure_call(name, params)},' for name in names)


RNN_RUNS = ("linear_small", "linear_large", "tanh", "relu", "rnn_default", "relu_default", "rnn_all_targets")
LSTM_RUNS = ("lstm_default", "lstm_forget", "rnn_default")


def notebook_cells(params: Params, case: TestCase) -> list[Cell]:
    tc = functions_in(Path(__file__).with_name("torch_code.py"))  # read, not imported: hw6 itself needs no torch

    study, training = params.study, params.training
    setting = (
        f"setting = dict(hidden={study.hidden_size}, steps={study.steps}, batch={study.batch}, seed={study.seed}, "
        f"input_scale={float(study.input_scale)})"
    )
    sigma = case.params.nonlinearity
    return [
        text(
            "p3-title",
            """
            # Problem 3: implementing RNNs and LSTMs

            Everything here is PyTorch; autograd computes every gradient. Write the functions whose
            body says `TODO`; the other code cells are given. Run the cells from top to bottom.
            """,
        ),
        code(
            "imports",
            """
            import json

            import matplotlib.pyplot as plt
            import numpy as np
            import torch

            torch.set_num_threads(1)  # one thread and deterministic kernels: the same numbers on every run
            torch.use_deterministic_algorithms(True)
            torch.set_default_dtype(torch.float64)  # the test cells print 6 significant digits
            """,
        ),
        text(
            "1a",
            """
            ## 1A: a vanilla RNN layer

            The layer computes $h_t = \\sigma(W^h h_{t-1} + W^x x_t + b)$ from $h_0 = 0$ and returns
            every hidden state. Rows are examples: `x_t` is (B, D), `h_prev` is (B, H), `W_h` is (H, H)
            and `W_x` is (H, D), so the products are written with transposes.
            """,
        ),
        given("activate", tc.activate),
        todo("todo-1a", "Section 1A", tc.rnn_step, tc.rnn_forward),
        text("test-1a-text", "### Test Cases\n\nCopy what this cell prints into your written answers (part a)."),
        code(
            "test-1a",
            f"""
            W_x = {_literal(case.W_x)}
            W_h = {_literal(case.W_h)}
            b = {_vector(case.b)}
            W_f = {_literal(case.W_f)}
            b_f = torch.tensor([{float(case.b_f)}])
            x = {_vector(case.x)}[None, :, None]  # (1, T, 1)
            labels = torch.cumsum(x, dim=1) / torch.arange(1, x.shape[1] + 1)[None, :, None]  # (1, T, 1)
            hs = rnn_forward(x, W_x, W_h, b, "{sigma}")  # (1, T, H)
            print("3a h_1..h_T:", " ".join(f"{{v:.6g}}" for v in hs.flatten().tolist()))
            """,
            "test",
            prints=_prints("3a"),
        ),
        text("1b", "## 1B: a regression head\n\nOne prediction per step: $\\hat y_t = W^f h_t + b^f$."),
        todo("todo-1b", "Section 1B", tc.regression_head),
        text("test-1b-text", "### Tests\n\nCopy what this cell prints into your written answers (part b)."),
        code(
            "test-1b",
            """
            predictions = regression_head(hs, W_f, b_f)  # (1, T, 1)
            print("3b predictions:", " ".join(f"{v:.6g}" for v in predictions.flatten().tolist()))
            """,
            "test",
            prints=_prints("3b"),
        ),
        text(
            "1c",
            """
            ## 1C: the running-average task and its two losses

            The label at step $t$ is the mean of $x_1, \\dots, x_t$. Task 1 scores every step
            (many-to-many), Task 2 only the last one (many-to-one); both use the mean squared error.
            """,
        ),
        given("data", tc.running_average_data),
        todo("todo-1c", "Section 1C", tc.mse_all_steps, tc.mse_last_step),
        text("test-1c-text", "### Tests\n\nCopy what this cell prints into your written answers (part c)."),
        code(
            "test-1c",
            """
            losses = [mse_all_steps(predictions, labels).item(), mse_last_step(predictions, labels).item()]
            print("3c losses (task 1, task 2):", " ".join(f"{v:.6g}" for v in losses))
            """,
            "test",
            prints=_prints("3c"),
        ),
        text(
            "1d",
            """
            ## 1D: how gradients travel back in time

            `gradient_norms` unrolls a recurrent step, keeps the gradient of every hidden state
            (`retain_grad`), scores the predictions and calls `backward()` once: each `h_t.grad` is then
            $\\partial L / \\partial h_t$ summed over every path. The plots compare networks with the
            default initialisation and networks whose $W^h$ is rescaled to a spectral radius; change the
            arguments of `measure` (and `last_target_only`) to explore.
            """,
        ),
        todo("todo-1d", "Section 1D", tc.gradient_norms),
        given("study", tc.study_weights, tc.measure, tc.plot_gradients, tc.report),
        code(
            STUDY_CELL,
            f"""
            {setting}
            runs = {{
                {_runs(RNN_RUNS, params)}
            }}
            plot_gradients(runs)
            report(runs, "{STUDY_FILE}")
            """,
            alone=True,  # the study's configuration is the same for every variant
        ),
        text(
            "1h",
            """
            ## 1.H: an LSTM layer (optional)

            The gates of step $t$ come from one product $z = x_t U + h_{t-1} W + b$ whose four blocks of
            width H are, in order, $f$, $i$, $o$ (sigmoid) and $\\tilde C$ (tanh). Then
            $C_t = f \\circ C_{t-1} + i \\circ \\tilde C_t$ and $h_t = \\tanh(C_t) \\circ o_t$.
            The last cell runs the gradient tool of 1D on it.
            """,
        ),
        todo("todo-1h", "Section 1.H", tc.lstm_step),
        given("lstm-forward", tc.lstm_forward),
        code(
            "test-1h",
            f"""
            rng = np.random.default_rng({case.params.seed})
            H = {case.params.hidden_size}
            U, W, b4 = (torch.tensor(rng.uniform(-0.5, 0.5, shape)) for shape in ((1, 4 * H), (H, 4 * H), (4 * H,)))
            lstm_hs, lstm_cs = lstm_forward(x, U, W, b4)  # (1, T, H) each
            print("LSTM h_T:", " ".join(f"{{v:.6g}}" for v in lstm_hs[0, -1].tolist()))
            print("LSTM C_T:", " ".join(f"{{v:.6g}}" for v in lstm_cs[0, -1].tolist()))
            """,
            "test",
        ),
        code(
            LSTM_CELL,
            f"""
            {setting}
            runs = {{
                {_runs(LSTM_RUNS, params)}
            }}
            plot_gradients(runs, ("grad", "cell"))
            report(runs, "{LSTM_FILE}")
            """,
            alone=True,
        ),
        text(
            "1k",
            f"""
            ## 1.K: stacked RNNs

            Each layer reads the hidden states of the layer below. The last cell trains one- and
            two-layer networks on Task 1; the training loss should end below
            {float(training.one_layer_target):g} (one layer) and {float(training.two_layer_target):g} (two layers).
            """,
        ),
        todo("todo-1k", "Section 1.K", tc.stacked_forward),
        given("training", tc.initial_weights, tc.predict, tc.train_regressor),
        code(
            TRAINING_CELL,
            f"""
            x_train, y_train = running_average_data({training.train_size}, {training.steps}, np.random.default_rng([{training.seed}, 11]))
            results = {{}}
            for num_layers, target in ((1, {float(training.one_layer_target)}), (2, {float(training.two_layer_target)})):
                losses, weights = train_regressor(
                    num_layers, x_train, y_train, hidden={training.hidden_size}, epochs={training.epochs},
                    batch_size={training.batch_size}, lr={float(training.learning_rate)},
                    final_ratio={float(training.final_lr_ratio)}, nonlinearity="{training.nonlinearity}",
                    seed={training.seed}, dtype=torch.{training.dtype},
                )
                weights = {{name: w.double() for name, w in weights.items()}}  # evaluated again in float64
                final = mse_all_steps(predict(x_train, weights, num_layers, "{training.nonlinearity}"), y_train).item()
                print(f"{{num_layers}} layer(s): final training loss {{final:.4g}}, below {{target:g}}: {{final < target}}")
                results[num_layers] = dict(losses=losses, final=final, weights={{k: w.tolist() for k, w in weights.items()}})
            with open("{TRAINING_FILE}", "w") as file:
                json.dump(results, file)
            """,
            "test",
            alone=True,  # so is the training's: one run serves every variant
        ),
    ]
