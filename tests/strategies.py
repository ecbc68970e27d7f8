"""Hypothesis strategies shared by the tests, in one place."""

from __future__ import annotations

import itertools
from fractions import Fraction

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


# Beam search: explicit trees of next-token log-probabilities, and seeds for random RNN decoders.

MAX_TREE_SEQUENCES = 256  # M^T of a drawn tree


@st.composite
def beam_trees(draw, *, ties: bool = True, max_vocab: int = 4, max_length: int = 4):
    """(M, T, rows): a row of M exact log-probabilities for every prefix shorter than T."""
    vocab_size = draw(st.integers(1, max_vocab))
    length = draw(st.integers(1, max_length).filter(lambda t: vocab_size**t <= MAX_TREE_SEQUENCES))
    if ties:  # five levels, -1 to 0 in quarters: equal totals are common
        values = st.integers(-4, 0).map(lambda v: Fraction(v, 4))
    else:  # thousandths down to -100: equal totals are rare (tests that need none assume it)
        values = st.integers(-100_000, 0).map(lambda v: Fraction(v, 1000))
    rows = {}
    for t in range(length):
        for prefix in itertools.product(range(vocab_size), repeat=t):
            rows[prefix] = tuple(draw(st.lists(values, min_size=vocab_size, max_size=vocab_size)))
    return vocab_size, length, rows


beam_widths = st.integers(1, 6)
decoder_seeds = st.integers(0, 2**32 - 1)
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
# --------------------------------------------------------------------------- grading


@st.composite
def expressions(draw, depth: int = 3):
    """(text in a student's notation, the same expression built in SymPy): two backends to compare."""
    import sympy as sp

    names = ["w", "u1", "u2"]
    if depth == 0 or draw(st.booleans()):
        if draw(st.booleans()):
            value = draw(st.integers(0, 6))
            return str(value), sp.Integer(value)
        name = draw(st.sampled_from(names))
        return name, sp.Symbol(name, positive=True)
    op = draw(st.sampled_from(["+", "-", "*", "implicit", "^", "/"]))
    left_text, left = draw(expressions(depth - 1))
    if op == "^":
        power = draw(st.integers(0, 3))
        return f"({left_text})^{power}", left**power
    if op == "/":
        divisor_text, divisor = draw(
            st.sampled_from(
                [("2", sp.Integer(2)), ("3", sp.Integer(3))] + [(n, sp.Symbol(n, positive=True)) for n in names]
            )
        )
        return f"({left_text})/{divisor_text}", left / divisor
    right_text, right = draw(expressions(depth - 1))
    if op == "implicit":
        return f"({left_text}) ({right_text})", left * right
    joined = {"+": left + right, "-": left - right, "*": left * right}[op]
    return f"({left_text}) {op} ({right_text})", joined
