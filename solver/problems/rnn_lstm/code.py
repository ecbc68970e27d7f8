"""The reference code Problem 3's solutions show: the core lines of the NumPy modules that computed them."""

from __future__ import annotations

from ...nn import layers, losses, models, recurrent
from ...render.listings import region
from ...render.tex import Tex
from .study import gradients


def reference_code() -> dict[str, Tex]:
    """Region name -> its source text (see :mod:`solver.render.listings`)."""
    return {
        "rnn_forward": region(recurrent, "rnn_forward"),
        "rnn_backward": region(recurrent, "rnn_backward"),
        "head_forward": region(layers, "head_forward"),
        "head_backward": region(layers, "head_backward"),
        "mse_forward": region(losses, "mse_forward"),
        "mse_backward": region(losses, "mse_backward"),
        "gradient_tool": region(gradients, "gradient_tool"),
        "lstm_forward": region(recurrent, "lstm_forward"),
        "stacked_forward": region(recurrent, "stacked_forward"),
        "stacked_backward": region(recurrent, "stacked_backward"),
        "regressor_forward": region(models, "regressor_forward"),
    }
