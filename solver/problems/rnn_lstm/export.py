"""Problem 3 on the platforms: 3(a)-(c) (one test input) on PrairieLearn, Moodle and Canvas, and 3(k)
(each training loss below its target) on Moodle and Canvas.

The statements show the test input and weights from the parameters; the written and data parts are
graded by staff and not exported.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ...kernel.exact import exact_text
from ...kernel.exports import (
    CANVAS_DECIMALS,
    Blanks,
    Exports,
    MoodleQuestion,
    PrairieLearnQuestion,
    QtiQuestions,
    QtiRange,
    QtiText,
)
from ...render.mathjax import matrix_tex, number_text, paren_list, paren_rows


def display(solved: Any) -> dict[str, Any]:
    """The numbers PrairieLearn's statement shows for one variant: the test input and the weights."""
    case = solved.solution.case

    def column(matrix: Any) -> str:
        return matrix_tex([[v] for v in matrix]) if matrix.cols == 1 else matrix_tex(matrix.tolist())

    sigma = {"tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "identity": r"\operatorname{id}"}
    return {
        "sigma": sigma[case.params.nonlinearity],
        "H": case.params.hidden_size,
        "T": case.params.steps,
        "x": ", ".join(number_text(v) for v in case.x),
        "labels": ", ".join(number_text(v) for v in case.labels),
        "W_x": column(case.W_x),
        "W_h": matrix_tex(case.W_h.tolist()),
        "b": column(case.b),
        "W_f": matrix_tex(case.W_f.tolist()),
        "b_f": number_text(case.b_f),
    }


def label(part_id: str, spec: Mapping[str, Any]) -> str:
    return {
        "3a": r"(a) $h_1, \dots, h_T$, one row per step:",
        "3b": r"(b) $\hat y_1, \dots, \hat y_T$:",
        "3c": "(c)",
    }.get(part_id, part_id)


STATEMENT = """
<p>A recurrent layer updates its hidden state once per input, $h_t = \\sigma(W^h h_{t-1} + W^x x_t + b)$
with $h_0 = 0$, and returns the hidden states of every step. Write one (the notebook of this homework has a
section for it) and run it.</p>
<p>(a) Use $\\sigma = {{params.sigma}}$, $H = {{params.H}}$ hidden units and one input feature, on the sequence
$x = ({{params.x}})$ of $T = {{params.T}}$ steps, with
$W^x = {{params.W_x}}$, $W^h = {{params.W_h}}$ and $b = {{params.b}}$. Report $h_1, \\dots, h_T$.</p>
<p>(b) A linear layer on top predicts $\\hat y_t = W^f h_t + b^f$ at every step. With $W^f = {{params.W_f}}$ and
$b^f = {{params.b_f}}$, report the predictions for the input of (a).</p>
<p>(c) The label at step $t$ is the mean of $x_1, \\dots, x_t$ (here ${{params.labels}}$). Task 1 scores the
prediction at every step (the mean squared error over all steps); task 2 scores only the last step. Report
both losses for the predictions of (b).</p>
<p>Give every number to 6 significant digits or more.</p>
"""


def moodle_statement(item: Any, view: Mapping[str, Any]) -> str:
    targets = [str(run["target"]) for run in view.get("trained", [])]
    trained = (
        f"<p>(k) Train networks of one and of two recurrent layers on the running-average task until the training "
        f"loss is below {' and '.join(targets)}; report the final training losses.</p>\n"
        if len(targets) == 2
        else ""
    )
    return (
        "<p>An RNN layer updates its hidden state once per input, \\(h_t = \\sigma(W^h h_{t-1} + W^x x_t + b)\\), "
        f"\\(h_0 = 0\\). (a) Run it with \\(\\sigma = {view['sigma']}\\), \\(H = {view['hidden_size']}\\) hidden "
        f"units and one input feature on \\(x = ({view['x']})\\), with \\[ W^x = {view['W_x']}, \\qquad "
        f"W^h = {view['W_h']}, \\qquad b = {view['b']}, \\] and report \\(h_1, \\dots, h_{{{view['steps']}}}\\) "
        f"(one row per step). (b) With \\(\\hat y_t = W^f h_t + b^f\\), \\(W^f = {view['W_f']}\\) and "
        f"\\(b^f = {view['b_f']}\\), report \\(\\hat y_1, \\dots, \\hat y_{{{view['steps']}}}\\). (c) The label at "
        "step \\(t\\) is the mean of \\(x_1, \\dots, x_t\\): report the mean squared error over every step (task 1) "
        "and the squared error at the last step (task 2) of the predictions of (b).</p>\n"
        f"{trained}<p>Give every value to 6 significant digits.</p>"
    )


def qti_question(solution: Any, parts: Mapping[str, Any]) -> QtiText:
    """Canvas's 3(a)-(c): hidden states, predictions and the two losses of one test input."""
    case = solution.case
    steps, hidden = case.params.steps, case.params.hidden_size
    sigma = case.params.nonlinearity
    digits = parts["3a"].get("digits", 6)
    h_names = [tuple(f"h{t}_{j}" for j in range(1, hidden + 1)) for t in range(1, steps + 1)]
    y_names = tuple(f"y{t}" for t in range(1, steps + 1))
    body: list[str | Blanks] = [
        "<p>An RNN layer updates its hidden state once per input, h<sub>t</sub> = σ(W<sup>h</sup> h<sub>t−1</sub>"
        " + W<sup>x</sup> x<sub>t</sub> + b), with h<sub>0</sub> = 0. Use the layer you wrote in the notebook.</p>",
        f"<p>(a) Run it with σ = {html.escape(sigma)}, H = {hidden} hidden units and one input feature on the"
        f" sequence x = {paren_list(case.x)}, using W<sup>x</sup> = {paren_rows(case.W_x.tolist())}, W<sup>h</sup> = {paren_rows(case.W_h.tolist())}"
        f" and b = {paren_rows(case.b.tolist())} (matrices row by row, rows separated by semicolons). Enter h<sub>1</sub>, …, h<sub>{steps}</sub>,"
        " one row per step.</p>",
    ]
    body += [Blanks(f"h<sub>{t}</sub>:", "3a", names) for t, names in enumerate(h_names, start=1)]
    body += [
        "<p>(b) A linear layer on top predicts a number at every step, ŷ<sub>t</sub> = W<sup>f</sup> h<sub>t</sub>"
        f" + b<sup>f</sup>, with W<sup>f</sup> = {paren_rows(case.W_f.tolist())} and b<sup>f</sup> = {exact_text(case.b_f)}."
        f" Enter ŷ<sub>1</sub>, …, ŷ<sub>{steps}</sub> for the input of (a).</p>",
        Blanks("ŷ:", "3b", y_names),
        "<p>(c) The label at step t is the mean of x<sub>1</sub>, …, x<sub>t</sub>. Enter the mean squared error"
        " over every step (task 1) and the squared error at the last step (task 2) of the predictions of (b).</p>",
        Blanks("task 1, task 2:", "3c", ("loss1", "loss2")),
        f"<p>Write every number rounded to {digits} significant digits, as Python prints it with"
        f" <code>format(value, '.{digits}g')</code>. Each blank is compared as text, so other roundings are"
        " marked wrong.</p>",
    ]
    return QtiText("Problem 3 (a)-(c)", tuple(body))


def training_questions(parts: Mapping[str, Any]) -> list[QtiRange]:
    """Canvas's 3(k): each training loss in [0, the last 4-decimal number below its target].

    Canvas rounds the typed number to 4 decimals first, so for what it grades "below the
    target" is exactly "at most the largest multiple of 0.0001 below the target"."""
    spec = parts["3k"]
    bounds = spec["below"] if isinstance(spec["below"], list) else [spec["below"]]
    labels = spec.get("order") or [f"value {i + 1}" for i in range(len(bounds))]
    questions = []
    for index, (bound, name) in enumerate(zip(bounds, labels, strict=True)):
        target = Fraction(str(bound))
        steps = math.ceil(target * 10**CANVAS_DECIMALS) - 1
        high = Decimal(steps).scaleb(-CANVAS_DECIMALS)
        text = (
            "<p>(k) Train recurrent networks of one and of two layers on the running-average task (task 1)"
            f" until the training loss is below {bounds[0]} for one layer and below {bounds[-1]} for two layers."
            f" Enter your {html.escape(str(name))} (it is kept to {CANVAS_DECIMALS} decimal places).</p>"
        )
        questions.append(
            QtiRange(
                f"Problem 3 (k), {name}",
                text,
                "3k",
                index,
                float(spec["points"]) / len(bounds),
                "0",
                format(high, "f"),
            )
        )
    return questions


EXPORTS = Exports(
    prairielearn=PrairieLearnQuestion("Problem 3(a)-(c): An RNN layer", STATEMENT, label, display, skip=("3k",)),
    moodle=MoodleQuestion(moodle_statement),
    qti=QtiQuestions(
        "Problem 3 (a)-(c)",
        qti_question,
        fixed=training_questions,
        fixed_title="Problem 3 (k)",
        fixed_key="training",
    ),
)
