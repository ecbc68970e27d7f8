"""Problem 1's exact solution: the unrolled graph, forward values, adjoints, edge partials, dy/dw.

The unrolled graph is a chain of nodes a_1, h_1, a_2, h_2, ..., a_T, h_T = y with
a_i = u_i + h_{i-1} ("add" nodes) and h_i = w a_i ("mul" nodes, the edges out
of the shared weight w). For T = 3 the homework names them p, q, r, s, t, y.

Every value is a :class:`~.poly.LinearPoly`, so forward values, reverse-mode
adjoints, the per-edge partials and dy/dw cost O(T^2) integer operations; SymPy
expressions are built only for printing. The naive route (a nested SymPy
expression, ``expand``, ``diff``) is kept in :func:`naive_solve` for tests and
the benchmark: it needs seconds at T = 50 and recurses too deeply by T = 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import sympy as sp

from ...kernel.problem import BuildContext
from .params import Params
from .poly import LinearPoly, W

HOMEWORK_NAMES = ("p", "q", "r", "s", "t", "y")


@dataclass(frozen=True)
class Node:
    name: str
    kind: Literal["add", "mul"]  # add: a_i = u_i + h_{i-1};  mul: h_i = w * a_i
    step: int

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name)


def node_names(steps: int) -> tuple[str, ...]:
    if steps == 3:
        return HOMEWORK_NAMES
    names = []
    for i in range(1, steps + 1):
        names += [f"a{i}", f"h{i}"]
    names[-1] = "y"
    return tuple(names)


def build_graph(steps: int) -> tuple[Node, ...]:
    """Nodes in forward order: add node of step 1, mul node of step 1, ..., y."""
    names = node_names(steps)
    return tuple(Node(names[2 * (i - 1) + m], ("add", "mul")[m], i) for i in range(1, steps + 1) for m in (0, 1))


# --------------------------------------------------------------------------- exact solution


@dataclass(frozen=True)
class Solution:
    params: Params
    nodes: tuple[Node, ...]
    values: dict[str, LinearPoly]  # 1a: forward value of every node
    dydw: LinearPoly  # 1b: d/dw of y's expanded polynomial
    adjoints: dict[str, LinearPoly]  # 1c: dy/dnode, u-free
    edges: tuple[LinearPoly, ...]  # 1d: the partial along w's edge into each mul node
    total: LinearPoly  # 1d: the sum of the edges

    @property
    def steps(self) -> int:
        return self.params.steps

    @cached_property
    def u_symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(sp.Symbol(f"u{i}") for i in range(1, self.steps + 1))

    def expr(self, poly: LinearPoly) -> sp.Expr:
        return poly.to_expr(self.u_symbols)

    def downstream(self, index: int) -> Node | None:
        return self.nodes[index + 1] if index + 1 < len(self.nodes) else None

    def upstream(self, index: int) -> Node | None:
        return self.nodes[index - 1] if index > 0 else None

    @property
    def mul_nodes(self) -> tuple[tuple[int, Node], ...]:
        return tuple((i, n) for i, n in enumerate(self.nodes) if n.kind == "mul")


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    """Forward values, reverse-mode adjoints, edge partials and dy/dw, exactly."""
    nodes = build_graph(params.steps)
    values: dict[str, LinearPoly] = {}
    previous = LinearPoly()  # h_0 = 0
    for node in nodes:
        previous = previous + LinearPoly.u(node.step) if node.kind == "add" else previous.times_w()
        values[node.name] = previous

    # Reverse mode: each node feeds only the next one, through d(next)/d(node) = w (mul) or 1 (add).
    adjoints: dict[str, LinearPoly] = {}
    downstream = LinearPoly.w_power(0)  # dy/dy = 1
    for index in range(len(nodes) - 2, -1, -1):
        local = LinearPoly.w_power(1 if nodes[index + 1].kind == "mul" else 0)
        downstream = downstream * local
        adjoints[nodes[index].name] = downstream
    adjoints = {node.name: adjoints[node.name] for node in nodes[:-1]}

    # w's edge into mul node h_i carries d(h_i)/dw|edge = a_i, scaled by dy/dh_i.
    edges = []
    for index, node in enumerate(nodes):
        if node.kind == "mul":
            node_adjoint = adjoints.get(node.name, LinearPoly.w_power(0))
            edges.append(node_adjoint * values[nodes[index - 1].name])
    total = LinearPoly()
    for edge in edges:
        total = total + edge
    dydw = values[nodes[-1].name].diff_w()
    if total != dydw:  # the multivariate chain rule must reproduce (b) exactly
        raise AssertionError("sum of edge partials differs from dy/dw")
    return Solution(params, nodes, values, dydw, adjoints, tuple(edges), total)


def naive_solve(steps: int) -> dict[str, sp.Expr]:
    """The textbook route: nested expression, expand, diff (slow; for tests and bench)."""
    u = sp.symbols(f"u1:{steps + 1}")
    h = sp.Integer(0)
    for u_i in u:
        h = W * (u_i + h)
    y = sp.expand(h)
    return {"y": y, "dydw": sp.expand(sp.diff(h, W))}
