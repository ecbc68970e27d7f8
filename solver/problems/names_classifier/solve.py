"""How Problem 4 is solved: the data split, the trained classifier, its scores and the sample predictions."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ...io.cache import Cache, cache_key, memoized
from ...kernel.errors import InputWarning
from ...kernel.params import to_jsonable
from ...kernel.problem import BuildContext
from .data import NamesData, Split, encode, load_names, to_ascii
from .evaluation import Evaluation, probabilities, top_k
from .params import Params
from .training import Encoded, TrainedClassifier, run_training, split_of

SOLUTION_KIND = "names_classifier-solution"  # in-process only (see solver.io.cache.memoized)
TOP = 3


@dataclass(frozen=True)
class Sample:
    name: str  # as given (or as in the data)
    normalised: str  # what the network reads
    origin: str  # "test" (a test name), "data" (listed in the data) or "new"
    listed_as: tuple[str, ...]  # the languages the data lists the name under
    probabilities: np.ndarray  # (C,)

    def top(self, languages: tuple[str, ...], k: int = TOP) -> list[tuple[str, float]]:
        return [(languages[c], p) for c, p in top_k(self.probabilities, k)]


@dataclass(frozen=True)
class Trained:
    """Everything computed from the data: the split, the classifier and its scores."""

    data: NamesData
    split: Split
    classifier: TrainedClassifier
    test: Evaluation
    validation: Evaluation
    samples: tuple[Sample, ...]

    @cached_property
    def encoded(self) -> Encoded:
        return Encoded.of(self.data)

    @cached_property
    def model(self):
        return self.classifier.model()  # float64

    @property
    def languages(self) -> tuple[str, ...]:
        return self.data.languages

    @cached_property
    def majority(self) -> tuple[str, float]:
        """The largest language in the training split and the share of the test names listed under it."""
        label = int(np.argmax(np.bincount(self.data.labels[self.split.train], minlength=len(self.languages))))
        assert self.test.listed is not None
        return self.languages[label], float(np.mean(self.test.listed[:, label]))

    @cached_property
    def ambiguous(self) -> int:
        """Names the data lists under more than one language."""
        return sum(1 for languages in self.data.listed_under.values() if len(languages) > 1)


@dataclass(frozen=True)
class Solution:
    params: Params
    trained: Trained | None  # None: no data given
    cache: Cache = field(repr=False, compare=False)


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    context = context or BuildContext()
    cache = Cache(context.cache_dir)
    if (names_dir := context.data_folder("names")) is None:
        return Solution(params, None, cache)
    data = load_names(names_dir)
    if data.skipped:
        read = f"read {len(data.languages)} languages ({', '.join(data.languages)}), {len(data.names)} names"
        warnings.warn(f"{names_dir}: {read}; {data.skipped_text()}", InputWarning, stacklevel=2)
    # Variants share the training configuration, so a batch or stress run evaluates it once.
    key = cache_key(SOLUTION_KIND, {"params": to_jsonable(params), "data": data.fingerprint()})
    trained = memoized(SOLUTION_KIND, key, lambda: _trained(params, data, cache, context.progress))
    return Solution(params, trained, cache)


def _trained(params: Params, data: NamesData, cache: Cache, progress: bool) -> Trained:
    config = params.training
    split = split_of(config, data)
    classifier = run_training(config, data, cache, progress=progress)
    model = classifier.model()
    encoded = Encoded.of(data)

    def evaluation(indices: np.ndarray) -> Evaluation:
        chances = probabilities(model, encoded.codes[indices], encoded.lengths[indices])
        return Evaluation(data.labels[indices], chances, data.listed(indices))

    test = evaluation(split.test)
    samples = _samples(params, data, split, model)
    return Trained(data, split, classifier, test, evaluation(split.validation), samples)


def _samples(params: Params, data: NamesData, split: Split, model) -> tuple[Sample, ...]:
    """Test names of different languages (drawn with the split's seed), then the listed names."""
    rng = np.random.default_rng([params.training.split_seed, 43])
    test_labels = data.labels[split.test]
    languages = rng.permutation(np.unique(test_labels))[: params.test_examples]
    chosen = [(data.names[int(rng.choice(split.test[test_labels == label]))], "test") for label in sorted(languages)]
    listed = data.listed_under
    chosen += [(name, "data" if to_ascii(name) in listed else "new") for name in params.samples]
    normalised = [to_ascii(name) for name, _ in chosen]
    if not chosen:
        return ()
    codes, lengths = encode(normalised)
    probs = probabilities(model, codes, lengths)
    return tuple(
        Sample(name, norm, origin, tuple(data.languages[c] for c in listed.get(norm, ())), probs[k])
        for k, ((name, origin), norm) in enumerate(zip(chosen, normalised, strict=False))
    )
