"""The PrairieLearn questions: for each exported problem its statement (``question.html``, a
Mustache template the same for every variant), its inputs and, per variant, the numbers the
template shows (``data["params"]``), built from the problem's parameters, never from the key.

Parts that share parameters stay in one question (all of Problem 1, all of Problem 2, 3(a)-(c));
Problem 6's (b) and (c) have parameters of their own and are two questions. Written, data and personal parts
are not exported (staff grade them), nor 3k, whose training the statement cannot give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from ...build.pipeline import Solved


@dataclass(frozen=True)
class Question:
    section: str  # the problem, also the question's folder below questions/hw6/
    title: str
    statement: str  # question.html's text before the inputs, Mustache over params
    label: Callable[[str, Mapping[str, Any]], str]  # part id, its key -> the text before its input
    display: Callable[[Solved], dict[str, Any]]  # one variant's numbers, for the template
    skip: tuple[str, ...] = ()  # graded parts left out (they need more than the statement gives)


# --------------------------------------------------------------------------- numbers as text


def number_text(value: Any) -> str:
    """An exact number as students read it: an integer, a terminating decimal or a fraction."""
    number = Fraction(str(value))
    if number.denominator == 1:
        return str(number.numerator)
    scaled, places = number, 0
    while scaled.denominator != 1 and places < 6:
        scaled, places = scaled * 10, places + 1
    if scaled.denominator != 1:
        return f"{number.numerator}/{number.denominator}"
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def vector_tex(values: Any) -> str:
    return r"\left[" + ",\\ ".join(number_text(v) for v in values) + r"\right]"


def matrix_tex(rows: Any) -> str:
    if rows and not isinstance(rows[0], (list, tuple)):
        return vector_tex(rows)
    body = r" \\ ".join(" & ".join(number_text(v) for v in row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


# --------------------------------------------------------------------------- Problem 1


def _rnn_backprop(solved: Solved) -> dict[str, Any]:
    solution = solved.solution
    nodes = []
    for index, node in enumerate(solution.nodes):
        before = solution.upstream(index)
        u_i = sp.latex(solution.u_symbols[node.step - 1])
        if node.kind == "add":
            definition = u_i if before is None else f"{u_i} + {sp.latex(before.symbol)}"
        else:
            definition = rf"w \cdot {sp.latex(before.symbol)}"
        nodes.append({"node": f"{sp.latex(node.symbol)} = {definition}", "last": index == len(solution.nodes) - 1})
    return {"steps": solution.steps, "nodes": nodes}


def _rnn_backprop_label(part_id: str, spec: Mapping[str, Any]) -> str:
    head, _, node = part_id.partition(".")
    symbol = sp.latex(sp.Symbol(node)) if node else ""
    return {
        "1a": f"(a) ${symbol} =$",
        "1b": r"(b) $\dfrac{dy}{dw} =$",
        "1c": rf"(c) $\dfrac{{\partial y}}{{\partial {symbol}}} =$",
    }.get(head) or {
        "1d.edges": "(d) the partial along each edge leaving $w$, left to right, separated by commas:",
        "1d.total": r"(d) their sum, $\dfrac{dy}{dw} =$",
    }.get(part_id, part_id)


RNN_BACKPROP = """
<p>A linear recurrent network with one scalar weight $w$ (no bias) reads scalar inputs
$u_1, \\dots, u_T$. Its hidden state is $h_t = w \\cdot (u_t + h_{t-1})$ with $h_0 = 0$, and its
output is $y = h_T$; here $T = {{params.steps}}$. Unrolled, the computation has the nodes
{{#params.nodes}}${{node}}${{^last}}, {{/last}}{{/params.nodes}}; every multiplication by $w$ is an
edge leaving $w$.</p>
<p>(a) Give the value of every node of the forward pass in terms of $w$ and the inputs.
(b) Differentiate your expression for $y$ to get $dy/dw$.
(c) Give $\\partial y / \\partial n$ for every node $n$ before $y$; you may use node names and
derivatives already found further downstream, written <code>dy/d</code> and the node's name.
(d) Give the partial derivative of $y$ along each edge leaving $w$, in terms of the node values and
partial derivatives of $y$, and their sum, which is $dy/dw$ again.</p>
<p>Expressions take <code>+ - * / ^</code>, parentheses and implicit multiplication
(<code>3 w^2 u1</code>); inputs are written <code>u1</code>, <code>u2</code>, ….</p>
"""


# --------------------------------------------------------------------------- Problem 2


def _beam_search(solved: Solved) -> dict[str, Any]:
    params = solved.params
    tokens = list(params.vocabulary)
    rows = []
    for prefix in sorted(params.tree, key=lambda p: (len(p.split()), [tokens.index(t) for t in p.split()])):
        row = params.tree[prefix]
        rows.append({"prefix": prefix or "(start)", "cells": [{"value": number_text(row[t])} for t in tokens]})
    return {
        "vocabulary": ", ".join(tokens),
        "tokens": [{"token": t} for t in tokens],
        "M": len(tokens),
        "T": params.length,
        "k": params.beam_width,
        "rows": rows,
    }


def _beam_search_label(part_id: str, spec: Mapping[str, Any]) -> str:
    if spec["kind"] == "complexity":
        return "(e) running time, in big-O notation in $T$, $k$ and $M$:"
    return f"({part_id[1]}) hypotheses kept after step {spec.get('step', '?')}, one a line:"


BEAM_SEARCH = """
<p>A decoder writes a sequence one token at a time from the vocabulary {{params.vocabulary}}
($M = {{params.M}}$). Given the tokens so far it gives every possible next token a log-probability
(natural logarithm), listed in the table below per prefix. A sequence's log-probability is the sum
along its path.</p>
<table class="table table-sm w-auto">
<thead><tr><th>prefix</th>{{#params.tokens}}<th>{{token}}</th>{{/params.tokens}}</tr></thead>
<tbody>{{#params.rows}}<tr><td>{{prefix}}</td>{{#cells}}<td>{{value}}</td>{{/cells}}</tr>{{/params.rows}}</tbody>
</table>
<p>Decode a sequence of length $T = {{params.T}}$ with beam search of width $k = {{params.k}}$: from the
empty sequence, each step extends every kept hypothesis by every token and keeps the $k$ extensions with
the highest total log-probability. Two candidates with the same total are ranked by the vocabulary's
order at their first differing token. Give the hypotheses kept after each step, one a line, tokens
separated by spaces; a log-probability may follow each in parentheses, as in
<code>TOKEN TOKEN (-1.25)</code>, and is then graded too. Finally, say how the running time grows with $T$, $k$ and $M$ when the decoder
is an RNN.</p>
"""


# --------------------------------------------------------------------------- Problem 3


def _rnn_lstm(solved: Solved) -> dict[str, Any]:
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


def _rnn_lstm_label(part_id: str, spec: Mapping[str, Any]) -> str:
    return {
        "3a": r"(a) $h_1, \dots, h_T$, one row per step:",
        "3b": r"(b) $\hat y_1, \dots, \hat y_T$:",
        "3c": "(c)",
    }.get(part_id, part_id)


RNN_LSTM = """
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


# --------------------------------------------------------------------------- Problem 6


def _conv_filter(solved: Solved) -> dict[str, Any]:
    params, solution = solved.params, solved.solution
    if solution.case != "unique":
        raise ValueError(
            "Problem 6(b) has no single filter in this variant; PrairieLearn's cells cannot hold the answer"
        )
    padding = "without padding" if not params.padding else f"after adding {params.padding} zero(s) at each end"
    return {
        "signal": vector_tex(params.signal),
        "output": vector_tex(params.output),
        "k": params.filter_length,
        "stride": params.stride,
        "padding": padding,
        "hint": number_text(solution.filter[0]),
    }


CONV_FILTER = """
<p>Here a filter is slid over its input without being flipped first, as neural-network libraries do
(a cross-correlation). The signal $x = {{params.signal}}$ is convolved with a filter of length
${{params.k}}$ {{params.padding}}, moving the filter ${{params.stride}}$ position(s) at a time, and gives
$y = {{params.output}}$. Which filter was used?</p>
<p><em>Hint, only for checking your work: the filter's first entry is ${{params.hint}}$. Starting from the
hint earns no credit.</em></p>
<p>Each entry is an exact number: an integer, a decimal or a fraction such as <code>1/3</code>.</p>
"""


def _transpose_conv(solved: Solved) -> dict[str, Any]:
    params = solved.params
    two_d = bool(params.input) and isinstance(params.input[0], (list, tuple))
    return {
        "input": matrix_tex(params.input),
        "filter": matrix_tex(params.filter),
        "stride": params.stride,
        "padding": params.padding,
        "dimensions": "2-D " if two_d else "",
    }


TRANSPOSE_CONV = """
<p>A transpose convolution enlarges its input: every input entry multiplies a whole copy of the filter,
consecutive copies are placed a stride apart, and where copies overlap their entries are added. Padding
$p$ then removes $p$ entries from each end (each border, in 2-D) of the result. For example, the input
$[a, b, c]$ with the filter $[x, y, z]$, stride 2 and no padding gives
$[ax,\\ ay,\\ az + bx,\\ by,\\ bz + cx,\\ cy,\\ cz]$.</p>
<p>Compute the transpose convolution of the {{params.dimensions}}input $X = {{params.input}}$ with the
filter $W = {{params.filter}}$, stride ${{params.stride}}$ and padding ${{params.padding}}$.</p>
"""

QUESTIONS: tuple[Question, ...] = (
    Question(
        "rnn_backprop", "Problem 1: Backprop through a simple RNN", RNN_BACKPROP, _rnn_backprop_label, _rnn_backprop
    ),
    Question("beam_search", "Problem 2: Beam search", BEAM_SEARCH, _beam_search_label, _beam_search),
    Question("rnn_lstm", "Problem 3(a)-(c): An RNN layer", RNN_LSTM, _rnn_lstm_label, _rnn_lstm, skip=("3k",)),
    Question(
        "conv_filter", "Problem 6(b): Finding a filter", CONV_FILTER, lambda p, s: "(b) the filter:", _conv_filter
    ),
    Question(
        "transpose_conv",
        "Problem 6(c): Transpose convolution",
        TRANSPOSE_CONV,
        lambda p, s: "(c) the result:",
        _transpose_conv,
    ),
)
