"""Problem 1: backprop through the 1-D linear RNN  h_t = w (u_t + h_{t-1}),  h_0 = 0,  y = h_T.

One question per module: :mod:`.params` (what the parameters are), :mod:`.solve`
(the exact solution, on the polynomial engine of :mod:`.poly`), :mod:`.checks`
(NumPy and torch cross-checks), :mod:`.key` (the answer key and its modelled
mistakes), :mod:`.sheet` (what the templates show), :mod:`.variants` (drawing
variants).
"""

from __future__ import annotations

from ...kernel.problem import Problem
from .checks import crosscheck, oracle_check
from .difficulty import DIFFICULTY, SampleOptions
from .key import parts
from .params import Params
from .poly import LinearPoly, W
from .sheet import view
from .solve import Solution, naive_solve, solve
from .variants import features, guarantees, sample

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

# What tests, benchmarks and other modules import from the package itself.
__all__ = [
    "PROBLEM",
    "LinearPoly",
    "Params",
    "Solution",
    "W",
    "crosscheck",
    "features",
    "guarantees",
    "naive_solve",
    "oracle_check",
    "parts",
    "sample",
    "solve",
    "view",
]
