"""What Problem 3's staff report says and its sheet does not: how the values were computed and checked."""

from __future__ import annotations

from .solve import Solution


def staff_notes(solution: Solution) -> list[str]:
    check = solution.linear_check
    return [
        "reference implementation: solver/nn (NumPy, hand-written backward passes); the solutions sheet typesets its "
        "core lines from the source (solver/render/listings.py, '# sheet: begin/end' markers)",
        "3a-3c: the test case is drawn from rnn_lstm.test_case (not the notebook's cells); the layers' outputs are "
        "checked against 40-digit arithmetic on every build, and against torch (autograd, torch.nn.RNN, "
        "torch.nn.LSTM with the same weights) in hw6 verify and the tests",
        f"3e: SymPy differentiates the unrolled linear network with every weight, input and state symbolic "
        f"({check.hidden_size} hidden units, T = {check.steps}): "
        + ("agrees with (W_h^T)^(T-t) dL/dh_T" if check.holds else "DISAGREES with (W_h^T)^(T-t) dL/dh_T"),
        "3i: SymPy derives dL/dC_(T-1) by differentiating one LSTM step with the gates as arbitrary functions; the "
        "measured terms are compared with backprop and central differences",
    ]
