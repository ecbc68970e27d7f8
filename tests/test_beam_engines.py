"""The two beam-search engines: properties on random trees and random RNN decoders, and their agreement."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solver.problems.beam_search.engine import batched, decoders, tree

from .strategies import beam_trees, beam_widths, decoder_seeds


def lookup(rows):
    return rows.__getitem__


def scaled_decoder(rows, vocab_size):
    """The tree as float64 in units of 1/1000 (integers: float sums exact, ties stay ties)."""
    return decoders.TreeDecoder({p: [float(v * 1000) for v in row] for p, row in rows.items()}, vocab_size)


def exact_table(step: tree.Step, scale: int = 1):
    return [h.tokens for h in step.kept], [float(h.logprob * scale) for h in step.kept], step.tie_at_cut


def batched_table(step: batched.BatchedStep):
    return [tuple(s) for s in step.sequences.tolist()], step.scores.tolist(), step.tie_at_cut


def all_totals_distinct(rows, vocab_size, length) -> bool:
    """No two sequences of the same length (any length up to T) have equal totals."""
    for t in range(1, length + 1):
        totals = [h.logprob for h in tree.exhaustive(lookup(rows), vocab_size, t)]
        if len(set(totals)) != len(totals):
            return False
    return True


# --------------------------------------------------------------------------- the tree engine


@settings(max_examples=150)
@given(beam_trees(), st.integers(0, 3))
def test_a_beam_as_wide_as_the_tree_returns_the_exhaustive_top_k(drawn, extra):
    vocab_size, length, rows = drawn
    width = vocab_size ** (length - 1) + extra  # nothing is pruned before the last step
    final = tree.beam_search(lookup(rows), width, length)[-1]
    assert list(final.kept) == list(tree.exhaustive(lookup(rows), vocab_size, length)[:width])


@settings(max_examples=150)
@given(beam_trees())
def test_width_one_is_greedy_decoding(drawn):
    vocab_size, length, rows = drawn
    steps = tree.beam_search(lookup(rows), 1, length)
    path = tree.greedy(lookup(rows), length)
    assert [step.kept[0] for step in steps] == list(path)


@settings(max_examples=150)
@given(beam_trees(ties=False), beam_widths)
def test_the_two_stage_pseudocode_keeps_the_same_set_without_ties(drawn, width):
    """Top k tokens per hypothesis, then top k of the k^2: the same as top k of all k*M."""
    vocab_size, length, rows = drawn
    assume(all_totals_distinct(rows, vocab_size, length))
    one_stage = [{h.tokens for h in step.kept} for step in tree.beam_search(lookup(rows), width, length)]
    two_stage = [{h.tokens for h in kept} for kept in tree.two_stage_beam_search(lookup(rows), width, length)]
    assert one_stage == two_stage


@settings(max_examples=100)
@given(beam_trees(ties=True), beam_widths)
def test_the_two_stage_pseudocode_agrees_with_ties_too_under_the_shared_rule(drawn, width):
    """With one total order (the tie rule), a candidate outside its parent's top k has k better siblings."""
    vocab_size, length, rows = drawn
    one_stage = [step.kept for step in tree.beam_search(lookup(rows), width, length)]
    assert one_stage == list(tree.two_stage_beam_search(lookup(rows), width, length))


def test_the_tie_rule_prefers_earlier_tokens_from_the_first_one():
    # [0 1] and [1 0] both total -1: [0 1] ranks first because its first token comes earlier,
    # although its last token comes later; [0 0] and [1 1] tie the same way at -3.5.
    rows = {
        (): (Fraction(-1, 2), Fraction(-1, 2)),
        (0,): (Fraction(-3), Fraction(-1, 2)),
        (1,): (Fraction(-1, 2), Fraction(-3)),
    }
    first, second = tree.beam_search(lookup(rows), 2, 2)
    assert [h.tokens for h in second.ranked] == [(0, 1), (1, 0), (0, 0), (1, 1)]
    assert not first.tie_at_cut and not second.tie_at_cut  # k = 2 keeps both of each tied pair
    narrow, _ = tree.beam_search(lookup(rows), 1, 2)
    assert narrow.kept[0].tokens == (0,) and narrow.tie_at_cut
    numeric = batched.beam_search(scaled_decoder(rows, 2), 2, 2).steps
    assert [tuple(s) for s in numeric[1].sequences.tolist()] == [(0, 1), (1, 0)]
    assert batched.beam_search(scaled_decoder(rows, 2), 1, 2).steps[0].tie_at_cut


# --------------------------------------------------------------------------- the batched engine


@settings(max_examples=150)
@given(beam_trees(ties=True), beam_widths)
def test_the_engines_return_the_same_tables_on_trees(drawn, width):
    vocab_size, length, rows = drawn
    exact = tree.beam_search(lookup(rows), width, length)
    numeric = batched.beam_search(scaled_decoder(rows, vocab_size), width, length)
    for exact_step, numeric_step in zip(exact, numeric.steps, strict=True):
        assert exact_table(exact_step, 1000) == batched_table(numeric_step)
        assert [float(h.logprob * 1000) for h in exact_step.candidates] == numeric_step.candidates.reshape(-1).tolist()
    assert numeric.candidates_scored == sum(len(step.candidates) for step in exact) <= length * width * vocab_size


