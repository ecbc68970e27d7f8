"""Problem 3's rubrics for the parts graded by hand, 3(d) to 3(j), with this variant's measured numbers.

The study's numbers come from the key's own ``3d`` and ``3e`` entries, so a rubric quotes what the
solution sheet prints; the expected answers say the same as the sheet's, shorter.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...kernel.problem import Part
from ...kernel.rubric import Item, with_rubric


def _ratio(runs: Mapping[str, Mapping[str, object]], name: str) -> str:
    return f"{runs[name]['grad_ratio']:.3g}"


def attach(parts: dict[str, Part]) -> dict[str, Part]:
    """``parts`` with a rubric on each of 3(d)-(j)."""
    runs = parts["3d"].value
    slopes = parts["3e"].extra["measured_slope"]
    radii = parts["3e"].extra["log_spectral_radius"]
    out = dict(parts)
    out["3d"] = with_rubric(
        parts["3d"],
        Item(
            1,
            "A plot of the gradient norm ||dL/dh_t|| against t, on a logarithmic axis, from the student's tool.",
            accepted=["one plot per setting", "the hidden-state norm ||h_t|| plotted beside it"],
            wrong=["a plot of the training loss or of the weights", "a linear axis on which the decay cannot be seen"],
        ),
        Item(
            1,
            "Settings that show both effects, e.g. a linear network whose W_h has spectral radius below 1 (the "
            f"gradient shrinks: ||dL/dh_1|| / ||dL/dh_T|| = {_ratio(runs, 'linear_small')} here) and above 1 "
            f"(it grows: {_ratio(runs, 'linear_large')}).",
            accepted=["scaling the weights up and down by hand", "a long sequence with tanh for the vanishing case"],
            wrong=["only one of the two effects shown"],
        ),
    )
    out["3e"] = with_rubric(
        parts["3e"],
        Item(
            1,
            "dL/dh_t = (W_h^T)^(T-t) dL/dh_T: the gradient is multiplied by W_h^T once per step back.",
            accepted=["W_h^(T-t) dL/dh_T without the transpose", "the product written out step by step"],
            wrong=["the exponent t instead of T - t", "a sum over steps (that is dL/dW, not dL/dh_t)"],
        ),
        Item(
            1,
            "Vanishing when the spectral radius (largest eigenvalue magnitude) of W_h is below 1, exploding when it "
            "is above 1.",
            accepted=["the largest singular value or a matrix norm instead of the spectral radius"],
            wrong=["a condition on the inputs or the sequence length alone", "the sign of the weights"],
        ),
        Item(
            1,
            "Checked with the tool: log ||dL/dh_t|| changes linearly in T - t, with a slope near the log of the "
            f"spectral radius (measured {slopes[0]:.3g} and {slopes[1]:.3g} against {radii[0]:.3g} and {radii[1]:.3g}).",
            accepted=["a plot that shows the straight line on a logarithmic axis"],
            wrong=["no check with the tool"],
        ),
    )
    out["3f"] = with_rubric(
        parts["3f"],
        Item(
            1,
            "Names the activation for each effect: ReLU explodes more readily (it is unbounded), tanh vanishes more "
            "readily (it saturates).",
            accepted=[
                "ReLU worse at both, when the student's own plots show it (as measured on the sheet: ReLU's ratio "
                f"{_ratio(runs, 'relu')} against tanh's {_ratio(runs, 'tanh')} at a large radius)",
            ],
            wrong=["tanh explodes because it is bounded", "no activation named"],
        ),
        Item(
            1,
            "Why: tanh's derivative 1 - h^2 is at most 1 and near 0 when saturated; ReLU passes the gradient with "
            "slope 1 where active, so a gain above 1 compounds, and its inactive units pass none.",
            wrong=["ReLU's derivative is 1 everywhere"],
        ),
    )
    out["3g"] = with_rubric(
        parts["3g"],
        Item(
            1,
            "Every h_t now gets a gradient from its own target, so ||dL/dh_t|| stops decaying towards early steps "
            f"(ratio {_ratio(runs, 'rnn_default')} with the last target only, {_ratio(runs, 'rnn_all_targets')} "
            "with all).",
        ),
        Item(
            1,
            "It does not make long dependencies easier: the part of the gradient that crosses many steps still "
            "vanishes; only short-range dependencies gain.",
            accepted=["it hides the vanishing rather than curing it"],
            wrong=["it cures vanishing gradients"],
        ),
    )
    out["3h"] = with_rubric(
        parts["3h"],
        Item(1, "An LSTM layer written and run through the gradient tool, with its plot."),
        Item(
            1,
            "Its gradients vanish too, but more slowly than the tanh RNN's "
            f"(ratio {_ratio(runs, 'lstm_default')} against {_ratio(runs, 'rnn_default')} here).",
            accepted=["a forget-gate bias of 1 slows the vanishing further"],
            wrong=["the LSTM's gradients do not vanish at all"],
        ),
    )
    out["3i"] = with_rubric(
        parts["3i"],
        Item(
            1,
            "dL/dC_(T-1) = dL/dC_T * f_T + (the path through h_(T-1)), elementwise products.",
            accepted=["the direct term alone, with the other paths named"],
        ),
        Item(
            1,
            "The direct term meets only the forget gate: no weight matrix and no squashing derivative, so with f "
            "near 1 the gradient survives many steps.",
            wrong=["because the cell state is bounded", "because of the tanh on the cell state"],
        ),
    )
    out["3j"] = with_rubric(
        parts["3j"],
        Item(
            2,
            "Both add an identity path for the gradient: a residual block has dh_(t+1)/dh_t = I + (the branch's "
            "Jacobian); the cell state has dC_t/dC_(t-1) = diag(f_t), a skip connection scaled by a learned gate.",
            accepted=["the cell state as a gated or learned skip connection, with the additive update named"],
            wrong=["both use a sigmoid", "an analogy with no gradient path in it"],
        ),
    )
    return out
