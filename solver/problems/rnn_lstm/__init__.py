"""Problem 3: implementing RNNs and LSTMs, vanishing and exploding gradients, stacked networks.

The layers are :mod:`solver.nn` (NumPy, hand-written backward passes); the
experiments are in :mod:`.study`. Reference values of the test input come from
40-digit arithmetic, the identities of (e) and (i) from SymPy, and every
measured number is checked again: central differences and matrix powers in
NumPy on every build, torch autograd and ``torch.nn.RNN``/``LSTM`` in the
oracle. Training (k) and the figures are cached under ``context.cache_dir``.

    params     the parameters: test input (a)-(c), gradient study (d)-(j), training (k)
    solve      the Solution and the numbers the written answers cite
    checks     crosscheck (NumPy) and oracle_check (torch)
    key        the answer key: parts() and the written reference answers
    sheet      the figures and the template variables
    variants   sample() and guarantees()
    notebook   the cells of the homework's notebook (sections 1A-1D, 1.H, 1.K)
    study/     data, testcases, gradients, derivations, training: the experiments themselves
"""

from __future__ import annotations

from pathlib import Path

from ...kernel.problem import Problem
from .checks import crosscheck, oracle_check
from .export import EXPORTS
from .key import parts
from .params import Params
from .sheet import assets, view
from .solve import Solution, cells, solve
from .staff import staff_notes
from .variants import DEGENERATE, guarantees, sample

PROBLEM = Problem(
    section="rnn_lstm",
    number=3,
    title="Implementing RNNs and LSTMs",
    templates=Path(__file__).with_name("templates"),
    exports=EXPORTS,
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    assets=assets,
    view=view,
    sample=sample,
    guarantees=guarantees,
    degenerate=DEGENERATE,
    notebook=cells,
    staff_notes=staff_notes,
)

__all__ = [
    "PROBLEM",
    "Params",
    "Solution",
    "assets",
    "crosscheck",
    "guarantees",
    "oracle_check",
    "parts",
    "sample",
    "solve",
    "view",
]
