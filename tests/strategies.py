"""Hypothesis strategies shared by the tests, in one place."""

from __future__ import annotations

from hypothesis import strategies as st

steps = st.integers(min_value=1, max_value=12)
small_fractions = st.fractions(-5, 5, max_denominator=9)
