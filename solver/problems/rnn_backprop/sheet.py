"""How Problem 1's sheet shows the solution: LaTeX fragments for the templates and the graph's layout."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ...render.tex import Tex
from .params import DETAIL_LIMIT
from .poly import LinearPoly
from .solve import Node, Solution


def view(solution: Solution) -> dict:
    """What the templates show, as LaTeX fragments; prose stays in the templates."""
    steps = solution.steps
    detailed = steps <= DETAIL_LIMIT
    nodes = solution.nodes

    def name(node: Node) -> Tex:
        return Tex(sp.latex(node.symbol))

    def value(poly: LinearPoly) -> Tex:
        return Tex(poly.to_latex(head=None if detailed else 3, natural=True))

    def partial(node_name: str) -> Tex:
        return Tex(r"\frac{\partial y}{\partial %s}" % sp.latex(sp.Symbol(node_name)))

    shown = range(len(nodes)) if detailed else sorted({0, 1, 2, 3, len(nodes) - 2, len(nodes) - 1})
    gap: dict[str, Any] = {"gap": True}  # rows left out between two shown ones
    forward: list[dict[str, Any]] = []
    for position, index in enumerate(shown):
        if position and index != shown[position - 1] + 1:
            forward.append(gap)
        node, before = nodes[index], solution.upstream(index)
        u_i = sp.latex(solution.u_symbols[node.step - 1])
        if node.kind == "add":
            definition = u_i if before is None else f"{u_i} + {name(before)}"
        else:
            assert before is not None  # a multiplication node always follows an addition
            definition = rf"w \cdot {name(before)}"
        forward.append(
            {
                "gap": False,
                "name": name(node),
                "definition": Tex(definition),
                "value": value(solution.values[node.name]),
            }
        )

    backward: list[dict[str, Any]] = []
    backward_shown = list(reversed([i for i in shown if i < len(nodes) - 1]))
    for position, index in enumerate(backward_shown):
        if position and index != backward_shown[position - 1] - 1:
            backward.append(gap)
        node, below = nodes[index], nodes[index + 1]
        local = "w" if below.kind == "mul" else "1"
        chain = local if below.name == "y" else rf"{partial(below.name)} \cdot {local}"
        backward.append(
            {
                "gap": False,
                "partial": partial(node.name),
                "chain": Tex(chain),
                "value": value(solution.adjoints[node.name]),
            }
        )

    edges: list[dict[str, Any]] = []
    for number, (index, node) in enumerate(solution.mul_nodes, start=1):
        if not detailed and number not in (1, 2, steps):
            if number == 3:
                edges.append(gap)
            continue
        source = nodes[index - 1]
        in_node_terms = name(source) if node.name == "y" else rf"{partial(node.name)} \cdot {name(source)}"
        adjoint = solution.adjoints.get(node.name, LinearPoly.w_power(0))
        source_value = solution.values[source.name]
        source_tex = source_value.to_latex()
        if len(source_value.terms) > 1:
            source_tex = rf"\left({source_tex}\right)"
        substituted = rf"{adjoint.to_latex()} \cdot {source_tex}" if detailed else ""
        edges.append(
            {
                "gap": False,
                "number": number,
                "node_terms": Tex(in_node_terms),
                "substituted": Tex(substituted if node.name != "y" else ""),
                "value": value(solution.edges[number - 1]),
            }
        )

    return {
        "detailed": detailed,
        "steps": steps,
        "homework_names": steps == 3,
        "y_value": value(solution.values["y"]),
        "dydw": value(solution.dydw),
        "total": value(solution.total),
        # The sum of what each edge contributes, written with the nodes' names (not the edge labels, which name
        # edges, not values); a long chain's gap stays a gap.
        "edge_sum": Tex(" + ".join(r"\dots" if e["gap"] else e["node_terms"] for e in edges)),
        "forward": forward,
        "backward": backward,
        "edges": edges,
        "graph": graph_layout(solution),
    }


def graph_layout(solution: Solution) -> dict:
    """TikZ positions for the unrolled graph; long chains keep the first two and last step."""
    steps = solution.steps
    shown_steps = list(range(1, steps + 1)) if steps <= DETAIL_LIMIT else [1, 2, None, steps]
    boxes, arrows, column = [], [], 0.0
    previous_id = None
    for step in shown_steps:
        if step is None:
            boxes.append({"id": "dots", "label": r"\cdots", "x": column, "y": 0, "style": "gap"})
            arrows.append({"from": previous_id, "to": "dots", "style": "flow", "label": ""})
            previous_id, column = "dots", column + 1.4
            continue
        add, mul = solution.nodes[2 * step - 2], solution.nodes[2 * step - 1]
        u_id = f"u{step}"
        boxes.append({"id": u_id, "label": rf"u_{{{step}}}", "x": column, "y": -1.6, "style": "input"})
        boxes.append({"id": add.name, "label": sp.latex(add.symbol), "x": column, "y": 0, "style": "add"})
        boxes.append({"id": mul.name, "label": sp.latex(mul.symbol), "x": column + 1.4, "y": 0, "style": "mul"})
        arrows.append({"from": u_id, "to": add.name, "style": "flow", "label": ""})
        if previous_id is not None:
            arrows.append({"from": previous_id, "to": add.name, "style": "flow", "label": ""})
        arrows.append({"from": add.name, "to": mul.name, "style": "flow", "label": ""})
        arrows.append({"from": "w", "to": mul.name, "style": "weight", "label": f"e_{{{step}}}"})
        previous_id, column = mul.name, column + 2.8
    width = column - 2.8 + 1.4
    return {"boxes": boxes, "arrows": arrows, "w_x": width / 2, "w_y": 2.2}
