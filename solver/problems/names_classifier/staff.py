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

    classifier = trained.classifier
    each = ", ".join(f"{network.seconds:.0f} s" for network in classifier.networks)
    timing = "read from the cache" if classifier.cached else f"trained in {each} (at the same time where cores allow)"
    return [
        f"test accuracy {verdict(trained.test.accuracy, TARGET_ACCURACY)}; balanced accuracy "
        f"{verdict(trained.test.balanced_accuracy, TARGET_BALANCED)}",
        f"{len(classifier.networks)} network(s), {timing}",
        f"data fingerprint {trained.data.fingerprint()}; the build also wrote {LOG_FILE} (an example of the log "
        "students hand in)",
    ]
