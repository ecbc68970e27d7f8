"""The Canvas questions of one variant: the statement with its numbers, and what each blank accepts.

Parts that share parameters are one question, so that a random question group, which draws each
question on its own, can never pair one variant's numbers with another's key: Problem 3 (a)-(c)
(one test input) is one fill-in-multiple-blanks question, 6(b) and 6(c) one each. 3(k) is the
same for every variant (the student's own training losses, each below a target) and becomes one
numerical question per loss. Symbolic, sequence and written parts are not exported (the README
says to grade them with the Gradescope autograder).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..kernel.exact import exact_text
from .qti_notation import accepted_by_hw6, exact_notations, measured_notations

CANVAS_DECIMALS = 4  # Canvas rounds a typed number to 4 decimal places before grading it


@dataclass(frozen=True)
class Blank:
    name: str  # the [name] in the question text
    accepted: tuple[str, ...]  # texts Canvas counts as right (compared trimmed and case folded)


@dataclass(frozen=True)
class BlanksQuestion:
    """A ``fill_in_multiple_blanks_question``: Canvas gives points × (blanks right / blanks)."""

    group: str  # the question group (one per set of parts sharing parameters)
    title: str
    html: str
    parts: tuple[str, ...]
    points: float
    blanks: tuple[Blank, ...]
    entries: tuple[tuple[str, int], ...]  # (part id, entries) in blank order, to rebuild hw6's answers


@dataclass(frozen=True)
class RangeQuestion:
    """A ``numerical_question`` right when the number lies in [low, high] (exact decimals)."""

    title: str
    html: str
    part: str
    index: int  # the entry of the part this question asks for
    points: float
    low: str
    high: str


# Square brackets in a question's text mark Canvas's blanks, so numbers are shown in parentheses:
# a list as (1, -2, 3) and a matrix row by row, (1, 2; 3, 4).
def _list(values: Any) -> str:
    return "(" + ", ".join(exact_text(v) for v in values) + ")"


def _grid(rows: Any) -> str:
    return "(" + "; ".join(", ".join(exact_text(v) for v in row) for row in rows) + ")"


def _rows(matrix: Any) -> str:
    return _grid(matrix.tolist())


def _blank_line(label: str, names: list[str]) -> str:
    """A line of blanks after a label (HTML)."""
    return f"<p>{label} " + " ".join(f"[{name}]" for name in names) + "</p>"


def _measured_blanks(part_id: str, spec: dict[str, Any], names: list[str]) -> list[Blank]:
    entries = [str(v) for v in spec["value"]]
    digits = int(spec.get("digits") or max(len(Decimal(e).normalize().as_tuple().digits) for e in entries))
    return [
        Blank(name, tuple(accepted_by_hw6(part_id, spec, entries, i, _measured_candidates(spec, entries, i, digits))))
        for i, name in enumerate(names)
    ]


def _measured_candidates(spec: dict[str, Any], entries: list[str], index: int, digits: int) -> list[str]:
    """The key's text in its notations and, when the key asks for at least ``min_digits``, the
    exact value correctly rounded to each count of digits from there to the key's (hw6 grades
    these right; a blank can only list texts, not count a typed number's digits)."""
    candidates = measured_notations(entries[index], digits)
    low, exact = spec.get("min_digits"), spec.get("exact")
    if isinstance(low, int) and isinstance(exact, list):
        value = Decimal(str(exact[index]))
        for count in range(low, digits):
            rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - count + 1))
            candidates += measured_notations(format(rounded, "f"), count)
    return list(dict.fromkeys(candidates))


def _exact_blanks(part_id: str, spec: dict[str, Any], names: list[str]) -> list[Blank]:
    value = spec["value"]
    flat = [v for row in value for v in row] if value and isinstance(value[0], list) else list(value)
    entries = [str(v) for v in flat]
    return [
        Blank(name, tuple(accepted_by_hw6(part_id, spec, entries, i, exact_notations(flat[i]))))
        for i, name in enumerate(names)
    ]


