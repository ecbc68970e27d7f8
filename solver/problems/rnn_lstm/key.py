"""What Problem 3's answer key holds: the test input's numbers, the study's measurements, the written answers."""

from __future__ import annotations

import mpmath

from ...kernel.problem import Part
from . import rubric
from .solve import Solution
from .study import derivations, testcases, training
from .study.testcases import mp_floats

SIGNIFICANT = 6  # digits of the numbers in the key
EXACT_DIGITS = 20  # digits of the exact values the answers are compared with (40-digit computations)
MIN_DIGITS = 4  # significant digits an answer to 3a-3c must state (torch prints 4)
PRECISION = {"3a": MIN_DIGITS, "3b": MIN_DIGITS, "3c": MIN_DIGITS}  # the key's min_digits; the sheet says them


def rounded(values) -> list[float]:
    return [float(f"{float(v):.{SIGNIFICANT}g}") for v in values]


def exact(values) -> list[str]:
    """The values to EXACT_DIGITS significant digits: the grader's tolerance is around these."""
    return [mpmath.nstr(mpmath.mpf(v), EXACT_DIGITS, strip_zeros=False) for v in values]


def short(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}"


def references(solution: Solution) -> dict[str, str]:
    """Reference answers for the written parts, citing this run's numbers (plain text)."""
    n = solution.numbers
    steps = solution.params.study.steps
    grew_more = "ReLU" if n["relu_ratio"] > n["tanh_ratio"] else "tanh"
    fell_faster = "ReLU" if n["default_relu_ratio"] < n["default_tanh_ratio"] else "tanh"
    radius = short(float(solution.params.study.nonlinear_radius))
    return {
        "3f": (
            "The usual answer: ReLU gives the more exploding gradients and tanh the more vanishing ones. ReLU is "
            "unbounded with slope 1 where active, so a gain above 1 compounds in both passes; tanh keeps |h| < 1 and "
            "multiplies each backward step by 1 - h^2 <= 1, so saturated units pass almost nothing back. "
            f"Measured, with the same weights and batch for both activations: at spectral radius {radius} "
            f"||dL/dh_1||/||dL/dh_T|| was {short(n['relu_ratio'])} for ReLU against {short(n['tanh_ratio'])} for tanh "
            f"({grew_more} grew more), and ||h_T|| reached {short(n['relu_hidden'])} against {short(n['tanh_hidden'])}. "
            f"At the default initialisation (spectral radius {short(n['default_radius'])}) the ratio was "
            f"{short(n['default_relu_ratio'])} for ReLU against {short(n['default_tanh_ratio'])} for tanh ({fell_faster} "
            f"vanished faster): inactive ReLU units ({short(100 * n['default_relu_inactive'], 2)}% there) pass no "
            f"gradient, while tanh near 0 is almost linear (mean 1 - h^2 = {short(n['default_tanh_slope'])}). Saturated "
            f"tanh units (|h| > 0.99) were {short(100 * n['tanh_saturated'], 2)}% at spectral radius {radius}."
        ),
        "3g": (
            f"With every step scored, each h_t receives a gradient from its own target, so ||dL/dh_t|| no longer decays: "
            f"||dL/dh_1||/||dL/dh_T|| went from {short(n['last_ratio'])} (last target only) to {short(n['all_ratio'])}. "
            f"The vanishing is hidden, not cured: the part of dL/dh_1 that comes from the last target is only "
            f"{short(n['last_share'])} of it. Learning a dependency across {steps} steps still relies on that vanishing term, "
            f"so it does not help with long-range dependencies; it helps only the short-range ones."
        ),
        "3h": (
            f"At default initialisation both vanish over {steps} steps, the LSTM less quickly: ||dL/dh_1||/||dL/dh_T|| was "
            f"{short(n['lstm_ratio'])} for the LSTM against {short(n['rnn_ratio'])} for the tanh RNN, and {short(n['forget_ratio'])} "
            f"for an LSTM whose forget-gate bias starts at {solution.params.study.forget_bias}."
        ),
        "3i": (
            "dL/dC_{T-1} = dL/dC_T * f_T + dL/dh_{T-1} * o_{T-1} * (1 - tanh^2(C_{T-1})), where "
            "dL/dC_T = dL/dh_T * o_T * (1 - tanh^2(C_T)) and dL/dh_{T-1} collects the paths through the gates of step T. "
            "The first term passes the gradient back through an elementwise product with the forget gate only: no weight "
            "matrix and no squashing derivative, so with f near 1 it survives many steps. "
            f"Measured on the LSTM: ||direct path|| = {short(n['direct_norm'])}, ||path through h_(T-1)|| = "
            f"{short(n['through_norm'])}, ||total|| = {short(n['total_norm'])}."
        ),
        "3j": (
            "A residual block h_(t+1) = sigma(W_t h_t + b_t) + h_t has dh_(t+1)/dh_t = I + (its branch's Jacobian), so the "
            "gradient always has an identity path around the block. The LSTM's cell state plays the same role: "
            "C_t = f_t * C_(t-1) + i_t * C~_t gives dC_t/dC_(t-1) = diag(f_t) along the direct path, an identity scaled by a "
            f"learned gate (mean f = {short(n['mean_forget'])} here), so the gradient is carried additively past the nonlinear "
            "branch instead of through repeated weight matrices. With f = 1 it would be exactly the skip connection."
        ),
    }


#: What each modelled mistake of 1A-1C shows, by section: the feedback a student gets for it.
SIGMA_NAMES = {"tanh": "tanh", "relu": "ReLU", "identity": "the identity"}


