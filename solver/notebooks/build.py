"""The two notebooks as .ipynb bytes, from the cells every problem contributes (nbformat only).

Both files are deterministic: cell ids come from the cells' names, the
metadata is fixed (a generic Python 3 kernel, no version numbers) and nothing
records when or where they were made. :mod:`.solution` executes the
solution and puts its outputs in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .cells import Cell

STARTER = "notebook.ipynb"
SOLUTION = "notebook-solution.ipynb"
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def notebook(cells: Sequence[Cell], *, solution: bool) -> Any:
    """A NotebookNode of ``cells``: the solution's sources or the starter's."""
    names = [cell.name for cell in cells]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"notebook cells need unique names: {', '.join(duplicates)}")
    nodes = []
    for cell in cells:
        # Plain dicts: nbformat's new_*_cell validate every cell against the schema (most of the time a
        # build spent on notebooks); the tests validate the whole notebook instead.
        node: dict[str, Any] = {
            "cell_type": cell.kind,
            "id": cell.name,
            "metadata": {"tags": [cell.role]} if cell.role != "text" else {},
            "source": cell.solution if solution else cell.starter,
        }
        if cell.kind == "code":
            node.update(execution_count=None, outputs=[])
        nodes.append(node)
    import nbformat  # here, not at import time: the pipeline imports this module wherever it runs

    return nbformat.from_dict({"cells": nodes, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5})


def to_bytes(node: Any) -> bytes:
    """The notebook as nbformat writes it (without validating it again), with one final newline."""
    import nbformat  # as in notebook(): only where notebooks are made

    return (nbformat.v4.nbjson.writes(node).rstrip("\n") + "\n").encode("utf-8")


def ordered(contributions: Iterable[Sequence[Cell]]) -> list[Cell]:
    """Every problem's cells in notebook order: the "setup" cells, which hold settings such as
    the data folder, first, then each problem's in turn."""
    cells = [cell for contributed in contributions for cell in contributed]
    return [c for c in cells if c.role == "setup"] + [c for c in cells if c.role != "setup"]
