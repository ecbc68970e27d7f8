"""Problem 4's notebook code (standalone NumPy) agrees with solver.nn (the layers every build checks).

Problem 3's notebook is PyTorch: tests/test_rnn_lstm_backends.py holds it against solver.nn.
"""

from __future__ import annotations

import numpy as np
import pytest

from solver.nn import SequenceClassifier, SoftmaxCrossEntropy
from solver.notebooks import classifier

DIRECTIONS = (("rnn", "fwd"), ("reverse", "bwd"))  # solver.nn's stack -> the notebook's suffix


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


@pytest.mark.parametrize("dropout, smoothing, weighted", [(0.0, 0.0, False), (0.4, 0.1, True)])
def test_classifier_forward_and_backward_match_solver_nn(rng, dropout, smoothing, weighted):
    classes, hidden, embedding = 5, 6, 4
    params = classifier.new_classifier(classes, hidden=hidden, embedding=embedding, seed=3)
    model = SequenceClassifier.build(
        len(classifier.ALPHABET), hidden, classes, 1, "lstm", "tanh", embedding, bidirectional=True, rng=rng
    )
    model.load(
        {
            "embedding.weight": params["E"],
            **{f"{part}.0.{name}": params[f"{name}_{direction}"] for part, direction in DIRECTIONS for name in "UWb"},
            "head.weight": params["V_out"].T,
            "head.bias": params["c"],
        }
    )
    codes = rng.integers(0, len(classifier.ALPHABET), (7, 5))
    lengths = np.array([5, 3, 1, 4, 5, 2, 2])
    labels = rng.integers(0, classes, 7)
    weights = rng.uniform(0.5, 2.0, classes) if weighted else None
    logits, cache = classifier.classifier_forward(params, codes, lengths, dropout, np.random.default_rng(8))
    mask = cache[3]
    assert (mask is None) == (dropout == 0.0)
    model.dropout.rate = dropout
    expected_logits, model_ctx = model.forward(codes, lengths, np.random.default_rng(8))  # the same mask
    np.testing.assert_allclose(logits, expected_logits, rtol=1e-12, atol=1e-14)
    loss, d_logits = classifier.cross_entropy(logits, labels, weights, smoothing)
    reference_loss = SoftmaxCrossEntropy(weights, smoothing)
    value, loss_ctx = reference_loss.forward(expected_logits, labels)
    assert loss == pytest.approx(value, rel=1e-12)
    grads = classifier.classifier_backward(params, cache, d_logits)
    expected = model.backward(model_ctx, reference_loss.backward(loss_ctx)).grads
    pairs = [("E", "embedding.weight"), ("V_out", "head.weight"), ("c", "head.bias")]
    pairs += [(f"{name}_{direction}", f"{part}.0.{name}") for part, direction in DIRECTIONS for name in "UWb"]
    assert {ours for ours, _ in pairs} == set(grads) and {theirs for _, theirs in pairs} == set(expected)
    for ours, theirs in pairs:
        got = grads[ours].T if ours == "V_out" else grads[ours]
        np.testing.assert_allclose(got, expected[theirs], rtol=1e-9, atol=1e-13, err_msg=ours)


def test_scores_and_weights_count_by_hand():
    labels = np.array([0, 0, 0, 1])
    assert np.allclose(classifier.language_weights(labels, 2), np.sqrt([4 / 6, 4 / 2]))
    assert classifier.reverse_names(np.array([[1, 2, 3, 0], [4, 5, 6, 7]]), np.array([3, 4])).tolist() == [
        [3, 2, 1, 0],
        [7, 6, 5, 4],
    ]


def test_split_names_keeps_every_language_in_both_parts():
    labels = np.array([0] * 10 + [1] * 3 + [2] * 1)
    train, test = classifier.split_names(labels, fraction=0.2, seed=1)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(labels)))
    assert set(labels[test]) == {0, 1, 2}
    assert set(labels[train]) == {0, 1}  # the one-name language is a test name
