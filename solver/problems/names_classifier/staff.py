"""What Problem 4's staff report says and its sheet does not: the accuracy target and the files written."""

from __future__ import annotations

from .key import TARGET_ACCURACY
from .sheet import LOG_FILE
from .solve import Solution


def staff_notes(solution: Solution) -> list[str]:
    trained = solution.trained
    if trained is None:
        return ["not solved: no --names-dir was given (the key's 4 is null); this build wrote no sheet for it"]
    accuracy = trained.test.accuracy
    verdict = "reached" if accuracy >= TARGET_ACCURACY else "NOT reached"
    return [
        f"test accuracy {100 * accuracy:.1f}% against the target of at least {100 * TARGET_ACCURACY:.0f}%: {verdict}",
        f"data fingerprint {trained.data.fingerprint()}; the build also wrote {LOG_FILE} (an example of the log "
        "students hand in)",
    ]