def _mistake_feedback(name: str, sigma: str, part: str) -> str | None:
    if name == "transposed":
        where = "These hidden states" if part == "3a" else "These values come from hidden states that"
        return (
            f"{where} multiply h_(t-1) by the transpose of W_h (h_1 is still right, as h_0 = 0): with rows as "
            "examples, W_h h_(t-1) is h_prev @ W_h.T in section 1A."
        )
    if name.startswith("sigma="):
        other = SIGMA_NAMES[name.partition("=")[2]]
        where = "These hidden states use" if part == "3a" else "These values come from hidden states that use"
        return f"{where} {other} as the nonlinearity; the test cell asks rnn_forward for {SIGMA_NAMES[sigma]}."
    if part != "3c":
        return None
    if name == "summed":
        return "Task 1's loss is T times too large: average the squared errors over the steps too, not only over the batch."
    if name == "task2_all":
        return "Task 2's loss equals Task 1's: take the last step (predictions[:, -1]), the time axis, not the last output."
    return None


def mistakes(solution: Solution, part: str) -> list[dict]:
    """The key's modelled mistakes of ``part`` (3a, 3b or 3c): value and feedback; none equal to the answer."""
    field = {"3a": "hidden", "3b": "predictions", "3c": "losses"}[part]
    right = [float(f"{v:.12g}") for v in testcases.numpy_outputs(solution.case)[field].ravel()]
    found: list[dict] = []
    for name, outputs in testcases.mistaken_outputs(solution.case).items():
        feedback = _mistake_feedback(name, solution.case.params.nonlinearity, part)
        value = [float(f"{v:.12g}") for v in outputs[field].ravel()]
        close = all(abs(a - b) <= 1e-6 * max(abs(b), 1e-12) for a, b in zip(value, right, strict=True))
        if feedback is not None and not close and all(m["value"] != value for m in found):
            found.append({"value": value, "feedback": feedback})
    return found


def parts(solution: Solution) -> dict[str, Part]:
    """Problem 3's key; each part and the solution fields it reads:

    3a     numbers  case.hidden_floats: h_1..h_T of the test input (40-digit values, rounded)
    3b     numbers  case.predictions
    3c     numbers  case.losses (every step, last step), case.labels
    3d     data     study.runs: each run's ratio ||dL/dh_1||/||dL/dh_T|| and its last ||h_t||
    3e     written  the formula of study/derivations; numbers["small_slope", "large_slope",
                    "small_log_radius", "large_log_radius"] (from study.rates)
    3f-3j  written  references(): numbers (study.runs, study.rates, study.paths), params.study
    3k     numbers  trained[1], trained[2]: final_loss and target
    """
    case, n = solution.case, solution.numbers
    steps, hidden = case.params.steps, case.params.hidden_size
    refs = references(solution)
    out: dict[str, Part] = {
        "3a": Part(
            "numbers",
            rounded(case.hidden_floats.ravel()),
            extra={
                "shape": [steps, hidden],
                "order": "h_1 first, then h_2, ...",
                "digits": SIGNIFICANT,
                "exact": exact(v for row in case.hidden for v in row),
                "min_digits": PRECISION["3a"],
                "mistakes": mistakes(solution, "3a"),
            },
        ),
        "3b": Part(
            "numbers",
            rounded(mp_floats(case.predictions)),
            extra={
                "shape": [steps],
                "digits": SIGNIFICANT,
                "exact": exact(case.predictions),
                "min_digits": PRECISION["3b"],
                "mistakes": mistakes(solution, "3b"),
            },
        ),
        "3c": Part(
            "numbers",
            rounded(mp_floats(case.losses)),
            extra={
                "order": ["task 1: MSE over every step", "task 2: MSE at the last step"],
                "labels": [str(v) for v in case.labels],
                "digits": SIGNIFICANT,
                "exact": exact(case.losses),
                "min_digits": PRECISION["3c"],
                "mistakes": mistakes(solution, "3c"),
            },
        ),
        "3d": Part(
            "data",
            {
                name: {"grad_ratio": rounded([run.ratio])[0], "hidden_last": rounded([run.hidden[-1]])[0]}
                for name, run in solution.study.runs.items()
            },
        ),
        # A matrix expression (transposes and powers of W_h do not commute), so it is shown to
        # graders with its reading rather than compared by the scalar expression grader.
        "3e": Part(
            "written",
            derivations.LINEAR_GRADIENT_TEXT,
            derivations.LINEAR_GRADIENT_LATEX,
            {
                "reference": f"dL/dh_t = {derivations.LINEAR_GRADIENT_TEXT}, with g_T = dL/dh_T",
                "symbols": ["W_h", "g_T", "T", "t"],
                "form": "W_h is the recurrent matrix (H x H), g_T = dL/dh_T (a column), T the last step; "
                "W_h.T**(T - t) is the (T - t)-th power of its transpose",
                "condition": "vanishing when the spectral radius of W_h is below 1 (sure when its largest singular value is), "
                "exploding when it is above 1 (sure when its smallest singular value is)",
                "measured_slope": rounded([n["small_slope"], n["large_slope"]]),
                "log_spectral_radius": rounded([n["small_log_radius"], n["large_log_radius"]]),
            },
        ),
    }
    for part_id in ("3f", "3g", "3h", "3i", "3j"):
        # The text is the value (as for every written part) and the documented ``reference`` extra.
        out[part_id] = Part("written", refs[part_id], extra={"reference": refs[part_id]})
    out["3k"] = Part(
        "numbers",
        rounded([solution.trained[layers].final_loss for layers in training.LAYERS]),
        extra={
            "order": ["1-layer training loss", "2-layer training loss"],
            "targets": [solution.trained[layers].target for layers in training.LAYERS],
            "below": [solution.trained[layers].target for layers in training.LAYERS],
            "graded_as": "below the target; the values themselves depend on the run",
        },
    )
    return rubric.attach(out)
