"""Hypothesis strategies shared by the tests, in one place."""

from __future__ import annotations

from hypothesis import strategies as st

steps = st.integers(min_value=1, max_value=12)
small_fractions = st.fractions(-5, 5, max_denominator=9)

# Recurrent layers (solver.nn): shapes small enough for exhaustive gradient checks.
recurrent_shapes = st.fixed_dictionaries(
    {
        "batch": st.integers(1, 4),
        "steps": st.integers(1, 6),
        "inputs": st.integers(1, 4),
        "hidden": st.integers(1, 5),
    }
)
nonlinearities = st.sampled_from(("tanh", "relu", "identity"))
torch_rnn_nonlinearities = st.sampled_from(("tanh", "relu"))  # torch.nn.RNN has no identity
cells = st.sampled_from(("rnn", "lstm"))
layer_counts = st.integers(1, 3)
seeds = st.integers(0, 2**32 - 1)
