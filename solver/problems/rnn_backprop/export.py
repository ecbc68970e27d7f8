"""Problem 1 on the platforms: its PrairieLearn and Moodle statements and labels (Canvas: not exported).

The statements show the variant's structure (its number of steps, its nodes), never a value of the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp

from ...kernel.exports import GRADED_BY_HW6, Exports, MoodleQuestion, NotExported, PrairieLearnQuestion
from ...render.mathjax import tex_name


def display(solved: Any) -> dict[str, Any]:
    """The numbers PrairieLearn's statement shows for one variant: its steps and its nodes."""
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


def label(part_id: str, spec: Mapping[str, Any]) -> str:
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


STATEMENT = """
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


def moodle_statement(item: Any, view: Mapping[str, Any]) -> str:
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


def moodle_label(part_id: str, entry: int | None) -> str | None:
    """The derivatives' labels; the node values take the generic ``(a) p =``."""
    head, _, node = part_id.partition(".")
    letter = head.lstrip("0123456789")
    if letter == "c" and node:
        return rf"({letter}) \(\dfrac{{\partial y}}{{\partial {tex_name(node)}}} =\)"
    if letter == "b" or part_id == "1d.total":
        return rf"({letter}) \(\dfrac{{dy}}{{dw}} =\)"
    if part_id == "1d.edges" and entry is not None:
        return rf"(d) \(e_{{{entry}}} =\)"
    return None


EXPORTS = Exports(
    prairielearn=PrairieLearnQuestion("Problem 1: Backprop through a simple RNN", STATEMENT, label, display),
    moodle=MoodleQuestion(moodle_statement, moodle_label),
    qti=NotExported(GRADED_BY_HW6),
)
