"""The bag of character n-grams: keys against a string-by-string count, the mean, padding."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from solver.nn.ngrams import MISSING, NgramBag, NgramVocabulary, ngram_keys
from solver.problems.names_classifier.data import ALPHABET, encode
from solver.problems.names_classifier.training import CASE_FOLD

names = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=12), min_size=1, max_size=6)


def string_ngrams(name: str, longest: int) -> list[str]:
    """The n-grams as text, the way a reader would list them: "<" and ">" around the name, capitals folded."""
    marked = "<" + name.lower() + ">"
    return [marked[i : i + n] for n in range(1, longest + 1) for i in range(len(marked) - n + 1)]


@given(names, st.integers(1, 5))
def test_keys_are_the_ngrams_of_each_name(batch, longest):
    """Read in order (n, then position), the keys are the names' n-grams, one key per distinct n-gram."""
    codes, lengths = encode(batch)
    keys = ngram_keys(codes, lengths, CASE_FOLD, longest)
    key_of: dict[str, int] = {}
    text_of: dict[int, str] = {}
    for row, name in zip(keys, batch, strict=True):
        found = row[row != MISSING].tolist()
        grams = string_ngrams(name, longest)
        assert len(found) == len(grams), (name, found, grams)
        for key, gram in zip(found, grams, strict=True):
            assert key_of.setdefault(gram, key) == key, (name, gram)
            assert text_of.setdefault(key, gram) == gram, (name, gram)


def test_unknown_ngrams_are_dropped_and_padding_never_counts():
    codes, lengths = encode(["Ivanov", "Ito"])
    vocabulary = NgramVocabulary.fit(codes[:1], lengths[:1], CASE_FOLD, 3)
    assert len(vocabulary) == len(set(string_ngrams("Ivanov", 3)))
    ids = vocabulary.ids(codes, lengths)
    known_for_ito = {g for g in string_ngrams("Ito", 3) if g in set(string_ngrams("Ivanov", 3))}
    assert int((ids[1] != MISSING).sum()) == len([g for g in string_ngrams("Ito", 3) if g in known_for_ito])
    alone = vocabulary.ids(*encode(["Ito"]))
    assert sorted(alone[alone != MISSING].tolist()) == sorted(ids[1][ids[1] != MISSING].tolist())


def test_the_bag_is_the_mean_of_its_rows_and_its_gradient_adds_them_back():
    bag = NgramBag(5, 3, rng=0)
    ids = np.array([[0, 2, 2, MISSING], [MISSING, MISSING, MISSING, MISSING]])
    out, ctx = bag.forward(ids)
    weight = bag.params["weight"]
    np.testing.assert_allclose(out[0], (weight[0] + 2 * weight[2]) / 3)
    assert np.array_equal(out[1], np.zeros(3))  # no known n-gram: zeros
    d_weight = bag.backward(ctx, np.ones((2, 3))).grads["weight"]
    np.testing.assert_allclose(d_weight[[0, 2]], [[1 / 3] * 3, [2 / 3] * 3])
    assert not d_weight[[1, 3, 4]].any()
