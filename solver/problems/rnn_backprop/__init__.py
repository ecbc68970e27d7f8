"""Problem 1: backprop through the 1-D linear RNN  h_t = w (u_t + h_{t-1}),  h_0 = 0,  y = h_T.

The unrolled graph is a chain of nodes a_1, h_1, a_2, h_2, ..., a_T, h_T = y with
a_i = u_i + h_{i-1} ("add" nodes) and h_i = w a_i ("mul" nodes, the edges out
of the shared weight w). For T = 3 the homework names them p, q, r, s, t, y.

Every value in this graph is a polynomial in w whose terms carry at most one
input u_j, so the exact solver keeps them as :class:`LinearPoly` maps
``(j, k) -> coefficient`` for ``coefficient * u_j * w**k`` (j = 0: no u).
Forward values, reverse-mode adjoints, the per-edge partials and dy/dw are
computed on that representation in O(T^2) integer operations; SymPy
expressions are built from it only for printing. The naive route (a nested
SymPy expression, ``expand``, ``diff``) is kept in :func:`naive_solve` for
tests and the benchmark: it needs seconds at T = 50 and recurses too deeply
by T = 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import sympy as sp

from ...core.checks import Check, compare_arrays, import_torch
from ...core.params import ParamsBase, param
from ...core.problem import BuildContext, Part, Problem
from .difficulty import DIFFICULTY, SAME_STEPS, VARIED_STEPS, SampleOptions

HOMEWORK_NAMES = ("p", "q", "r", "s", "t", "y")
DETAIL_LIMIT = 6  # largest T whose every node and term is written out on the sheet
W = sp.Symbol("w")


@dataclass(frozen=True)
class Params(ParamsBase):
    steps: int = param(3, "number of unrolled steps T", minimum=1, maximum=1000)


# --------------------------------------------------------------------------- exact algebra


class LinearPoly:
    """A polynomial sum of ``c * u_j * w**k`` with integer c (u_0 = 1).

    Only what the problem needs: sums, products with u-free polynomials,
    d/dw and conversion to SymPy. Instances are immutable.
    """

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[tuple[int, int], int] | None = None):
        self.terms: dict[tuple[int, int], int] = {key: c for key, c in (terms or {}).items() if c}

    @classmethod
    def u(cls, j: int) -> LinearPoly:
        return cls({(j, 0): 1})

    @classmethod
    def w_power(cls, k: int) -> LinearPoly:
        return cls({(0, k): 1})

    def __add__(self, other: LinearPoly) -> LinearPoly:
        terms = dict(self.terms)
        for key, c in other.terms.items():
            terms[key] = terms.get(key, 0) + c
        return LinearPoly(terms)

    def __mul__(self, other: LinearPoly) -> LinearPoly:
        if other.has_u and self.has_u:
            raise ValueError("a product of two u-dependent values leaves the linear-in-u class")
        terms: dict[tuple[int, int], int] = {}
        for (j1, k1), c1 in self.terms.items():
            for (j2, k2), c2 in other.terms.items():
                key = (j1 + j2, k1 + k2)  # at most one of j1, j2 is non-zero
                terms[key] = terms.get(key, 0) + c1 * c2
        return LinearPoly(terms)

    def times_w(self) -> LinearPoly:
        return LinearPoly({(j, k + 1): c for (j, k), c in self.terms.items()})

    def diff_w(self) -> LinearPoly:
        return LinearPoly({(j, k - 1): c * k for (j, k), c in self.terms.items() if k})

    @property
    def has_u(self) -> bool:
        return any(j for j, _ in self.terms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinearPoly) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    def __repr__(self) -> str:
        return f"LinearPoly({self.terms!r})"

    def evaluate(self, w: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Value at float draws: w of shape (n,), u of shape (n, T); returns (n,)."""
        if not self.terms:
            return np.zeros_like(w)
        keys = np.array(list(self.terms), dtype=np.int64)  # (m, 2)
        coefficients = np.array(list(self.terms.values()), dtype=np.float64)  # (m,)
        with_one = np.concatenate([np.ones((u.shape[0], 1)), u], axis=1)  # (n, T + 1)
        factors = with_one[:, keys[:, 0]] * w[:, None] ** keys[:, 1]  # (n, m)
        return factors @ coefficients  # (n,)

    def to_expr(self, u_symbols: tuple[sp.Symbol, ...]) -> sp.Expr:
        one_and_u = (sp.Integer(1),) + u_symbols
        return sp.Add(*(c * one_and_u[j] * W**k for (j, k), c in self.terms.items()))

    # SymPy's printers take seconds for one 1,000-term sum; these print the same text
    # directly (tests compare them with str() and latex() of to_expr()).

    def ordered(self, natural: bool = False) -> list[tuple[int, int, int]]:
        """Terms (j, k, c) in SymPy's print order: lex over generators sorted by name
        (u1 < u10 < u2 < ... < w), highest first, so u-free terms come last.
        ``natural`` orders the inputs by index instead (u1, u2, ..., u10), for readers."""
        return sorted(
            ((j, k, c) for (j, k), c in self.terms.items()),
            key=lambda t: (t[0] == 0, t[0] if natural else (f"u{t[0]}" if t[0] else ""), -t[1]),
        )

    def to_str(self) -> str:
        """``str(self.to_expr(...))``, fast when every coefficient is positive (all of Problem 1)."""
        if any(c < 0 for c in self.terms.values()):
            return str(self.to_expr(_u_symbols(self)))
        return _join_terms([_term_str(j, k, c) for j, k, c in self.ordered()])

    def to_latex(self, head: int | None = None, tail: int = 2, natural: bool = False) -> str:
        """LaTeX like ``sympy.latex``; with ``head``, long sums keep head + tail terms around
        \\dots; ``natural`` orders terms by input index (see :meth:`ordered`)."""
        if any(c < 0 for c in self.terms.values()):
            return sp.latex(self.to_expr(_u_symbols(self)))
        terms = [_term_latex(j, k, c) for j, k, c in self.ordered(natural)]
        if head is not None and len(terms) > head + tail + 1:
            terms = terms[:head] + [r"\dots"] + terms[-tail:]
        return _join_terms(terms)