def rnn_question(solution: Any, parts: dict[str, Any], seed: int | None) -> BlanksQuestion:
    """Problem 3 (a)-(c): hidden states, predictions and the two losses of one test input."""
    case = solution.case
    steps, hidden = case.params.steps, case.params.hidden_size
    sigma = case.params.nonlinearity
    digits = parts["3a"].get("digits", 6)
    h_names = [[f"h{t}_{j}" for j in range(1, hidden + 1)] for t in range(1, steps + 1)]
    y_names = [f"y{t}" for t in range(1, steps + 1)]
    loss_names = ["loss1", "loss2"]
    text = [
        "<p>An RNN layer updates its hidden state once per input, h<sub>t</sub> = σ(W<sup>h</sup> h<sub>t−1</sub>"
        " + W<sup>x</sup> x<sub>t</sub> + b), with h<sub>0</sub> = 0. Use the layer you wrote in the notebook.</p>",
        f"<p>(a) Run it with σ = {html.escape(sigma)}, H = {hidden} hidden units and one input feature on the"
        f" sequence x = {_list(case.x)}, using W<sup>x</sup> = {_rows(case.W_x)}, W<sup>h</sup> = {_rows(case.W_h)}"
        f" and b = {_rows(case.b)} (matrices row by row, rows separated by semicolons). Enter h<sub>1</sub>, …, h<sub>{steps}</sub>,"
        " one row per step.</p>",
    ]
    text += [_blank_line(f"h<sub>{t}</sub>:", names) for t, names in enumerate(h_names, start=1)]
    text += [
        "<p>(b) A linear layer on top predicts a number at every step, ŷ<sub>t</sub> = W<sup>f</sup> h<sub>t</sub>"
        f" + b<sup>f</sup>, with W<sup>f</sup> = {_rows(case.W_f)} and b<sup>f</sup> = {exact_text(case.b_f)}."
        f" Enter ŷ<sub>1</sub>, …, ŷ<sub>{steps}</sub> for the input of (a).</p>",
        _blank_line("ŷ:", y_names),
        "<p>(c) The label at step t is the mean of x<sub>1</sub>, …, x<sub>t</sub>. Enter the mean squared error"
        " over every step (task 1) and the squared error at the last step (task 2) of the predictions of (b).</p>",
        _blank_line("task 1, task 2:", loss_names),
        f"<p>Write every number rounded to {digits} significant digits, as Python prints it with"
        f" <code>format(value, '.{digits}g')</code>. Each blank is compared as text, so other roundings are"
        " marked wrong.</p>",
    ]
    blanks = (
        _measured_blanks("3a", parts["3a"], [n for row in h_names for n in row])
        + _measured_blanks("3b", parts["3b"], y_names)
        + _measured_blanks("3c", parts["3c"], loss_names)
    )
    entries = (("3a", steps * hidden), ("3b", steps), ("3c", 2))
    return BlanksQuestion(
        "rnn_lstm",
        _title("Problem 3 (a)-(c)", seed),
        "\n".join(text),
        ("3a", "3b", "3c"),
        sum(float(parts[p]["points"]) for p in ("3a", "3b", "3c")),
        tuple(blanks),
        entries,
    )


