"""The two notebooks as .ipynb bytes, from the cells every problem contributes (nbformat only).

Both files are deterministic: cell ids come from the cells' names, the
metadata is fixed (a generic Python 3 kernel, no version numbers) and nothing
records when or where they were made. The solution is written unexecuted;
:mod:`.execute` runs it and stores its outputs (``hw6 notebooks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import nbformat

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
        source = cell.solution if solution else cell.starter
        metadata = {"tags": [cell.role]} if cell.role != "text" else {}
        if cell.kind == "markdown":
            node = nbformat.v4.new_markdown_cell(source, metadata=metadata)
        else:
            node = nbformat.v4.new_code_cell(source, metadata=metadata)
        node["id"] = cell.name
        nodes.append(node)
    return nbformat.v4.new_notebook(cells=nodes, metadata=METADATA)


def to_bytes(node: Any) -> bytes:
    """The notebook as nbformat writes it, validated, with one final newline."""
    nbformat.validate(node)
    return (nbformat.writes(node).rstrip("\n") + "\n").encode("utf-8")


def files(contributions: Iterable[Sequence[Cell]]) -> dict[str, bytes]:
    """``notebook.ipynb`` and ``notebook-solution.ipynb`` from each problem's cells, in order
    (the "setup" cells, which hold settings such as the data folder, first); no files when no
    problem contributes cells."""
    cells = [cell for contributed in contributions for cell in contributed]
    cells = [c for c in cells if c.role == "setup"] + [c for c in cells if c.role != "setup"]  # settings on top
    if not cells:
        return {}
    return {STARTER: to_bytes(notebook(cells, solution=False)), SOLUTION: to_bytes(notebook(cells, solution=True))}
