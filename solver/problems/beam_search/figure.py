"""How Problem 2's sheets draw the tree: which nodes, where, and a table when it is too big to draw."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any, Protocol

from .engine.tree import Hypothesis, Tokens
from .solve import Solution, path_terms


class Fragments(Protocol):
    """What the figure takes from :class:`.sheet.Sheet`: the solution and its LaTeX pieces."""

    solution: Solution

    def number(self, value: Fraction) -> Any: ...

    def token(self, word: str) -> Any: ...

    def sequence(self, hypothesis: Hypothesis | Tokens) -> Any: ...


FULL_TREE_NODES = 40  # largest tree a problem sheet draws (M = 2, T = 4 has 30 nodes; M = 3, T = 3 has 39)
FULL_TREE_LEAVES = 16  # a solution draws the whole tree up to this many leaves (it shows totals too)
EXPLORED_TREE_NODES = 80  # beyond this only the kept hypotheses and the optimum's path are drawn,
KEPT_TREE_NODES = 150  # and beyond this only the paths of the best final hypotheses and of the optimum
FINAL_PATHS = 10
STATEMENT_ROWS = 120  # rows of log-probabilities printed in a statement whose tree is too big to draw
GRID_TOKENS = 8  # up to this many tokens those rows are a grid with a column per token
COLUMN_WIDTH = 3.3  # cm between tree levels
ROW_HEIGHT = {True: 1.0, False: 0.85}  # cm between leaves, with and without totals in the nodes


def tree_shape(solution: Solution, marked: bool) -> tuple[str, list[Tokens]] | None:
    """Which nodes the figure draws: the whole tree when small; else what the search touched.

    A problem sheet (unmarked) needs every number, so it is drawn whole or not at all (None).
    """
    vocab_size, length = len(solution.vocabulary), solution.params.length
    whole = sum(vocab_size**t for t in range(1, length + 1)) <= FULL_TREE_NODES
    if whole and (not marked or vocab_size**length <= FULL_TREE_LEAVES):
        return "full", [tokens for t in range(length + 1) for tokens in itertools.product(range(vocab_size), repeat=t)]
    if not marked:
        return None
    optimum_path = {solution.optimum.tokens[:t] for t in range(length + 1)}
    explored = {()} | optimum_path | {h.tokens for step in solution.steps for h in step.candidates}
    if len(explored) <= EXPLORED_TREE_NODES:
        return "explored", sorted(explored, key=lambda tokens: (len(tokens), tokens))
    kept = {()} | optimum_path | {h.tokens for step in solution.steps for h in step.kept}
    if len(kept) <= KEPT_TREE_NODES:
        return "kept", sorted(kept, key=lambda tokens: (len(tokens), tokens))
    finalists = {h.tokens[:t] for h in solution.steps[-1].kept[:FINAL_PATHS] for t in range(length + 1)}
    return "paths", sorted(optimum_path | finalists, key=lambda tokens: (len(tokens), tokens))


def figure(sheet: Fragments, marked: bool) -> dict | None:
    """TikZ positions, root at the left; leaves one row apart, each parent centred on its children."""
    solution = sheet.solution
    shape = tree_shape(solution, marked)
    if shape is None:
        return None
    mode, nodes = shape
    children: dict[Tokens, list[Tokens]] = {tokens: [] for tokens in nodes}
    for tokens in nodes:
        if tokens:
            children[tokens[:-1]].append(tokens)
    row_height = ROW_HEIGHT[marked]
    height: dict[Tokens, float] = {}
    next_leaf = 0

    def place(tokens: Tokens) -> None:
        nonlocal next_leaf
        below = sorted(children[tokens])
        for child in below:
            place(child)
        if below:
            height[tokens] = (height[below[0]] + height[below[-1]]) / 2
        else:
            height[tokens] = -next_leaf * row_height
            next_leaf += 1

    place(())
    kept = {h.tokens for step in solution.steps for h in step.kept}
    candidates = {h.tokens for step in solution.steps for h in step.candidates}
    optimum_path = {solution.optimum.tokens[:t] for t in range(solution.params.length + 1)}
    ids = {tokens: f"v{i}" for i, tokens in enumerate(nodes)}
    boxes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for tokens in nodes:
        styles = ["root"] if not tokens else ["hyp"]
        if tokens and marked:
            styles.append("kept" if tokens in kept else "pruned" if tokens in candidates else "unreached")
            if tokens in optimum_path:
                styles.append("optimal")
            if tokens == solution.beam_best.tokens:
                styles.append("returned")
        boxes.append(
            {
                "id": ids[tokens],
                "x": round(len(tokens) * COLUMN_WIDTH, 3),
                "y": round(height[tokens], 3),
                "style": ", ".join(styles),
                "token": sheet.token(solution.vocabulary[tokens[-1]]) if tokens else None,
                "total": sheet.number(sum(path_terms(solution, tokens), Fraction(0))) if marked and tokens else None,
            }
        )
        if not tokens:
            continue
        parent = tokens[:-1]
        style = "edge"
        if marked and tokens in optimum_path:
            style = "edge, optimal edge"
        elif marked and tokens not in candidates:
            style = "edge, faint edge"
        siblings = sorted(children[parent])
        edges.append(
            {
                "from": ids[parent],
                "to": ids[tokens],
                "style": style,
                "label": sheet.number(solution.rows[parent][tokens[-1]]),
                # the lowest of several children gets its label under the edge, away from its sibling's
                "side": "below" if len(siblings) > 1 and tokens == siblings[-1] else "above",
            }
        )
    top = max(box["y"] for box in boxes) + 0.8
    columns = [{"x": round(t * COLUMN_WIDTH, 3), "label": f"step {t}"} for t in range(1, solution.params.length + 1)]
    return {"mode": mode, "boxes": boxes, "edges": edges, "columns": columns, "top": round(top, 3)}


def rows_table(sheet: Fragments) -> dict:
    """The tree as a table, for problem sheets whose tree is too big to draw."""
    solution = sheet.solution
    prefixes = sorted(solution.rows, key=lambda tokens: (len(tokens), tokens))
    rows = [
        {
            "prefix": sheet.sequence(tokens) if tokens else None,
            "values": [sheet.number(v) for v in solution.rows[tokens]],
        }
        for tokens in prefixes[:STATEMENT_ROWS]
    ]
    tokens = [sheet.token(w) for w in solution.vocabulary]
    return {
        "rows": rows,
        "omitted": len(prefixes) - len(rows),
        "tokens": tokens,
        "grid": len(tokens) <= GRID_TOKENS,
    }
