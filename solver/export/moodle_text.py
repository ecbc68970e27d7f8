"""What a Moodle question shows students: each problem's statement with the variant's numbers,
and a label for every answer box. HTML with TeX between ``\\(``/``\\)`` or ``\\[``/``\\]``,
which Moodle's MathJax filter typesets. Nothing here may contain an answer: the values come
from the problem's parameters and the sheet's own template variables, never from the key.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..build.pipeline import Solved


def statement(item: Solved) -> str:
    """The problem's statement for this variant (a short one for problems without their own)."""
    writer = _STATEMENTS.get(item.problem.section)
    view: Mapping[str, Any] = item.problem.view(item.solution) if item.problem.view else {}
    body = writer(item, view) if writer else ""
    title = html.escape(f"Problem {item.problem.number}: {item.problem.title}")
    return f"<h4>{title}</h4>\n{body}"


def part_label(part_id: str, entry: int | None = None) -> str:
    """The label in front of a part's answer box (``entry``: 1-based position in a list part)."""
    head, _, node = part_id.partition(".")
    letter = head.lstrip("0123456789")
    symbol = _tex_name(node) if node else ""
    if head.startswith("1") and letter == "c" and symbol:
        return rf"({letter}) \(\dfrac{{\partial y}}{{\partial {symbol}}} =\)"
    if head.startswith("1") and letter in ("b",) or part_id == "1d.total":
        return rf"({letter}) \(\dfrac{{dy}}{{dw}} =\)"
    if part_id == "1d.edges" and entry is not None:
        return rf"(d) \(e_{{{entry}}} =\)"
    if symbol:
        return rf"({letter}) \({symbol} =\)"
    suffix = f", entry {entry}" if entry is not None else ""
    return html.escape(f"({letter}){suffix}")


def _tex_name(name: str) -> str:
    """``u1`` -> ``u_{1}``, ``h_2`` -> ``h_{2}``: a node or symbol name in TeX."""
    match = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    return f"{match.group(1)}_{{{match.group(2)}}}" if match else name


def _rnn_backprop(item: Solved, view: Mapping[str, Any]) -> str:
    steps = int(view["steps"])
    nodes = (
        r"\(p = u_1\), \(q = w \cdot p\), \(r = u_2 + q\), \(s = w \cdot r\), \(t = u_3 + s\) and \(y = w \cdot t\)"
        if view.get("homework_names")
        else rf"\(a_i = u_i + h_{{i-1}}\) and \(h_i = w \cdot a_i\) for \(i = 1, \dots, {steps}\), with \(y = h_{{{steps}}}\)"
    )
    return (
        "<p>A recurrent network with one scalar weight \\(w\\), no bias and no nonlinearity reads the inputs "
        f"\\(u_1, \\dots, u_{{{steps}}}\\): \\[ h_t = w \\cdot (u_t + h_{{t-1}}), \\qquad h_0 = 0, \\] and its output "
        f"is \\(y = h_{{{steps}}}\\). Unrolled, its nodes are {nodes}; the edges that leave \\(w\\), one per "
        f"multiplication, are \\(e_1, \\dots, e_{{{steps}}}\\) from left to right.</p>\n"
        "<p>(a) The value of every node in terms of \\(w\\) and the inputs. (b) \\(dy/dw\\) from your expression "
        "for \\(y\\). (c) \\(\\partial y / \\partial n\\) for every node \\(n\\) of the backward pass. (d) The "
        "partial derivative of \\(y\\) along each edge leaving \\(w\\) (through that edge alone), and their sum.</p>\n"
        "<p>Write expressions with <code>*</code> for products and <code>^</code> for powers, e.g. "
        "<code>2*w^2*u1 + u3</code>.</p>"
    )


def _rnn_lstm(item: Solved, view: Mapping[str, Any]) -> str:
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


def _conv_filter(item: Solved, view: Mapping[str, Any]) -> str:
    params = item.params
    padding = f"after {params.padding} zeros are added at each end" if params.padding else "without padding"
    return (
        "<p>A filter is slid over its input without being flipped (the convention of neural-network libraries). "
        f"(b) The signal \\[ x = {view['signal']} \\] is convolved with a filter of length {view['k']} {padding}, "
        f"moving the filter {params.stride} position(s) at a time, and the result is \\[ y = {view['output']}. \\] "
        "Which filter was used? Give its entries as exact numbers.</p>"
    )


def _transpose_conv(item: Solved, view: Mapping[str, Any]) -> str:
    params = item.params
    return (
        "<p>A transpose convolution places a copy of the filter, scaled by each input entry, a stride apart, and "
        "adds the entries where copies overlap; padding \\(p\\) then removes \\(p\\) entries from each border. "
        f"(c) Compute the transpose convolution of \\[ {view['input_symbol']} = {view['input']}, \\qquad "
        f"{view['filter_symbol']} = {view['filter']} \\] with stride {params.stride} and padding {params.padding}, "
        "row by row.</p>"
    )


_STATEMENTS: dict[str, Callable[[Solved, Mapping[str, Any]], str]] = {
    "rnn_backprop": _rnn_backprop,
    "rnn_lstm": _rnn_lstm,
    "conv_filter": _conv_filter,
    "transpose_conv": _transpose_conv,
}
