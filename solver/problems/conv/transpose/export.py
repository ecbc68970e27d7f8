"""Problem 6(c) on the platforms: the statement on PrairieLearn, Moodle and Canvas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....kernel.exports import Blanks, Exports, MoodleQuestion, PrairieLearnQuestion, QtiQuestions, QtiText
from ....render.mathjax import matrix_tex, paren_list, paren_rows


def display(solved: Any) -> dict[str, Any]:
    """The numbers PrairieLearn's statement shows for one variant: input, filter, stride, padding."""
    params = solved.params
    two_d = bool(params.input) and isinstance(params.input[0], (list, tuple))
    return {
        "input": matrix_tex(params.input),
        "filter": matrix_tex(params.filter),
        "stride": params.stride,
        "padding": params.padding,
        "dimensions": "2-D " if two_d else "",
    }


STATEMENT = """
<p>A transpose convolution enlarges its input: every input entry multiplies a whole copy of the filter,
consecutive copies are placed a stride apart, and where copies overlap their entries are added. Padding
$p$ then removes $p$ entries from each end (each border, in 2-D) of the result. For example, the input
$[a, b, c]$ with the filter $[x, y, z]$, stride 2 and no padding gives
$[ax,\\ ay,\\ az + bx,\\ by,\\ bz + cx,\\ cy,\\ cz]$.</p>
<p>Compute the transpose convolution of the {{params.dimensions}}input $X = {{params.input}}$ with the
filter $W = {{params.filter}}$, stride ${{params.stride}}$ and padding ${{params.padding}}$.</p>
"""


def moodle_statement(item: Any, view: Mapping[str, Any]) -> str:
    params = item.params
    return (
        "<p>A transpose convolution places a copy of the filter, scaled by each input entry, a stride apart, and "
        "adds the entries where copies overlap; padding \\(p\\) then removes \\(p\\) entries from each border. "
        f"(c) Compute the transpose convolution of \\[ {view['input_symbol']} = {view['input']}, \\qquad "
        f"{view['filter_symbol']} = {view['filter']} \\] with stride {params.stride} and padding {params.padding}, "
        "row by row.</p>"
    )


def qti_question(solution: Any, parts: Mapping[str, Any]) -> QtiText:
    """Canvas's 6(c): the transpose convolution of the variant's input and filter."""
    value = parts["6c"]["value"]
    p = solution.params
    rows = value if value and isinstance(value[0], list) else [value]
    names = [tuple(f"r{i}_{j}" for j in range(1, len(row) + 1)) for i, row in enumerate(rows, start=1)]
    two_d = p.dimensions == 2
    shown_input = paren_rows(p.input_grid) if two_d else paren_list(p.input_grid[0])
    shown_filter = paren_rows(p.filter_grid) if two_d else paren_list(p.filter_grid[0])
    body: list[str | Blanks] = [
        "<p>(c) A transpose convolution lays down one copy of the filter per input entry, scaled by that entry,"
        " consecutive copies a stride apart; overlapping entries are added, and padding p then crops p entries"
        " from each end (each border, in 2-D).</p>",
        f"<p>Compute the transpose convolution of the input {shown_input} with the filter {shown_filter}"
        f" (row by row), stride {p.stride} and padding {p.padding}. Enter the result"
        + (" row by row." if two_d else ".")
        + "</p>",
    ]
    body += [Blanks(f"row {i}:" if two_d else "result:", "6c", row) for i, row in enumerate(names, start=1)]
    return QtiText("Problem 6 (c)", tuple(body))


EXPORTS = Exports(
    prairielearn=PrairieLearnQuestion(
        "Problem 6(c): Transpose convolution", STATEMENT, lambda p, s: "(c) the result:", display
    ),
    moodle=MoodleQuestion(moodle_statement),
    qti=QtiQuestions("Problem 6 (c)", qti_question),
)
