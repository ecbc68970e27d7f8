"""How Problem 4 is solved: the notebook's run, and hw6's own reading of the data, split and scores.

The classifier is the solution notebook's (PyTorch, :mod:`.notebook`): its cells are
built here and executed once (:mod:`.run`). hw6 reads the data and splits it with its
own code (:mod:`.data`) and recomputes every test prediction from the notebook's
saved weights with its NumPy layers (float64); :mod:`.checks` requires both to agree.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ...io.cache import Cache, cache_key, memoized
from ...kernel.errors import InputWarning
from ...kernel.params import to_jsonable
from ...kernel.problem import BuildContext
from ...notebooks.cells import Cell
from .data import NamesData, Split, encode, folder_facts, load_names, to_ascii
from .evaluation import Evaluation, probabilities, top_k
from .notebook import DataFacts, problem_cells
from .params import Params
from .run import NotebookRun, execute
from .training import Encoded, split_of

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
    classifier: NotebookRun  # the notebook's run: its log, its weights in NumPy
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
    cells: tuple[Cell, ...] = field(default=(), repr=False, compare=False)  # Problem 4's notebook cells


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    context = context or BuildContext()
    cache = Cache(context.cache_dir)
    if (names_dir := context.data_folder("names")) is None:
        return Solution(params, None, cache)  # no cells: the notebook leaves Problem 4 out
    data = load_names(names_dir)
    if data.skipped:
        read = f"read {len(data.languages)} languages ({', '.join(data.languages)}), {len(data.names)} names"
        warnings.warn(f"{names_dir}: {read}; {data.skipped_text()}", InputWarning, stacklevel=2)
    # Variants share the training configuration, so a batch or stress run evaluates it once.
    key = cache_key(SOLUTION_KIND, {"params": to_jsonable(params), "data": data.fingerprint()})
    cells, trained = memoized(SOLUTION_KIND, key, lambda: _trained(params, data, cache, names_dir))
    return Solution(params, trained, cache, cells)


def _trained(params: Params, data: NamesData, cache: Cache, names_dir: Path) -> tuple[tuple[Cell, ...], Trained]:
    config = params.training
    split = split_of(config, data)
    cells = tuple(problem_cells(params, DataFacts(*folder_facts(names_dir)), shown_names(params, data, split)))
    classifier = execute(list(cells), cache, {"names": names_dir}, config)
    model = classifier.model()  # NumPy, float64
    encoded = Encoded.of(data)

    def evaluation(indices: np.ndarray) -> Evaluation:
        chances = probabilities(model, encoded.codes[indices], encoded.lengths[indices])
        return Evaluation(data.labels[indices], chances, data.listed(indices))

    test = evaluation(split.test)
    samples = _samples(params, data, split, model)
    return cells, Trained(data, split, classifier, test, evaluation(split.validation), samples)


def _chosen(params: Params, data: NamesData, split: Split) -> list[tuple[str, str]]:
    """Test names of different languages (drawn with the split's seed), then the parameters' names; with
    where each comes from: "test", "data" (listed in the data) or "new"."""
    rng = np.random.default_rng([params.training.split_seed, 43])
    test_labels = data.labels[split.test]
    languages = rng.permutation(np.unique(test_labels))[: params.test_examples]
    chosen = [(data.names[int(rng.choice(split.test[test_labels == label]))], "test") for label in sorted(languages)]
    listed = data.listed_under
    return chosen + [(name, "data" if to_ascii(name) in listed else "new") for name in params.samples]


def shown_names(params: Params, data: NamesData, split: Split) -> tuple[str, ...]:
    """The names the notebook shows with their top-3 predictions."""
    return tuple(name for name, _ in _chosen(params, data, split))


def _samples(params: Params, data: NamesData, split: Split, model) -> tuple[Sample, ...]:
    """The shown names with the NumPy model's probabilities."""
    chosen = _chosen(params, data, split)
    listed = data.listed_under
    normalised = [to_ascii(name) for name, _ in chosen]
    if not chosen:
        return ()
    codes, lengths = encode(normalised)
    probs = probabilities(model, codes, lengths)
    return tuple(
        Sample(name, norm, origin, tuple(data.languages[c] for c in listed.get(norm, ())), probs[k])
        for k, ((name, origin), norm) in enumerate(zip(chosen, normalised, strict=False))
    )


def cells(solution: Solution) -> list[Cell]:
    """The cells the solve step executed (none without the data: the notebook leaves Problem 4 out)."""
    return list(solution.cells)
