"""Problem 6(b) on the platforms: the statement on PrairieLearn, Moodle and Canvas.

A variant whose key is not one filter (a family, or none) has no PrairieLearn or Canvas question:
their boxes hold one filter. The hint shown is the filter's first entry, as on the sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....kernel.exports import Blanks, Exports, MoodleQuestion, PrairieLearnQuestion, QtiQuestions, QtiText
from ....render.mathjax import number_text, paren_list, vector_tex


def display(solved: Any) -> dict[str, Any]:
    """The numbers PrairieLearn's statement shows for one variant (refused without a single filter)."""
    params, solution = solved.params, solved.solution
    if solution.case != "unique":
        raise ValueError(
            "Problem 6(b) has no single filter in this variant; PrairieLearn's cells cannot hold the answer"
        )
    padding = "without padding" if not params.padding else f"after adding {params.padding} zero(s) at each end"
    return {
        "signal": vector_tex(params.signal),
        "output": vector_tex(params.output),
        "k": params.filter_length,
        "stride": params.stride,
        "padding": padding,
        "hint": number_text(solution.filter[0]),
    }


STATEMENT = """
<p>Here a filter is slid over its input without being flipped first, as neural-network libraries do
(a cross-correlation). The signal $x = {{params.signal}}$ is convolved with a filter of length
${{params.k}}$ {{params.padding}}, moving the filter ${{params.stride}}$ position(s) at a time, and gives
$y = {{params.output}}$. Which filter was used?</p>
<p><em>Hint, only for checking your work: the filter's first entry is ${{params.hint}}$. Starting from the
hint earns no credit.</em></p>
<p>Each entry is an exact number: an integer, a decimal or a fraction such as <code>1/3</code>.</p>
"""


def moodle_statement(item: Any, view: Mapping[str, Any]) -> str:
    params = item.params
    padding = f"after {params.padding} zeros are added at each end" if params.padding else "without padding"
    return (
        "<p>A filter is slid over its input without being flipped (the convention of neural-network libraries). "
        f"(b) The signal \\[ x = {view['signal']} \\] is convolved with a filter of length {view['k']} {padding}, "
        f"moving the filter {params.stride} position(s) at a time, and the result is \\[ y = {view['output']}. \\] "
        "Which filter was used? Give its entries as exact numbers.</p>"
    )


def qti_question(solution: Any, parts: Mapping[str, Any]) -> QtiText | None:
    """Canvas's 6(b), when its key is one filter (a family or no filter is graded by hw6 only)."""
    spec = parts["6b"]
    if solution.case != "unique" or not isinstance(spec["value"], list):
        return None
    p = solution.params
    names = tuple(f"f{j}" for j in range(1, p.filter_length + 1))
    zeros = "zero" if p.padding == 1 else "zeros"
    padding = f"after {p.padding} {zeros} are added at each end" if p.padding else "without padding"
    body = (
        "<p>A filter is slid over its input without being flipped first (a cross-correlation, as in"
        " neural-network libraries).</p>",
        f"<p>(b) The signal x = {paren_list(p.signal)} is convolved with a filter of length {p.filter_length}"
        f" {padding}, moving the filter {p.stride} position{'' if p.stride == 1 else 's'} at a time. The result is y = {paren_list(p.output)}."
        " Which filter was used? Enter its entries as integers or fractions.</p>",
        Blanks("f =", "6b", names),
    )
    return QtiText("Problem 6 (b)", body)


EXPORTS = Exports(
    prairielearn=PrairieLearnQuestion(
        "Problem 6(b): Finding a filter", STATEMENT, lambda p, s: "(b) the filter:", display
    ),
    moodle=MoodleQuestion(moodle_statement),
    qti=QtiQuestions("Problem 6 (b)", qti_question, unexported="6(b) without a unique filter"),
)
