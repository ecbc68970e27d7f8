"""Problem 4: a character-level recurrent network that reads a surname and names its language, on the real data.

The surnames come from the folder given as ``--names-dir``. The classifier is the
solution notebook's: a PyTorch network (two LSTMs, forwards and backwards, beside
a bag of character n-grams; two such networks averaged) whose cells are built from
the parameters and executed once per configuration and data (cached), writing
``submission_log.json`` (format 3, what ``hw6 check`` grades) and its weights.
hw6 reads and splits the data with its own code and recomputes every test
prediction from those weights with its NumPy layers; the sheet reports the
notebook's numbers only when both agree. Without the folder the sheet says how to
get the data and the key marks the metrics as unavailable.

    params        the network, its training and the split; the names shown with predictions
    notebook      the notebook's cells (starter with two TODOs, solution), built from the parameters
    notebook_code the functions those cells hold (PyTorch): reading, split, n-grams, network, training, scores
    run           executing the cells once; the log, and the weights in solver.nn's layout
    solve         the Solution: hw6's split, the notebook's run, NumPy's scores, the sample predictions
    checks        crosscheck (NumPy against the notebook) and oracle_check (torch, :mod:`solver.nn.mirrors`)
    key           the answer key: parts(), the metrics and the written answer on misuse
    sheet         the figures, the submission log and the template variables
    variants      none: every variant keeps the homework's configuration
    data          reading, normalising, deduplicating and splitting the surnames; encoding names
    training      the NumPy network the notebook's weights are loaded into
    evaluation    probabilities, accuracy, balanced and per-language accuracy, confusion, top-k
    figures       the training curve and the confusion matrix as deterministic PDFs
    log           the metrics the key reports
    code_key      the test set and thresholds a student's submission_log.json is graded against

Checks: the notebook's log names exactly hw6's test names and predicts what the
NumPy layers predict from its weights (float64, exactly), with the same scores;
the reported metrics are recomputed from the stored probabilities by a second
route, the probabilities must be distributions, padded batches must give what one
name at a time gives; torch recomputes logits, loss and every parameter gradient
on a batch of test names in float64, and the test predictions with
``torch.nn.LSTM``/``RNN`` (oracle).
"""

from __future__ import annotations

from pathlib import Path

from ...kernel.exports import not_exported
from ...kernel.problem import CodeSubmission, DataFolder, Problem
from .checks import crosscheck, oracle_check
from .code_key import CODE_PART, CODE_TITLE, code_key
from .key import parts
from .params import DEFAULT_SAMPLES, Params
from .sheet import assets, view
from .solve import Solution, cells, solve
from .staff import staff_notes
from .variants import guarantees, sample

SECTION = "names_classifier"

PROBLEM = Problem(
    section=SECTION,
    number=4,
    title="A character-level RNN that guesses a surname's language",
    templates=Path(__file__).with_name("templates"),
    exports=not_exported("its answers are the notebook's results and a written part, which staff grade"),
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