@settings(max_examples=100)
@given(beam_trees(ties=True))
def test_brute_force_ranks_like_the_exhaustive_search(drawn):
    vocab_size, length, rows = drawn
    sequences, totals = batched.brute_force(
        {p: np.array([float(v * 1000) for v in row]) for p, row in rows.items()}, vocab_size, length
    )
    ranking = tree.exhaustive(lookup(rows), vocab_size, length)
    assert [tuple(s) for s in sequences.tolist()] == [h.tokens for h in ranking]
    assert totals.tolist() == [float(h.logprob * 1000) for h in ranking]


def rnn_rows(model: decoders.TinyRNN, length: int) -> dict:
    """Every prefix's row, each run from the start: the tree engine's view of the decoder."""
    import itertools

    return {
        prefix: tuple(model.prefix_log_probs(prefix).tolist())
        for t in range(length)
        for prefix in itertools.product(range(model.vocab_size), repeat=t)
    }


@settings(max_examples=50)
@given(decoder_seeds, st.integers(2, 6), st.integers(1, 4), beam_widths)
def test_the_engines_agree_on_random_rnn_decoders(seed, vocab_size, length, width):
    model = decoders.TinyRNN.random(vocab_size, seed, hidden_size=8, embed_size=4)
    exact = tree.beam_search(lookup(rnn_rows(model, length)), width, length)
    numeric = batched.beam_search(model, width, length)
    for exact_step, numeric_step in zip(exact, numeric.steps, strict=True):
        assert [h.tokens for h in exact_step.kept] == [tuple(s) for s in numeric_step.sequences.tolist()]
        np.testing.assert_allclose(numeric_step.scores, [h.logprob for h in exact_step.kept], rtol=1e-12)


@settings(max_examples=50)
@given(decoder_seeds, st.integers(2, 6), st.integers(1, 4))
def test_width_one_is_greedy_on_random_rnn_decoders(seed, vocab_size, length):
    model = decoders.TinyRNN.random(vocab_size, seed, hidden_size=8, embed_size=4)
    path = tree.greedy(lookup(rnn_rows(model, length)), length)
    numeric = batched.beam_search(model, 1, length)
    assert [tuple(step.sequences[0].tolist()) for step in numeric.steps] == [h.tokens for h in path]


@settings(max_examples=200)
@given(st.lists(st.integers(-3, 0), min_size=1, max_size=40), st.integers(1, 12), st.randoms(use_true_random=False))
def test_partial_selection_matches_a_full_sort_with_ties(values, k, random):
    scores = np.array(values, dtype=np.float64)
    order = np.array(random.sample(range(1000), len(values)), dtype=np.int64)  # distinct tie-break positions
    chosen, tie = batched.NumpySelection().top_k(scores, order, k)
    expected = sorted(range(len(values)), key=lambda i: (-values[i], order[i]))[:k]
    assert chosen.tolist() == expected
    assert tie == (
        k < len(values) and values[expected[-1]] in [values[i] for i in range(len(values)) if i not in expected]
    )


def test_nan_from_a_decoder_is_refused():
    decoder = decoders.PrefixDecoder(2, lambda prefixes: np.full((len(prefixes), 2), np.nan))
    with pytest.raises(ValueError, match="NaN"):
        batched.beam_search(decoder, 2, 1)


def test_the_demo_rnn_takes_ten_thousand_tokens():
    model = decoders.TinyRNN.random(10_000, 0)
    result = batched.beam_search(model, 16, 3, record=False)
    assert result.steps[-1].sequences.shape == (16, 3)
    assert np.all(np.diff(result.steps[-1].scores) <= 0)
    np.testing.assert_allclose(np.exp(model.log_probs(model.start())).sum(), 1.0)
    with pytest.raises(ValueError):
        decoders.TinyRNN.random(10_001, 0)


def test_precomputed_decoder_feeds_each_step_its_table():
    table = np.log(np.full((3, 4, 5), 0.2))
    table[1, 0, 3] = np.log(0.6)
    result = batched.beam_search(decoders.PrecomputedDecoder(table), 4, 3)
    assert result.steps[1].sequences[0].tolist() == [0, 3]


# --------------------------------------------------------------------------- torch


@settings(max_examples=100)
@given(beam_trees(ties=True), beam_widths)
def test_torch_topk_engine_matches_numpy_with_ties(torch, drawn, width):
    vocab_size, length, rows = drawn
    decoder = scaled_decoder(rows, vocab_size)
    numpy_run = batched.beam_search(decoder, width, length)
    torch_run = batched.beam_search(decoder, width, length, backend="torch")
    assert [batched_table(s) for s in numpy_run.steps] == [batched_table(s) for s in torch_run.steps]


@settings(max_examples=15)
@given(decoder_seeds, st.integers(2, 50), st.integers(1, 5), beam_widths)
def test_torch_topk_engine_matches_numpy_on_rnn_decoders(torch, seed, vocab_size, length, width):
    model = decoders.TinyRNN.random(vocab_size, seed, hidden_size=8, embed_size=4)
    numpy_run = batched.beam_search(model, width, length)
    torch_run = batched.beam_search(model, width, length, backend="torch")
    for a, b in zip(numpy_run.steps, torch_run.steps, strict=True):
        assert a.sequences.tolist() == b.sequences.tolist() and a.scores.tolist() == b.scores.tolist()
