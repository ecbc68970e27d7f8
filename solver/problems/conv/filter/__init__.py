"""Problem 6 (a) and (b): why convolutions for images, and the filter behind a convolution.

One question per module: :mod:`.params` (what the parameters are), :mod:`.solve`
(the exact solution, on :mod:`..exact` and :mod:`..linsolve`), :mod:`.checks`
(NumPy and torch cross-checks), :mod:`.key` (the answer key and its modelled
mistakes), :mod:`.sheet` (what the templates show), :mod:`.variants` (drawing
variants).
"""

from __future__ import annotations

from ....kernel.problem import Problem
from .checks import crosscheck, oracle_check
from .difficulty import DIFFICULTY, SampleOptions
from .key import parts
from .params import Params
from .sheet import view
from .solve import Solution, solve
from .variants import DEGENERATE, features, guarantees, sample

PROBLEM = Problem(
    section="conv_filter",
    number=6,
    title="Convolutional networks",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    view=view,
    sample=sample,
    sample_options=SampleOptions,
    guarantees=guarantees,
    degenerate=DEGENERATE,
    features=features,
    difficulty=DIFFICULTY,
)

# What tests and other modules import from the package itself.
__all__ = [
    "PROBLEM",
    "Params",
    "Solution",
    "crosscheck",
    "features",
    "guarantees",
    "oracle_check",
    "parts",
    "sample",
    "solve",
    "view",
]
