"""How Problem 1's answers are checked: NumPy on every build, torch autograd in the oracle.

Both evaluate the exact polynomials at a few random points and compare them with
running the recurrence, forward-mode tangents and central differences (NumPy),
or autograd on the same unrolled graph (torch).
"""

from __future__ import annotations

import numpy as np

from ...kernel.checks import Check, compare_arrays, import_torch
from .solve import Solution

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
    forward_values: list[list[float]] = []
    adjoint_values: list[list[float]] = []
    edge_values: list[list[float]] = []
    dydw_values: list[float] = []
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
    forward_table = np.array(forward_values)  # (n, 2T)
    adjoint_table = np.array(adjoint_values)  # (n, 2T - 1)
    checks = [
        compare_arrays(
            f"1a.{node.name}", "torch", solution.values[node.name].evaluate(w, u), forward_table[:, k], rtol=EXACT_RTOL
        )
        for k, node in enumerate(solution.nodes)
    ]
    checks.append(compare_arrays("1b", "torch autograd", solution.dydw.evaluate(w, u), dydw_values, rtol=EXACT_RTOL))
    checks += [
        compare_arrays(
            f"1c.{node.name}",
            "torch autograd",
            solution.adjoints[node.name].evaluate(w, u),
            adjoint_table[:, k],
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
