"""What Problem 4's staff report says and its sheet does not: the accuracy target and the files written."""

from __future__ import annotations

from .key import TARGET_ACCURACY, TARGET_BALANCED
from .sheet import LOG_FILE
from .solve import Solution


def staff_notes(solution: Solution) -> list[str]:
    trained = solution.trained
    if trained is None:
        return ["not solved: no --names-dir was given (the key's 4 is null); this build wrote no sheet for it"]

    def verdict(value: float, target: float) -> str:
        return f"{100 * value:.1f}% against at least {100 * target:.0f}%: " + (
            "reached" if value >= target else "NOT reached"
        )

    run = trained.classifier
    timing = run.timing
    return [
        f"test accuracy {verdict(trained.test.accuracy, TARGET_ACCURACY)}; balanced accuracy "
        f"{verdict(trained.test.balanced_accuracy, TARGET_BALANCED)} (the solution notebook's PyTorch run, "
        "recomputed by the NumPy layers from its saved weights)",
        f"{len(run.weights)} network(s) trained in the solution notebook in {timing['cpu_seconds']:.0f} CPU s "
        f"({timing['wall_seconds']:.0f} s wall) when it ran; builds with the same Problem 4 parameters read that run "
        "from the cache",
        f"data fingerprint {trained.data.fingerprint()}; {LOG_FILE} is the solution notebook's own log (format 3, "
        "the format the starter notebook writes and hw6 check grades)",
    ]
