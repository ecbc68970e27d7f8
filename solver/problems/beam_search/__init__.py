"""Problem 2: beam search over a decoder's tree of next-token log-probabilities.

The exact answers come from :mod:`.engine.tree` on Fractions; the cross-checks
run the batched engine (:mod:`.engine.batched`, NumPy on every build,
torch.topk in the oracle) and a brute force over all M^T sequences, which must
reproduce the same tables, optimum and greedy path.

One question per module: :mod:`.params` (what the parameters are), :mod:`.solve`
(the exact solution), :mod:`.checks` (the engine cross-checks), :mod:`.key` (the
answer key and its modelled mistakes), :mod:`.sheet` and :mod:`.figure` (what the
templates show), :mod:`.variants` (drawing variants); :mod:`.engine` holds the
searches themselves.
"""

from __future__ import annotations

from ...kernel.problem import Problem
from .checks import crosscheck, oracle_check
from .difficulty import DIFFICULTY
from .key import parts
from .params import SECTION, Params
from .sheet import view
from .solve import Solution, solve
from .variants import SampleOptions, features, guarantees, sample

PROBLEM = Problem(
    section=SECTION,
    number=2,
    title="Beam search",
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
    "Params",
    "SampleOptions",
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
