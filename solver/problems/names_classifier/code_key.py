"""The key's side of Problem 4's code submission: the test names a student's log is graded against.

A log (``submission_log.json``, format 3) predicts a language for every test name of
the split by distinct name. This section of answers.json says which names those are
(normalised, in the split's order), every language the data lists each under (the one
it is split and counted under first: the rarest, :attr:`.data.NamesData.primary`), the
data's fingerprint and split seed (a log from other data or another split cannot be
graded) and the staff's thresholds. :mod:`solver.engine.code_log` grades against it.
"""

from __future__ import annotations

from typing import Any

from .data import NamesData, Split
from .params import Params
from .solve import Solution

CODE_PART = "4.code"
CODE_TITLE = "The notebook's submission_log.json: test accuracy and balanced accuracy"
LOG_FORMAT = 3  # of the log graded (agreed with the notebook that writes it)


def code_key(solution: Solution) -> dict[str, Any] | None:
    """The test set and thresholds; None without the data (nothing to grade against)."""
    if solution.trained is None:
        return None
    return test_set_key(solution.trained.data, solution.trained.split, solution.params)


def test_set_key(data: NamesData, split: Split, params: Params) -> dict[str, Any]:
    """The section for the test names of ``split`` (the build's: ``training.split_of``)."""
    languages = data.languages
    test = []
    for index in split.test.tolist():
        name = data.names[index]
        counted = int(data.primary[index])
        others = [label for label in data.listed_under[name] if label != counted]
        test.append([name, [languages[label] for label in (counted, *others)]])
    thresholds = params.autograder
    return {
        "format": LOG_FORMAT,
        "data": {
            "fingerprint": data.fingerprint(),
            "split_seed": params.training.split_seed,
            "languages": list(languages),
            "counts": {"train": len(split.train), "validation": len(split.validation), "test": len(split.test)},
        },
        "test": test,
        "thresholds": {
            "accuracy": float(thresholds.accuracy),
            "balanced_accuracy": float(thresholds.balanced_accuracy),
        },
    }
