"""Hypothesis strategies shared by the tests, in one place."""

from __future__ import annotations

from hypothesis import strategies as st

steps = st.integers(min_value=1, max_value=12)
small_fractions = st.fractions(-5, 5, max_denominator=9)


@st.composite
def conv1d_cases(draw, max_signal: int = 9, max_filter: int = 4):
    """(signal, filter, stride, padding) of small integers with n + 2p >= K."""
    kernel = draw(st.lists(st.integers(-4, 4), min_size=1, max_size=max_filter))
    padding = draw(st.integers(0, 2))
    signal = draw(st.lists(st.integers(-4, 4), min_size=max(1, len(kernel) - 2 * padding), max_size=max_signal))
    stride = draw(st.integers(1, 3))
    return signal, kernel, stride, padding


@st.composite
def transpose_cases(draw):
    """(input, filter, stride, padding), 1-D lists or 2-D lists of rows, whose output keeps an entry."""
    two_d = draw(st.booleans())
    stride = draw(st.integers(1, 3))

    def array(max_side: int):
        if two_d:
            rows, cols = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
            return [draw(st.lists(st.integers(-4, 4), min_size=cols, max_size=cols)) for _ in range(rows)]
        return draw(st.lists(st.integers(-4, 4), min_size=1, max_size=2 * max_side))

    x, w = array(3), array(3)
    sizes = [(len(x), len(w)), (len(x[0]), len(w[0]))] if two_d else [(len(x), len(w))]
    largest = min(((n - 1) * stride + k - 1) // 2 for n, k in sizes)
    padding = draw(st.integers(0, min(2, largest)))
    return x, w, stride, padding
