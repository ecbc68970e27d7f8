"""The final numbers of a solved run that the answer key reports: the test names' scores, rounded.

``submission_log.json`` itself (format 3, the one ``hw6 check`` grades) is written
by the notebook's last cell (:mod:`.notebook`); the build ships those bytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .solve import Trained

SIGNIFICANT = 6


def rounded(value: float) -> float:
    return float(f"{float(value):.{SIGNIFICANT}g}")


def metrics(trained: Trained) -> dict[str, Any]:
    """The test names' scores, rounded (the key's part 4 and the log's ``final``)."""
    test = trained.test
    return {
        "test_accuracy": rounded(test.accuracy),
        "balanced_accuracy": rounded(test.balanced_accuracy),
        "per_language": {
            language: rounded(test.per_class[c])
            for c, language in enumerate(trained.languages)
            if not np.isnan(test.per_class[c])
        },
        "test_names": int(len(test.labels)),
        "majority_baseline": rounded(trained.majority[1]),
    }
