"""The symbolic results of parts (e) and (i), derived and confirmed with SymPy.

(e) For a linear RNN h_t = W_h h_{t-1} + W_x x_t + b with the loss on h_T only,
    dL/dh_t = (W_h^T)^(T-t) dL/dh_T. SymPy differentiates the unrolled network
    with every weight symbolic and compares with the matrix power.
(i) For an LSTM, dL/dC_{T-1} = dL/dC_T * f_T + dL/dh_{T-1} * o_{T-1} * (1 - tanh^2 C_{T-1}).
    SymPy differentiates one step with the gates as arbitrary functions of
    h_{T-1} and the loss as an arbitrary function of h_T, and compares with
    the two-path formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

T_SYMBOL, t_SYMBOL = sp.symbols("T t", integer=True, positive=True)

#: The answer of part (e) as the key stores it: SymPy text in W_h (matrix), g_T = dL/dh_T, T, t.
LINEAR_GRADIENT_TEXT = "W_h.T**(T - t)*g_T"
LINEAR_GRADIENT_LATEX = r"\left(W_h^{\top}\right)^{T-t} \frac{\partial \mathcal{L}}{\partial h_T}"


@dataclass(frozen=True)
class LinearGradientCheck:
    hidden_size: int
    steps: int
    holds: bool  # dL/dh_1 from differentiation equals (W_h^T)^(T-1) dL/dh_T, symbol for symbol
    expression: sp.Expr  # the matrix expression (MatrixSymbols), for printing


@lru_cache(maxsize=8)
def linear_gradient(hidden_size: int = 2, steps: int = 3) -> LinearGradientCheck:
    """Differentiate the unrolled linear RNN with respect to h_1, fully symbolically."""
    W = sp.Matrix(hidden_size, hidden_size, lambda i, j: sp.Symbol(f"w_{i + 1}{j + 1}"))
    W_x = sp.Matrix(hidden_size, 1, lambda i, _: sp.Symbol(f"v_{i + 1}"))
    b = sp.Matrix(hidden_size, 1, lambda i, _: sp.Symbol(f"b_{i + 1}"))
    h1 = sp.Matrix(hidden_size, 1, lambda i, _: sp.Symbol(f"h_{i + 1}"))
    g = sp.Matrix(hidden_size, 1, lambda i, _: sp.Symbol(f"g_{i + 1}"))  # dL/dh_T
    h = h1
    for t in range(2, steps + 1):
        h = W * h + W_x * sp.Symbol(f"x_{t}") + b
    # To first order any loss of h_T is L(h_T) + g . dh_T with g = dL/dh_T (the chain rule).
    loss = (g.T * h)[0, 0]
    gradient = sp.Matrix([sp.diff(loss, s) for s in h1])
    expected = (W.T) ** (steps - 1) * g
    holds = all(sp.expand(entry) == 0 for entry in gradient - expected)
    W_h = sp.MatrixSymbol("W_h", hidden_size, hidden_size)
    g_T = sp.MatrixSymbol("g_T", hidden_size, 1)
    return LinearGradientCheck(hidden_size, steps, holds, sp.MatPow(W_h.T, T_SYMBOL - t_SYMBOL) * g_T)


@dataclass(frozen=True)
class CellGradientCheck:
    holds: bool  # d/dC_{T-1} of the unrolled step equals the two-path formula


@lru_cache(maxsize=1)
def cell_gradient() -> CellGradientCheck:
    """One LSTM step, gates as arbitrary functions of h_{T-1}, loss an arbitrary function of h_T."""
    c_prev, o_prev = sp.symbols("C_prev o_prev")  # C_{T-1}, o_{T-1}
    h = sp.Symbol("h_prev")  # h_{T-1}, to be substituted
    forget, inp, out, cand, loss = (sp.Function(name) for name in ("f", "i", "o", "g", "L"))
    h_prev = sp.tanh(c_prev) * o_prev
    c_T = forget(h_prev) * c_prev + inp(h_prev) * cand(h_prev)
    h_T = sp.tanh(c_T) * out(h_prev)
    derived = sp.diff(loss(h_T), c_prev)

    # The formula, with every factor written out.
    d_loss = sp.Subs(sp.Derivative(loss(h), h), h, h_T).doit()  # L'(h_T)
    d_c_T = d_loss * out(h_prev) * (1 - sp.tanh(c_T) ** 2)  # dL/dC_T
    d = lambda fn: sp.diff(fn(h_prev), c_prev) / sp.diff(h_prev, c_prev)  # fn'(h_{T-1})  # noqa: E731
    d_h_prev = d_c_T * (c_prev * d(forget) + cand(h_prev) * d(inp) + inp(h_prev) * d(cand)) + d_loss * sp.tanh(c_T) * d(
        out
    )
    formula = d_c_T * forget(h_prev) + d_h_prev * o_prev * (1 - sp.tanh(c_prev) ** 2)
    return CellGradientCheck(sp.simplify(sp.expand(derived - formula)) == 0)
