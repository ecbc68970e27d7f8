"""Neural-network layers in NumPy with hand-written backward passes (torch is only the test oracle).

Every layer and model has ``params`` / ``named_parameters()`` (name -> array),
``forward(...) -> (output, ctx)`` and ``backward(ctx, d_out) -> Backward``
(``d_input``, ``grads`` by parameter name, and for recurrent layers
``d_hidden``/``d_cell``: the total dL/dh_t and dL/dC_t at every step).
Batches are rows: sequences are (B, T, D), hidden states (B, H).

    Linear, Embedding, one_hot, Dropout    per-step maps, token inputs, dropout (training only)
    RNN, LSTM, Stacked, LastStep           recurrent layers, stacks, last state of padded sequences
    SequenceRegressor, SequenceClassifier  assembled models (Problems 3 and 4); Ensemble averages classifiers
    ngrams.NgramVocabulary, NgramBag       a bag of character n-grams beside the recurrent states
    MSELoss, SoftmaxCrossEntropy           losses with backward
    Adam, train, cosine_schedule, History  optimisation (progress: solver.io.progress)
    fit, cached_fit(s), Schedule, Fitted   the training recipe Problems 3 and 4 share
    mirrors                                the same layers and models in torch, for the oracle checks

Bad inputs (shapes, unknown nonlinearities, T < 1, NaN) raise
:class:`solver.kernel.errors.LayerUsageError` naming the argument and the shape
expected. It is a programming error, not an ``Hw6Error``: parameters are
validated before they reach a layer. The one user-caused failure inside a
layer, weights that diverge during training, becomes
:class:`solver.kernel.errors.TrainingDiverged` (see :func:`train`).
"""

from .core import NONLINEARITIES, Backward, Module
from .layers import Dropout, Embedding, LastStep, Linear, one_hot, reversed_within, sub_parameters
from .losses import MSELoss, SoftmaxCrossEntropy
from .models import Ensemble, SequenceClassifier, SequenceRegressor
from .optim import Adam
from .recurrent import LSTM, LSTM_GATES, RNN, Stacked
from .train import Fitted, History, Schedule, cached_fit, cached_fits, cosine_schedule, fit, float64_weights, train

__all__ = [
    "LSTM",
    "LSTM_GATES",
    "NONLINEARITIES",
    "RNN",
    "Schedule",
    "Adam",
    "Backward",
    "Dropout",
    "Embedding",
    "Ensemble",
    "Fitted",
    "History",
    "LastStep",
    "Linear",
    "MSELoss",
    "Module",
    "SequenceClassifier",
    "SequenceRegressor",
    "SoftmaxCrossEntropy",
    "Stacked",
    "cached_fit",
    "cached_fits",
    "fit",
    "float64_weights",
    "one_hot",
    "reversed_within",
    "cosine_schedule",
    "sub_parameters",
    "train",
]