def _u_symbols(poly: LinearPoly) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"u{i}") for i in range(1, max((j for j, _ in poly.terms), default=0) + 1))


def _term_str(j: int, k: int, c: int) -> str:
    factors = ([f"u{j}"] if j else []) + ([f"w**{k}" if k > 1 else "w"] if k else [])
    if not factors:
        return str(c)
    magnitude = "*".join(factors)
    if abs(c) != 1:
        magnitude = f"{abs(c)}*{magnitude}"
    return f"-{magnitude}" if c < 0 else magnitude


def _term_latex(j: int, k: int, c: int) -> str:
    factors = ([f"u_{{{j}}}"] if j else []) + ([f"w^{{{k}}}" if k > 1 else "w"] if k else [])
    if not factors:
        return str(c)
    magnitude = " ".join(factors)
    if abs(c) != 1:
        magnitude = f"{abs(c)} {magnitude}"
    return f"- {magnitude}" if c < 0 else magnitude


def _join_terms(terms: list[str]) -> str:
    if not terms:
        return "0"
    text = terms[0]
    for term in terms[1:]:
        text += f" - {term.lstrip('- ')}" if term.startswith("-") else f" + {term}"
    return text


# --------------------------------------------------------------------------- the graph


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


# --------------------------------------------------------------------------- numeric checks

CHECK_SEED = 20230310
CHECK_DRAWS = 3
EXACT_RTOL = 1e-10  # same graph, different arithmetic
FD_RTOL = 1e-6  # central differences


def draws(steps: int, count: int = CHECK_DRAWS) -> tuple[np.ndarray, np.ndarray]:
    """Random positive inputs (no cancellation, so relative tolerances are meaningful)."""
    rng = np.random.default_rng([CHECK_SEED, steps])
    w = rng.uniform(0.8, 1.1, size=count)  # (n,)
    u = rng.uniform(0.5, 1.5, size=(count, steps))  # (n, T)
    return w, u


