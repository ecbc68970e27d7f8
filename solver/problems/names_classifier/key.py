"""What Problem 4's answer key holds: the run's metrics (not graded) and the written answer on misuse."""

from __future__ import annotations

import numpy as np

from ...kernel.problem import Part
from ...kernel.rubric import Item, with_rubric
from . import log, notebook
from .solve import Solution, Trained

TARGET_ACCURACY = 0.85  # what the default configuration must reach on the test names ...
TARGET_BALANCED = 0.65  # ... and on average per language
DATA_ARCHIVE = "https://download.pytorch.org/tutorial/data.zip"
UNAVAILABLE = (
    "not computed: the surnames data set was not given. Download "
    f"{DATA_ARCHIVE}, unzip it and run hw6 with --names-dir data/names "
    "(a folder with one <Language>.txt file per language, UTF-8, one surname per line)."
)


def misuse_answer(trained: Trained | None) -> str:
    text = (
        "A surname-to-origin classifier is in effect a guess at a person's ethnicity or nationality, and that is "
        "where the harm lies. Used to sort people, it enables profiling and discrimination: in hiring (screening "
        "applicants by presumed origin), in lending, insurance and housing (refusals and prices), and in policing and "
        "border control (whom to stop, search or investigate), all by where a name seems to come from rather than by "
        "anything the person did; this is unlawful in many places and harmful even when each decision looks small. "
        "It is also unreliable exactly where it would be used: names change with marriage, adoption and migration, "
        "spellings are anglicised, many people carry mixed or double-barrelled names, and a surname says nothing about "
        "citizenship, language, religion or identity. Its confident-looking probabilities hide that it learned the "
        "bias of its data, a scraped and heavily unbalanced list, so its errors fall mostly on the small groups, and "
        "automating decisions with it spreads that bias while making it look objective. Acceptable uses (aggregate "
        "research, help with pronunciation) still need consent, transparency, human review and error rates reported "
        "per group."
    )
    if trained is None:
        return text
    worst = int(np.nanargmin(trained.test.per_class))
    return text + (
        f" In this run the network is right on {100 * trained.test.accuracy:.1f}% of the test names but only "
        f"{100 * trained.test.balanced_accuracy:.1f}% on average per language, and {100 * trained.test.per_class[worst]:.0f}% "
        f"for {trained.languages[worst]} names."
    )


def parts(solution: Solution) -> dict[str, Part]:
    """Problem 4's key; each part and the solution fields it reads:

    4   data     trained (None without the data: the reason instead): log.metrics() of
                 trained.test (accuracy, balanced accuracy, per language, size) and trained.majority
    4a  written  misuse_answer(): a fixed text, plus trained.test's accuracy, balanced accuracy
                 and worst language when there is a run
    """
    trained = solution.trained
    if trained is None:
        four = Part("data", None, extra={"reason": UNAVAILABLE, "source": DATA_ARCHIVE})
    else:
        four = Part(
            "data",
            log.metrics(trained),
            extra={
                "graded_as": "not graded automatically: each student's run gives its own numbers; compare with the reference run",
                "target": {"test_accuracy": TARGET_ACCURACY, "balanced_accuracy": TARGET_BALANCED},
            },
        )
    four = with_rubric(
        four,
        Item(1, "The notebook's submission_log.json handed in, from a run of the student's own classifier."),
        Item(
            1,
            f"The run reaches the notebook's targets: at least {notebook.TARGET_ACCURACY:.0%} test accuracy and "
            f"{notebook.TARGET_BALANCED:.0%} balanced accuracy (mean of the per-language accuracies).",
            wrong=["accuracy measured on training names"],
        ),
    )
    answer = misuse_answer(trained)
    misuse = with_rubric(
        Part("written", answer, extra={"reference": answer}),
        Item(
            1,
            "A concrete misuse: sorting or screening people by presumed ethnicity or nationality, as in hiring, "
            "lending, housing, insurance, policing or border control.",
            accepted=["surveillance or profiling of a group", "targeting of people for harassment"],
            wrong=["only that the model could be inaccurate, with no one harmed"],
        ),
        Item(
            1,
            "Why it harms: the name stands in for origin, which is unfair and often unlawful to act on, and the "
            "guess is unreliable (names change with marriage and migration, many are mixed) while its confident "
            "probabilities hide the bias of its data.",
            accepted=["one of these reasons argued well"],
            wrong=["a restatement of the misuse with no reason"],
        ),
    )
    return {"4": four, "4a": misuse}