def filter_question(solution: Any, parts: dict[str, Any], seed: int | None) -> BlanksQuestion | None:
    """Problem 6 (b), when its key is one filter (a family or no filter is graded by hw6 only)."""
    spec = parts["6b"]
    if solution.case != "unique" or not isinstance(spec["value"], list):
        return None
    p = solution.params
    names = [f"f{j}" for j in range(1, p.filter_length + 1)]
    zeros = "zero" if p.padding == 1 else "zeros"
    padding = f"after {p.padding} {zeros} are added at each end" if p.padding else "without padding"
    text = [
        "<p>A filter is slid over its input without being flipped first (a cross-correlation, as in"
        " neural-network libraries).</p>",
        f"<p>(b) The signal x = {_list(p.signal)} is convolved with a filter of length {p.filter_length}"
        f" {padding}, moving the filter {p.stride} position{'' if p.stride == 1 else 's'} at a time. The result is y = {_list(p.output)}."
        " Which filter was used? Enter its entries as integers or fractions.</p>",
        _blank_line("f =", names),
    ]
    return BlanksQuestion(
        "conv_filter",
        _title("Problem 6 (b)", seed),
        "\n".join(text),
        ("6b",),
        float(spec["points"]),
        tuple(_exact_blanks("6b", spec, names)),
        (("6b", len(names)),),
    )


def transpose_question(solution: Any, parts: dict[str, Any], seed: int | None) -> BlanksQuestion:
    """Problem 6 (c): the transpose convolution of the variant's input and filter."""
    spec = parts["6c"]
    p = solution.params
    value = spec["value"]
    rows = value if value and isinstance(value[0], list) else [value]
    names = [[f"r{i}_{j}" for j in range(1, len(row) + 1)] for i, row in enumerate(rows, start=1)]
    two_d = p.dimensions == 2
    shown_input = _grid(p.input_grid) if two_d else _list(p.input_grid[0])
    shown_filter = _grid(p.filter_grid) if two_d else _list(p.filter_grid[0])
    text = [
        "<p>(c) A transpose convolution lays down one copy of the filter per input entry, scaled by that entry,"
        " consecutive copies a stride apart; overlapping entries are added, and padding p then crops p entries"
        " from each end (each border, in 2-D).</p>",
        f"<p>Compute the transpose convolution of the input {shown_input} with the filter {shown_filter}"
        f" (row by row), stride {p.stride} and padding {p.padding}. Enter the result"
        + (" row by row." if two_d else ".")
        + "</p>",
    ]
    text += [_blank_line(f"row {i}:" if two_d else "result:", row) for i, row in enumerate(names, start=1)]
    flat = [n for row in names for n in row]
    return BlanksQuestion(
        "transpose_conv",
        _title("Problem 6 (c)", seed),
        "\n".join(text),
        ("6c",),
        float(spec["points"]),
        tuple(_exact_blanks("6c", spec, flat)),
        (("6c", len(flat)),),
    )


def training_questions(parts: dict[str, Any]) -> list[RangeQuestion]:
    """Problem 3 (k): each training loss in [0, the last 4-decimal number below its target].

    Canvas rounds the typed number to 4 decimals first, so for what it grades "below the
    target" is exactly "at most the largest multiple of 0.0001 below the target"."""
    spec = parts["3k"]
    bounds = spec["below"] if isinstance(spec["below"], list) else [spec["below"]]
    labels = spec.get("order") or [f"value {i + 1}" for i in range(len(bounds))]
    questions = []
    for index, (bound, label) in enumerate(zip(bounds, labels, strict=True)):
        target = Fraction(str(bound))
        steps = math.ceil(target * 10**CANVAS_DECIMALS) - 1
        high = Decimal(steps).scaleb(-CANVAS_DECIMALS)
        text = (
            "<p>(k) Train recurrent networks of one and of two layers on the running-average task (task 1)"
            f" until the training loss is below {bounds[0]} for one layer and below {bounds[-1]} for two layers."
            f" Enter your {html.escape(str(label))} (it is kept to {CANVAS_DECIMALS} decimal places).</p>"
        )
        questions.append(
            RangeQuestion(
                f"Problem 3 (k), {label}",
                text,
                "3k",
                index,
                float(spec["points"]) / len(bounds),
                "0",
                format(high, "f"),
            )
        )
    return questions


def _title(what: str, seed: int | None) -> str:
    return f"{what}, variant {'homework' if seed is None else seed}"
