"""Problem 3's notebook cells: sections 1A-1D, 1.H and 1.K with this variant's test input.

The test cells print 3a-3c of the answer key (6 significant digits) when the
student's functions are right; the training cell uses the variant's
configuration of part (k) and reports its thresholds.
"""

from __future__ import annotations

from typing import Any

from ...notebooks import provided, reference
from ...notebooks.cells import Cell, Printed, code, given, text, todo
from .solve import Solution

#: The key's parts each test cell prints, in this order (the answer template points here).
TEST_CELLS = {"3a": "test-1a", "3b": "test-1b", "3c": "test-1c"}
#: Where a student finds each of them (the template's comments say it).
WHERE = {"3a": "Test Cases cell of section 1A", "3b": "Tests cell of section 1B", "3c": "Tests cell of section 1C"}


def _prints(part: str) -> Printed:
    return Printed(part, WHERE[part])


def _literal(matrix: Any) -> str:  # a SymPy matrix of exact tenths
    rows = ", ".join("[" + ", ".join(str(float(v)) for v in matrix.row(i)) + "]" for i in range(matrix.rows))
    return f"np.array([{rows}])"


def _vector(values) -> str:
    return "np.array([" + ", ".join(str(float(v)) for v in values) + "])"


def cells(solution: Solution) -> list[Cell]:
    case, study, training = solution.case, solution.params.study, solution.params.training
    sigma = case.params.nonlinearity
    return [
        text(
            "p3-title",
            """
            # Problem 3: implementing RNNs and LSTMs

            Everything here is plain NumPy. Write the functions whose body says `TODO`; the other
            code cells are given. Run the cells from top to bottom.
            """,
        ),
        code("imports", "import json\n\nimport numpy as np\nimport matplotlib.pyplot as plt"),
        text(
            "1a",
            """
            ## 1A: a vanilla RNN layer

            The layer computes $h_t = \\sigma(W^h h_{t-1} + W^x x_t + b)$ from $h_0 = 0$ and returns
            every hidden state. Rows are examples: `x_t` is (B, D), `h_prev` is (B, H), `W_h` is (H, H)
            and `W_x` is (H, D), so the products are written with transposes.
            """,
        ),
        given("activate", reference.activate),
        todo("todo-1a", "Section 1A", reference.rnn_step, reference.rnn_forward),
        text("test-1a-text", "### Test Cases\n\nCopy what this cell prints into your written answers (part a)."),
        code(
            "test-1a",
            f"""
            W_x = {_literal(case.W_x)}
            W_h = {_literal(case.W_h)}
            b = {_vector(case.b)}
            W_f = {_literal(case.W_f)}
            b_f = np.array([{float(case.b_f)}])
            x = {_vector(case.x)}[None, :, None]
            labels = np.cumsum(x, axis=1) / np.arange(1, x.shape[1] + 1)[None, :, None]
            hs = rnn_forward(x, W_x, W_h, b, "{sigma}")
            print("3a h_1..h_T:", " ".join(f"{{v:.6g}}" for v in hs.ravel()))
            """,
            "test",
            prints=_prints("3a"),
        ),
        text("1b", "## 1B: a regression head\n\nOne prediction per step: $\\hat y_t = W^f h_t + b^f$."),
        todo("todo-1b", "Section 1B", reference.regression_head),
        text("test-1b-text", "### Tests\n\nCopy what this cell prints into your written answers (part b)."),
        code(
            "test-1b",
            """
            predictions = regression_head(hs, W_f, b_f)
            print("3b predictions:", " ".join(f"{v:.6g}" for v in predictions.ravel()))
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
        given("data", provided.running_average_data),
        todo("todo-1c", "Section 1C", reference.mse_all_steps, reference.mse_last_step),
        text("test-1c-text", "### Tests\n\nCopy what this cell prints into your written answers (part c)."),
        code(
            "test-1c",
            """
            losses = [mse_all_steps(predictions, labels), mse_last_step(predictions, labels)]
            print("3c losses (task 1, task 2):", " ".join(f"{v:.6g}" for v in losses))
            """,
            "test",
            prints=_prints("3c"),
        ),
        text(
            "1d",
            """
            ## 1D: how gradients travel back in time

            `hidden_gradients` gets the gradient of the loss with respect to each $h_t$ through that
            step's own prediction and adds what flows back from later steps. `gradient_norms` turns
            the result into one magnitude per step. The plot compares linear networks whose $W^h$ has
            spectral radius below and above 1 with tanh and ReLU; change the arguments (and
            `last_target_only`) to explore.
            """,
        ),
        todo("todo-1d", "Section 1D", reference.hidden_gradients, reference.gradient_norms),
        given("study", provided.study_gradients, provided.plot_gradients),
        code(
            "visualize-1d",
            f"""
            setting = dict(hidden={study.hidden_size}, steps={study.steps}, batch={study.batch}, seed={study.seed})
            runs = {{
                "linear, radius {float(study.small_radius):g}": study_gradients("identity", {float(study.small_radius)}, **setting),
                "linear, radius {float(study.large_radius):g}": study_gradients("identity", {float(study.large_radius)}, **setting),
                "tanh, radius {float(study.nonlinear_radius):g}": study_gradients("tanh", {float(study.nonlinear_radius)}, **setting),
                "relu, radius {float(study.nonlinear_radius):g}": study_gradients("relu", {float(study.nonlinear_radius)}, **setting),
            }}
            plot_gradients(runs, setting["steps"])
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
            """,
        ),
        given("sigmoid", reference.sigmoid),
        todo("todo-1h", "Section 1.H", reference.lstm_step),
        given("lstm-forward", reference.lstm_forward),
        code(
            "test-1h",
            f"""
            rng = np.random.default_rng({case.params.seed})
            H = {case.params.hidden_size}
            U, W, b4 = rng.uniform(-0.5, 0.5, (1, 4 * H)), rng.uniform(-0.5, 0.5, (H, 4 * H)), rng.uniform(-0.5, 0.5, 4 * H)
            lstm_hs, lstm_cs = lstm_forward(x, U, W, b4)
            print("LSTM h_T:", " ".join(f"{{v:.6g}}" for v in lstm_hs[0, -1]))
            print("LSTM C_T:", " ".join(f"{{v:.6g}}" for v in lstm_cs[0, -1]))
            """,
            "test",
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
        todo("todo-1k", "Section 1.K", reference.stacked_forward),
        given("training", provided.rnn_weight_gradients, provided.train_regressor),
        code(
            "train-1k",
            f"""
            x_train, y_train = running_average_data({training.train_size}, {training.steps}, {training.seed})
            for num_layers, target in ((1, {float(training.one_layer_target)}), (2, {float(training.two_layer_target)})):
                curve = train_regressor(
                    num_layers, x_train, y_train, hidden={training.hidden_size}, epochs={training.epochs},
                    batch_size={training.batch_size}, lr={float(training.learning_rate)},
                    final_ratio={float(training.final_lr_ratio)}, nonlinearity="{training.nonlinearity}", seed={training.seed},
                )
                print(f"{{num_layers}} layer(s): final training loss {{curve[-1]:.3g}}, below {{target:g}}: {{curve[-1] < target}}")
            """,
            "test",
            alone=True,  # so is the training's: one run serves every variant
        ),
    ]
