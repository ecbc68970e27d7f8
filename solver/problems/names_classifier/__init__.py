"""Problem 4: a character-level recurrent network that reads a surname and names its language, on the real data.

The surnames come from the folder given as ``--names-dir`` (:mod:`.data`:
normalised like the PyTorch tutorial, deduplicated, split by language with a
seed). The network is :class:`solver.nn.SequenceClassifier` (NumPy,
hand-written backward); training and its figures are cached under the
configuration and the data's fingerprint. Without the folder the sheet says
how to get the data and the key marks the metrics as unavailable.

    params      the network, its training and the split; the names shown with predictions
    solve       the Solution: the split, the trained classifier, its scores, the sample predictions
    checks      crosscheck (NumPy) and oracle_check (torch, :mod:`solver.nn.mirrors`)
    key         the answer key: parts(), the metrics and the written answer on misuse
    sheet       the figures, the submission log and the template variables
    variants    none: every variant keeps the homework's configuration
    data        reading, normalising, deduplicating and splitting the surnames; encoding names
    training    length-grouped batches, training with the cache
    evaluation  probabilities, accuracy, balanced and per-language accuracy, confusion, top-k
    figures     the training curve and the confusion matrix as deterministic PDFs
    log         submission_log.json: a self-describing record of the run
    notebook    the cells of the homework's notebook (the training loop is the student's)
    code_key    the test set and thresholds a student's submission_log.json is graded against

Checks: the reported metrics are recomputed from the stored probabilities by a
second route, the probabilities must be distributions, padded batches must give
what one name at a time gives (NumPy, every build); torch recomputes logits,
loss and every parameter gradient on a batch of test names in float64, and the
test predictions with ``torch.nn.LSTM``/``RNN`` (oracle).
"""

from __future__ import annotations

from ...kernel.problem import CodeSubmission, DataFolder, Problem
from .checks import crosscheck, oracle_check
from .code_key import CODE_PART, CODE_TITLE, code_key
from .key import parts
from .notebook import cells
from .params import DEFAULT_SAMPLES, Params
from .sheet import assets, view
from .solve import Solution, solve
from .staff import staff_notes
from .variants import guarantees, sample

SECTION = "names_classifier"

PROBLEM = Problem(
    section=SECTION,
    number=4,
    title="A character-level RNN that guesses a surname's language",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    assets=assets,
    view=view,
    sample=sample,
    guarantees=guarantees,
    data_folders=(
        DataFolder(option="names-dir", key="names", help="folder of surname files for Problem 4", required=True),
    ),
    notebook=cells,
    staff_notes=staff_notes,
    code_submission=CodeSubmission(part=CODE_PART, title=CODE_TITLE, key=code_key),
)

__all__ = [
    "DEFAULT_SAMPLES",
    "PROBLEM",
    "SECTION",
    "Params",
    "Solution",
    "assets",
    "crosscheck",
    "oracle_check",
    "parts",
    "solve",
    "view",
]