def numpy_forward(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Every node's value by running the recurrence; returns (n, 2T) in node order."""
    n, steps = u.shape
    out = np.empty((n, 2 * steps))  # (n, 2T)
    h = np.zeros(n)  # (n,)
    for i in range(steps):
        a = u[:, i] + h  # (n,)
        h = w * a  # (n,)
        out[:, 2 * i], out[:, 2 * i + 1] = a, h
    return out


def numpy_tangents(w: np.ndarray, u: np.ndarray, node_seed: np.ndarray, w_seed: np.ndarray) -> np.ndarray:
    """Forward-mode derivative of y along D directions at once.

    ``node_seed`` (D, 2T) adds a unit perturbation to a node's value;
    ``w_seed`` (D, T) perturbs the copy of w used at each step. The graph is
    linear in every node value and in every single copy of w, so one tangent
    pass gives those partials exactly (up to rounding). Returns (n, D).
    """
    n, steps = u.shape
    h = np.zeros((n, 1))  # (n, 1)
    dh = np.zeros((n, node_seed.shape[0]))  # (n, D)
    for i in range(steps):
        a = u[:, i : i + 1] + h  # (n, 1)
        da = dh + node_seed[:, 2 * i]  # (n, D)
        h = w[:, None] * a  # (n, 1)
        dh = w_seed[:, i] * a + w[:, None] * da + node_seed[:, 2 * i + 1]  # (n, D)
    return dh


def numpy_central_difference(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """dy/dw by central differences with a step that keeps truncation below 1e-10."""
    steps = u.shape[1]
    step = 1e-5 * w / steps  # (n,)
    plus = numpy_forward(w + step, u)[:, -1]  # (n,)
    minus = numpy_forward(w - step, u)[:, -1]  # (n,)
    return (plus - minus) / (2 * step)


def crosscheck(solution: Solution) -> list[Check]:
    """Every exact answer against NumPy at random points (recurrence, tangents, differences)."""
    steps = solution.steps
    w, u = draws(steps)
    forward = numpy_forward(w, u)  # (n, 2T)
    checks = [
        compare_arrays(
            f"1a.{node.name}",
            "numpy recurrence",
            solution.values[node.name].evaluate(w, u),
            forward[:, k],
            rtol=EXACT_RTOL,
        )
        for k, node in enumerate(solution.nodes)
    ]
    dydw_exact = solution.dydw.evaluate(w, u)
    checks.append(
        compare_arrays("1b", "numpy central difference", dydw_exact, numpy_central_difference(w, u), rtol=FD_RTOL)
    )

    node_tangents = numpy_tangents(w, u, np.eye(2 * steps), np.zeros((2 * steps, steps)))  # (n, 2T)
    for k, node in enumerate(solution.nodes[:-1]):
        checks.append(
            compare_arrays(
                f"1c.{node.name}",
                "numpy forward mode",
                solution.adjoints[node.name].evaluate(w, u),
                node_tangents[:, k],
                rtol=EXACT_RTOL,
            )
        )
    edge_tangents = numpy_tangents(w, u, np.zeros((steps, 2 * steps)), np.eye(steps))  # (n, T)
    exact_edges = np.stack([edge.evaluate(w, u) for edge in solution.edges], axis=1)  # (n, T)
    checks.append(compare_arrays("1d.edges", "numpy forward mode", exact_edges, edge_tangents, rtol=EXACT_RTOL))
    checks.append(
        compare_arrays(
            "1d.total",
            "numpy central difference",
            solution.total.evaluate(w, u),
            numpy_central_difference(w, u),
            rtol=FD_RTOL,
        )
    )
    return checks


def oracle_check(solution: Solution) -> list[Check]:
    """torch autograd (float64) on the same unrolled graph: values, adjoints, edges, dy/dw."""
    torch = import_torch()
    steps = solution.steps
    w_draws, u_draws = draws(steps)
    forward_values, adjoint_values, edge_values, dydw_values = [], [], [], []
    for w_value, u_row in zip(w_draws, u_draws, strict=False):
        u = torch.tensor(u_row, dtype=torch.float64)  # (T,)
        w = torch.tensor(w_value, dtype=torch.float64, requires_grad=True)
        # One leaf per edge: the gradient of each copy is the partial along that edge.
        copies = [torch.tensor(w_value, dtype=torch.float64, requires_grad=True) for _ in range(steps)]

        def unroll(weights, u=u):
            # h_0 is a leaf too, so that a_1 joins the graph and gets an adjoint.
            h, trace = torch.zeros((), dtype=torch.float64, requires_grad=True), []
            for i in range(steps):
                a = u[i] + h
                h = weights[i] * a
                trace += [a, h]
            return trace

        trace = unroll([w] * steps)
        for node in trace:
            node.retain_grad()
        trace[-1].backward()
        forward_values.append([node.item() for node in trace])
        adjoint_values.append([node.grad.item() for node in trace[:-1]])
        dydw_values.append(w.grad.item())
        unroll(copies)[-1].backward()
        edge_values.append([c.grad.item() for c in copies])

    w, u = w_draws, u_draws
    forward_values = np.array(forward_values)  # (n, 2T)
    adjoint_values = np.array(adjoint_values)  # (n, 2T - 1)
    checks = [
        compare_arrays(
            f"1a.{node.name}", "torch", solution.values[node.name].evaluate(w, u), forward_values[:, k], rtol=EXACT_RTOL
        )
        for k, node in enumerate(solution.nodes)
    ]
    checks.append(compare_arrays("1b", "torch autograd", solution.dydw.evaluate(w, u), dydw_values, rtol=EXACT_RTOL))
    checks += [
        compare_arrays(
            f"1c.{node.name}",
            "torch autograd",
            solution.adjoints[node.name].evaluate(w, u),
            adjoint_values[:, k],
            rtol=EXACT_RTOL,
        )
        for k, node in enumerate(solution.nodes[:-1])
    ]
    exact_edges = np.stack([edge.evaluate(w, u) for edge in solution.edges], axis=1)  # (n, T)
    checks.append(compare_arrays("1d.edges", "torch autograd", exact_edges, np.array(edge_values), rtol=EXACT_RTOL))
    checks.append(
        compare_arrays("1d.total", "torch autograd", solution.total.evaluate(w, u), dydw_values, rtol=EXACT_RTOL)
    )
    return checks


# --------------------------------------------------------------------------- answer key


def _expr_part(poly: LinearPoly, symbols: Iterable[sp.Symbol], **extra) -> Part:
    return Part("expr", poly.to_str(), poly.to_latex(), {"symbols": [str(s) for s in symbols], **extra})


def parts(solution: Solution) -> dict[str, Part]:
    """Every answer, with modelled mistakes (all parts when the graph is written out, T <= 6;
    1b and 1d.total otherwise) and, for 1c/1d, the node names a student may write."""
    symbols = (W, *solution.u_symbols)
    detailed = solution.steps <= DETAIL_LIMIT
    out: dict[str, Part] = {}
    for index, node in enumerate(solution.nodes):
        extra = {"mistakes": forward_mistakes(solution, index)} if detailed else {}
        out[f"1a.{node.name}"] = _expr_part(solution.values[node.name], symbols, **extra)
    out["1b"] = _expr_part(solution.dydw, symbols, mistakes=derivative_mistakes(solution))
    for index, node in enumerate(solution.nodes[:-1]):
        extra = {"chain": chain_rule_text(solution, index)}
        if detailed:
            extra["substitutions"] = substitutions(solution, downstream_of=index)
            extra["mistakes"] = adjoint_mistakes(solution, index)
        out[f"1c.{node.name}"] = _expr_part(solution.adjoints[node.name], (W,), **extra)
    edges_extra = {"node_terms": [edge_node_text(solution, i) for i, _ in solution.mul_nodes]}
    if detailed:
        edges_extra["substitutions"] = substitutions(solution)
        edges_extra["mistakes"] = edge_mistakes(solution)
    out["1d.edges"] = Part(
        "expr_list",
        [edge.to_str() for edge in solution.edges],
        r",\quad ".join(edge.to_latex() for edge in solution.edges),
        {"symbols": [str(s) for s in symbols], **edges_extra},
    )
    total_extra = {"substitutions": substitutions(solution)} if detailed else {}
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
        candidates.append((values[before.name], f"{node.name} = w * {before.name}: the multiplication by w is missing"))
    elif before is not None:
        u_i = LinearPoly.u(node.step)
        candidates.append(
            (u_i, f"{node.name} adds u{node.step} to the previous hidden state {before.name}; that term is missing")
        )
        earlier = solution.upstream(index - 1)
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
    local = "w" if below.kind == "mul" else "1"
    return local if below.name == "y" else f"dy/d{below.name} * {local}"


def edge_node_text(solution: Solution, index: int) -> str:
    """The partial along w's edge into mul node ``index``: ``dy/dq * p``, or ``t`` into y."""
    node, source = solution.nodes[index], solution.nodes[index - 1]
    return source.name if node.name == "y" else f"dy/d{node.name} * {source.name}"


# --------------------------------------------------------------------------- sheet


def view(solution: Solution) -> dict:
    """What the templates show, as LaTeX fragments; prose stays in the templates."""
    from ...render.tex import Tex

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
    gap = {"gap": True}  # rows left out between two shown ones
    forward = []
    for position, index in enumerate(shown):
        if position and index != shown[position - 1] + 1:
            forward.append(gap)
        node, before = nodes[index], solution.upstream(index)
        u_i = sp.latex(solution.u_symbols[node.step - 1])
        if node.kind == "add":
            definition = u_i if before is None else f"{u_i} + {name(before)}"
        else:
            definition = rf"w \cdot {name(before)}"
        forward.append(
            {
                "gap": False,
                "name": name(node),
                "definition": Tex(definition),
                "value": value(solution.values[node.name]),
            }
        )

    backward = []
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

    edges = []
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
        "edge_sum": Tex(
            " + ".join(f"e_{{{e['number']}}}" for e in edges) if detailed else rf"e_1 + e_2 + \dots + e_{{{steps}}}"
        ),
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


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """A variant: the homework's 3 steps (Problem 1 has no numbers to vary), or with
    ``structure: varied`` 3 to 5 steps, so the graph stays readable."""
    if (options or SampleOptions()).structure == "same":
        return Params(steps=SAME_STEPS)
    return Params(steps=int(rng.integers(VARIED_STEPS[0], VARIED_STEPS[1] + 1)))


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    broken = []
    if not 3 <= params.steps <= DETAIL_LIMIT:
        broken.append(f"steps {params.steps} outside 3..{DETAIL_LIMIT}: the graph would not be written out")
    return broken


def features(solution: Solution) -> dict[str, int]:
    return {"steps": solution.steps}


PROBLEM = Problem(
    section="rnn_backprop",
    number=1,
    title="Backprop through a simple RNN",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    view=view,
    sample=sample,
    sample_options=SampleOptions,
    guarantees=guarantees,
    features=features,
    difficulty=DIFFICULTY,
)
