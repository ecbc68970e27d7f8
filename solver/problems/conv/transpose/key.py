"""What Problem 6 (c)'s answer key holds: the output and the wrong outputs likely slips give."""

from __future__ import annotations

from ....kernel.exact import exact_json
from ....kernel.problem import Part
from .. import exact as conv
from .solve import Solution


def _json(grid: conv.Grid, dimensions: int) -> list:
    rows = [[exact_json(v) for v in row] for row in grid]
    return rows if dimensions == 2 else rows[0]


def mistakes(solution: Solution) -> list[dict]:
    """Likely wrong outputs, each with what it shows; duplicates and the right answer left out."""
    p = solution.params
    x, w, strides, paddings = p.input_grid, p.filter_grid, p.strides, p.paddings
    flipped_note = (
        " With stride 1 this is also what sliding the filter over the zero-padded input (an ordinary "
        "convolution) gives."
        if p.stride == 1
        else ""
    )
    candidates = [
        (
            conv.transpose_conv2d(x, conv.rotate180(w), strides, paddings),
            ("The filter was reversed" if p.dimensions == 1 else "The filter was flipped (rotated by 180 degrees)")
            + " before the copies were placed; transpose convolution places it as given."
            + flipped_note,
        )
    ]
    if p.stride > 1:
        sizes = [n - 1 + k - 2 * q for n, k, q in zip(conv.shape(x), conv.shape(w), paddings, strict=False)]
        if min(sizes) >= 1:
            candidates.append(
                (
                    conv.transpose_conv2d(x, w, (1, 1), paddings),
                    f"The copies were placed one step apart; with stride {p.stride} each copy starts {p.stride} "
                    "positions after the previous one.",
                )
            )
    candidates.append(
        (
            conv.overwritten(x, w, strides, paddings),
            "Where copies overlap their entries must be added; this answer lets each copy overwrite the one before.",
        )
    )
    if p.padding:
        candidates.append(
            (
                solution.full,
                f"The padding was not applied: padding {p.padding} removes {p.padding} "
                f"{'entry' if p.padding == 1 else 'entries'} at each {'border' if p.dimensions == 2 else 'end'} of the full output.",
            )
        )
    if all(n >= k for n, k in zip(conv.shape(x), conv.shape(w), strict=False)):
        candidates.append(
            (
                conv.correlate2d_valid(x, w),
                "This is an ordinary convolution, which slides the filter over the input and shrinks it; a transpose "
                "convolution places a scaled copy of the filter at every input entry and enlarges it.",
            )
        )
    out, seen = [], {str(solution.result)}
    for grid, feedback in candidates:
        if str(grid) not in seen:
            seen.add(str(grid))
            out.append({"value": _json(grid, p.dimensions), "feedback": feedback})
    return out


def parts(solution: Solution) -> dict[str, Part]:
    """The answer key. Part ids and the solution fields each reads:

    - ``6c``: ``result`` (a matrix for 2-D input, a vector for 1-D: ``params.dimensions``);
      the mistakes recompute from ``params`` and compare with ``result`` and ``full``.
    """
    from ....render.tex import bracket_list, matrix

    p = solution.params
    latex = matrix(solution.result) if p.dimensions == 2 else bracket_list(solution.result[0])
    kind = "matrix" if p.dimensions == 2 else "vector"
    return {"6c": Part(kind, _json(solution.result, p.dimensions), str(latex), {"mistakes": mistakes(solution)})}
