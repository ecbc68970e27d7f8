"""What Problem 6 (a) and (b)'s answer key holds: 6a's reasons, 6b's filter (or family, or why none fits)."""

from __future__ import annotations

import sympy as sp

from ....kernel.exact import exact_json
from ....kernel.problem import Part
from ....kernel.rubric import Item, with_rubric
from .. import exact as conv
from .. import linsolve
from .solve import Solution

REASONS_6A = (
    (
        "Parameter sharing",
        "one small filter is reused at every position, so a convolutional layer has a handful of "
        "weights where a fully connected layer on an image needs one per pixel and output unit; that saves memory and "
        "computation and leaves less room to overfit.",
    ),
    (
        "Locality",
        "each output depends only on a small neighbourhood of pixels, which is where the strongly related "
        "pixels of an image are.",
    ),
    (
        "Translation equivariance",
        "shifting the image shifts the feature map the same way, so a pattern learned in "
        "one place is detected wherever it appears.",
    ),
)
REFERENCE_6A = "Any two of: " + " ".join(f"({i}) {name}: {text}" for i, (name, text) in enumerate(REASONS_6A, start=1))


def _json_list(values) -> list:
    return [exact_json(v) for v in values]


def family_text(solution: Solution) -> str:
    assert solution.family is not None  # solve() sets the fields of its case
    return "[" + ", ".join(str(e) for e in solution.family) + "]"


def combination_text(coefficients: tuple[int, ...]) -> str:
    """``E1 - 2*E2 + E3`` for the equations E_i (output entry i)."""
    return linear_combination(coefficients, [f"E{i}" for i in range(1, len(coefficients) + 1)], latex=False)


def mistakes(solution: Solution) -> list[dict]:
    """Likely wrong filters for a unique answer, each with what it shows."""
    if solution.case != "unique":
        return []
    assert solution.filter is not None  # solve() sets the fields of its case
    p, correct = solution.params, list(solution.filter)
    found: list[tuple[list, str]] = []
    flipped = correct[::-1]
    found.append(
        (
            flipped,
            (
                "The filter is reversed. Flipping the filter before sliding it (true convolution) gives exactly this "
                "reversed filter; the problem slides the filter as it is, without flipping."
            ),
        )
    )
    for shift, where in (
        (-1, "one entry to the left (as if an extra zero stood before the signal)"),
        (1, "one entry to the right (starting at the second signal entry)"),
    ):
        rows = conv.windows(p.signal, p.filter_length, p.stride, p.padding, shift=shift)
        reduction = linsolve.row_reduce(rows, p.output)
        if reduction.contradiction is None and reduction.rank == p.filter_length:
            guess, _ = linsolve.particular_and_nullspace(reduction)
            found.append(
                (guess, f"The windows are misaligned by one: each output was matched with the window {where}.")
            )
    out, seen = [], {tuple(correct)}
    for value, feedback in found:
        if tuple(value) not in seen:
            seen.add(tuple(value))
            out.append({"value": _json_list(value), "feedback": feedback})
    return out


def parts(solution: Solution) -> dict[str, Part]:
    """The answer key. Part ids and the solution fields each reads:

    - ``6a``: nothing (written; the reference lists :data:`REASONS_6A`).
    - ``6b``: ``case``, then ``filter`` (unique), ``family``, ``free`` and
      ``integer_member`` (family), or ``contradiction`` and ``least_squares`` (none);
      always ``matrix`` and ``output`` (the system) and, for mistakes, ``filter`` and ``params``.
    """
    system = {"matrix": [_json_list(row) for row in solution.matrix], "rhs": _json_list(solution.output)}
    extra = {"system": system, "mistakes": mistakes(solution)}
    if solution.case == "unique":
        assert solution.filter is not None  # solve() sets the fields of its case
        part = Part("vector", _json_list(solution.filter), _vector_latex(solution.filter), extra)
    elif solution.case == "family":
        value = {"family": family_text(solution), "free": [str(t) for t in solution.free]}
        member = None if solution.integer_member is None else _json_list(solution.integer_member)
        assert solution.family is not None  # solve() sets the fields of its case
        part = Part("vector", value, _vector_latex(solution.family), {**extra, "integer_member": member})
    else:
        c = solution.contradiction
        assert c is not None and solution.least_squares is not None  # solve() sets the fields of its case
        reason = f"no filter fits: {combination_text(c.coefficients)} reads 0 = {exact_json(c.value)}"
        part = Part(
            "vector", None, None, {**extra, "reason": reason, "least_squares": _json_list(solution.least_squares)}
        )
    reasons = with_rubric(
        Part("written", None, None, {"reference": REFERENCE_6A}),
        Item(
            2,
            "Two reasons, one point each: parameter sharing (few weights, reused at every position), locality "
            "(the related pixels of an image are the nearby ones), translation equivariance (a pattern is found "
            "wherever it appears).",
            accepted=[
                "fewer parameters, hence less memory and less overfitting",
                "translation invariance after pooling",
            ],
            wrong=["convolutional layers are nonlinear", "the same reason twice in other words"],
        ),
    )
    return {"6a": reasons, "6b": part}


def _vector_latex(values) -> str:
    from ....render.tex import bracket_list

    return str(bracket_list(values))


def linear_combination(coefficients, names, *, latex: bool = True) -> str:
    """``f_{1} + 4 f_{2} - 2 f_{3}`` (or ``E1 - 2*E3`` as text), dropping zero terms; ``0`` when all are zero."""
    terms = []
    for c, name in zip(coefficients, names, strict=False):
        if c == 0:
            continue
        factor = f"{sp.latex(abs(c))} " if latex else f"{abs(c)}*"
        terms.append(("- " if c < 0 else "+ ") + (name if abs(c) == 1 else factor + name))
    if not terms:
        return "0"
    text = " ".join(terms)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]
