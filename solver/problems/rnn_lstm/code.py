"""The code Problem 3's solutions show: the solution notebook's own cells, as the notebook holds them.

Each listing is the source of one or more cells of the executed solution notebook (the
students' TODO functions with their bodies, the test cells with this variant's input), so the
sheet shows exactly the code that printed and saved its values, with the notebook's names and
argument order.
"""

from __future__ import annotations

from ...render.listings import verbatim
from ...render.tex import Tex
from .notebook import notebook_cells
from .solve import Solution

#: listing name -> the notebook cells it shows, in notebook order.
LISTINGS = {
    "rnn_forward": ("activate", "todo-1a"),
    "test_input": ("test-1a",),
    "head_forward": ("todo-1b",),
    "losses": ("todo-1c",),
    "gradient_tool": ("todo-1d",),
    "study": ("visualize-1d",),
    "lstm_forward": ("todo-1h", "lstm-forward"),
    "lstm_study": ("visualize-1h",),
    "stacked_forward": ("todo-1k",),
    "training": ("train-1k",),
}


def reference_code(solution: Solution) -> dict[str, Tex]:
    """Listing name -> the solution source of its cells, blank-line separated."""

    sources = {cell.name: cell.solution for cell in notebook_cells(solution.params, solution.case)}
    return {name: verbatim("\n\n\n".join(sources[cell] for cell in cells), name) for name, cells in LISTINGS.items()}
