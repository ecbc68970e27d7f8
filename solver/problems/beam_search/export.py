"""Problem 2 on the platforms: PrairieLearn's statement and labels (Moodle and Canvas: not exported).

The statement shows the variant's vocabulary and log-probability table, never the beam's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...kernel.exports import GRADED_BY_HW6, Exports, NotExported, PrairieLearnQuestion
from ...render.mathjax import number_text


def display(solved: Any) -> dict[str, Any]:
    """The numbers PrairieLearn's statement shows for one variant: the vocabulary, the table, T, k, M."""
    params = solved.params
    tokens = list(params.vocabulary)
    rows = []
    for prefix in sorted(params.tree, key=lambda p: (len(p.split()), [tokens.index(t) for t in p.split()])):
        row = params.tree[prefix]
        rows.append({"prefix": prefix or "(start)", "cells": [{"value": number_text(row[t])} for t in tokens]})
    return {
        "vocabulary": ", ".join(tokens),
        "tokens": [{"token": t} for t in tokens],
        "M": len(tokens),
        "T": params.length,
        "k": params.beam_width,
        "rows": rows,
    }


def label(part_id: str, spec: Mapping[str, Any]) -> str:
    if spec["kind"] == "complexity":
        return "(e) running time, in big-O notation in $T$, $k$ and $M$:"
    return f"({part_id[1]}) hypotheses kept after step {spec.get('step', '?')}, one a line:"


STATEMENT = """
<p>A decoder writes a sequence one token at a time from the vocabulary {{params.vocabulary}}
($M = {{params.M}}$). Given the tokens so far it gives every possible next token a log-probability
(natural logarithm), listed in the table below per prefix. A sequence's log-probability is the sum
along its path.</p>
<table class="table table-sm w-auto">
<thead><tr><th>prefix</th>{{#params.tokens}}<th>{{token}}</th>{{/params.tokens}}</tr></thead>
<tbody>{{#params.rows}}<tr><td>{{prefix}}</td>{{#cells}}<td>{{value}}</td>{{/cells}}</tr>{{/params.rows}}</tbody>
</table>
<p>Decode a sequence of length $T = {{params.T}}$ with beam search of width $k = {{params.k}}$: from the
empty sequence, each step extends every kept hypothesis by every token and keeps the $k$ extensions with
the highest total log-probability. Two candidates with the same total are ranked by the vocabulary's
order at their first differing token. Give the hypotheses kept after each step, one a line, tokens
separated by spaces; a log-probability may follow each in parentheses, as in
<code>TOKEN TOKEN (-1.25)</code>, and is then graded too. Finally, say how the running time grows with $T$, $k$ and $M$ when the decoder
is an RNN.</p>
"""

EXPORTS = Exports(
    prairielearn=PrairieLearnQuestion("Problem 2: Beam search", STATEMENT, label, display),
    moodle=NotExported("its hypotheses and complexity class are graded by hw6 (Gradescope), not by STACK or Cloze"),
    qti=NotExported(GRADED_BY_HW6),
)
