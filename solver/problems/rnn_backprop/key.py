"""What Problem 1's answer key holds: every part, its modelled mistakes and the names it may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from ...kernel.problem import Part
from .params import DETAIL_LIMIT
from .poly import LinearPoly, W
from .solve import Solution


def _expr_part(poly: LinearPoly, symbols: Iterable[sp.Symbol], **extra) -> Part:
    return Part("expr", poly.to_str(), poly.to_latex(), {"symbols": [str(s) for s in symbols], **extra})


def parts(solution: Solution) -> dict[str, Part]:
    """Every answer, with modelled mistakes (all parts when the graph is written out, T <= 6;
    1b and 1d.total otherwise) and, for 1c/1d, the node names a student may write.

    Part ids and the solution fields each reads (node names are ``nodes[i].name``:
    p, q, r, s, t, y for T = 3; a1, h1, ..., y otherwise):

    - ``1a.<node>`` (every node): ``values[node]``; mistakes from ``values`` and ``nodes``.
    - ``1b``: ``dydw``; mistakes from ``values`` and ``dydw``.
    - ``1c.<node>`` (every node but y): ``adjoints[node]``; the chain rule text from
      ``nodes``, substitutions from ``values`` and ``adjoints``.
    - ``1d.edges``: ``edges`` (one per multiplication node, ``mul_nodes``); mistakes from
      ``values`` and ``adjoints``.
    - ``1d.total``: ``total``; mistakes from ``values``, ``mul_nodes`` and ``dydw``.

    The symbols of every part but 1c (which uses w alone) are w and ``u_symbols``.
    """
    symbols = (W, *solution.u_symbols)
    detailed = solution.steps <= DETAIL_LIMIT
    out: dict[str, Part] = {}
    for index, node in enumerate(solution.nodes):
        extra: dict[str, Any] = {"mistakes": forward_mistakes(solution, index)} if detailed else {}
        out[f"1a.{node.name}"] = _expr_part(solution.values[node.name], symbols, **extra)
    out["1b"] = _expr_part(solution.dydw, symbols, mistakes=derivative_mistakes(solution))
    for index, node in enumerate(solution.nodes[:-1]):
        extra = {"chain": chain_rule_text(solution, index)}
        if detailed:
            extra["substitutions"] = substitutions(solution, downstream_of=index)
            extra["mistakes"] = adjoint_mistakes(solution, index)
        out[f"1c.{node.name}"] = _expr_part(solution.adjoints[node.name], (W,), **extra)
    edges_extra: dict[str, Any] = {"node_terms": [edge_node_text(solution, i) for i, _ in solution.mul_nodes]}
    if detailed:
        edges_extra["substitutions"] = substitutions(solution)
        edges_extra["mistakes"] = edge_mistakes(solution)
    out["1d.edges"] = Part(
        "expr_list",
        [edge.to_str() for edge in solution.edges],
        r",\quad ".join(edge.to_latex() for edge in solution.edges),
        {"symbols": [str(s) for s in symbols], **edges_extra},
    )
    total_extra: dict[str, Any] = {"substitutions": substitutions(solution)} if detailed else {}
    out["1d.total"] = _expr_part(solution.total, symbols, **total_extra, mistakes=total_mistakes(solution))
    return out


# --------------------------------------------------------------------------- modelled mistakes
# Each is a wrong answer a likely slip produces, with what the slip was; a grader that
# sees one of these values can name the mistake. Values equal to the answer or to an
# earlier mistake are dropped, so every value has one message.


def _mistakes(correct: LinearPoly | list[LinearPoly], candidates) -> list[dict]:
    seen = [correct]
    out = []
    for value, feedback in candidates:
        if value is None or value in seen:
            continue
        seen.append(value)
        text = [v.to_str() for v in value] if isinstance(value, list) else value.to_str()
        out.append({"value": text, "feedback": feedback})
    return out


def substitutions(solution: Solution, downstream_of: int | None = None) -> dict[str, str]:
    """Names a 1c/1d answer may use: every node's forward value and the derivatives
    dy/dnode already known (for 1c, only those of nodes downstream of this one)."""
    names = {node.name: solution.values[node.name].to_str() for node in solution.nodes}
    first = 0 if downstream_of is None else downstream_of + 1
    for node in solution.nodes[first:-1]:
        names[f"dy/d{node.name}"] = solution.adjoints[node.name].to_str()
    return names


def forward_mistakes(solution: Solution, index: int) -> list[dict]:
    nodes, values = solution.nodes, solution.values
    node = nodes[index]
    before, after = solution.upstream(index), solution.downstream(index)
    candidates = []
    if node.kind == "mul":
        assert before is not None  # a multiplication node always follows an addition
        candidates.append((values[before.name], f"{node.name} = w * {before.name}: the multiplication by w is missing"))
    elif before is not None:
        u_i = LinearPoly.u(node.step)
        candidates.append(
            (u_i, f"{node.name} adds u{node.step} to the previous hidden state {before.name}; that term is missing")
        )
        earlier = solution.upstream(index - 1)
        assert earlier is not None  # an addition after the first follows a multiplication
        candidates.append(
            (u_i + values[earlier.name], f"{node.name} adds u{node.step} to {before.name}, not to {earlier.name}")
        )
    if after is not None:
        candidates.append((values[after.name], f"this is the value of {after.name}, the node after {node.name}"))
    if before is not None:
        candidates.append((values[before.name], f"this is the value of {before.name}, the node before {node.name}"))
    return _mistakes(values[node.name], candidates)


def derivative_mistakes(solution: Solution) -> list[dict]:
    """dy/dw: each path counted once, the last factor dropped, the exponent kept, y itself."""
    last_add = solution.nodes[-2].name
    y = solution.values["y"]
    return _mistakes(
        solution.dydw,
        [
            (
                solution.values[last_add],
                "counts each path from w to y once: a term u_j w^k differentiates to k u_j w^(k-1), "
                f"one path per copy of w (this is also the partial along the last edge alone, {last_add})",
            ),
            (
                solution.values[last_add].diff_w(),
                f"differentiates {last_add} instead of y = w * {last_add}: the last factor w was dropped",
            ),
            (solution.dydw.times_w(), "the power rule lowers the exponent: d/dw w^k = k w^(k-1), not k w^k"),
            (y, "this is y itself; the part asks for its derivative dy/dw"),
        ],
    )


def adjoint_mistakes(solution: Solution, index: int) -> list[dict]:
    """dy/dnode: the local derivative missing or wrong, or a wrong downstream node."""
    nodes, adjoints = solution.nodes, solution.adjoints
    node, below = nodes[index], nodes[index + 1]
    one = LinearPoly.w_power(0)
    below_adjoint = adjoints.get(below.name, one)
    local_is_w = below.kind == "mul"
    candidates = []
    if local_is_w:
        rule = "w" if below.name == "y" else f"dy/d{below.name} * w"
        candidates.append(
            (below_adjoint, f"{below.name} = w * {node.name}, so dy/d{node.name} = {rule}; the factor w is missing")
        )
    else:
        candidates.append(
            (below_adjoint.times_w(), f"{below.name} adds {node.name}, so d{below.name}/d{node.name} = 1, not w")
        )
    if index + 2 < len(nodes):
        further = nodes[index + 2]
        local = LinearPoly.w_power(1 if local_is_w else 0)
        candidates.append(
            (
                adjoints.get(further.name, one) * local,
                f"uses the derivative for {further.name}; the node directly downstream of {node.name} is {below.name}",
            )
        )
    if index > 0:
        previous = nodes[index - 1]
        candidates.append(
            (adjoints[previous.name], f"this is dy/d{previous.name}, the derivative for the node before {node.name}")
        )
    candidates.append((solution.values[below.name], f"this is the forward value of {below.name}, not a derivative"))
    return _mistakes(adjoints[node.name], candidates)


def edge_mistakes(solution: Solution) -> list[dict]:
    """1d edges: downstream derivative or local partial missing, the wrong node on either side."""
    one = LinearPoly.w_power(0)
    local = [solution.values[solution.nodes[i - 1].name] for i, _ in solution.mul_nodes]
    downstream = [solution.adjoints.get(node.name, one) for _, node in solution.mul_nodes]
    upstream = [solution.adjoints[solution.nodes[i - 1].name] for i, _ in solution.mul_nodes]
    own_value = [solution.values[node.name] for _, node in solution.mul_nodes]
    edges = list(solution.edges)
    return _mistakes(
        edges,
        [
            (
                local,
                "each edge is dy/d(node it enters) times the local partial; the downstream derivatives are missing",
            ),
            (downstream, "each edge is dy/d(node it enters) times the local partial; the local partials are missing"),
            (
                [a * v for a, v in zip(upstream, local, strict=False)],
                "uses dy/d of the node before each multiplication; the edge from w enters the multiplication node itself",
            ),
            (
                [a * v for a, v in zip(downstream, own_value, strict=False)],
                "the local partial of h = w * a with respect to w is a, the input, not the node's own value h",
            ),
            (edges[::-1], "the edges are listed right to left; the part asks for them left to right"),
        ],
    )


def total_mistakes(solution: Solution) -> list[dict]:
    """1d total: the local partials summed alone (T <= 6: it has T^2/2 terms), then the
    same slips as dy/dw in 1b."""
    local_sum = LinearPoly()
    if solution.steps <= DETAIL_LIMIT:
        for i, _ in solution.mul_nodes:
            local_sum = local_sum + solution.values[solution.nodes[i - 1].name]
    local_only = "adds the local partials without multiplying each by its downstream derivative"
    candidates = [(local_sum if local_sum.terms else None, local_only)]
    listed = _mistakes(solution.total, candidates)
    known = [entry["value"] for entry in listed]
    return listed + [entry for entry in derivative_mistakes(solution) if entry["value"] not in known]


def chain_rule_text(solution: Solution, index: int) -> str:
    """The backward step for node ``index`` in plain text, e.g. ``dy/dq * w``."""
    below = solution.downstream(index)
    assert below is not None  # y has no backward step
    local = "w" if below.kind == "mul" else "1"
    return local if below.name == "y" else f"dy/d{below.name} * {local}"


def edge_node_text(solution: Solution, index: int) -> str:
    """The partial along w's edge into mul node ``index``: ``dy/dq * p``, or ``t`` into y."""
    node, source = solution.nodes[index], solution.nodes[index - 1]
    return source.name if node.name == "y" else f"dy/d{node.name} * {source.name}"
