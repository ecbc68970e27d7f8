"""Both notebooks as a build writes them: the starter, and the solution executed and checked against the key.

Each problem's cells run in a kernel of their own (the problems share no code),
and a cell marked ``alone`` in one of its own after the definitions above it.
A run is cached under its sources, so a batch executes Problem 3's test cells
once per variant and the runs every variant shares (the gradient study, the
training, Problem 4) once. The outputs are put back in notebook order and
numbered as one top-to-bottom run would number them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..io.cache import Cache
from ..kernel.checks import Check
from .build import SOLUTION, STARTER, notebook, ordered, to_bytes
from .cells import Cell, Printed
from .execute import run_outputs

#: What an ``alone`` cell's kernel runs before it: the cells that only define things.
DEFINITIONS = ("given", "todo", "setup")
DEFAULT_DIGITS = 6


@dataclass(frozen=True)
class Contribution:
    """One problem's cells, and the data folders it declares that were given (key -> folder)."""

    cells: tuple[Cell, ...]
    data_folders: Mapping[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    cells: tuple[Cell, ...]  # executed in this order in one fresh kernel
    shown: tuple[str, ...]  # the cells whose outputs the notebook takes from this run
    data_folders: Mapping[str, Path]  # what the kernel can read (only its own problem's data)


def plan(contributions: Sequence[Contribution]) -> list[Run]:
    """The kernels that execute every code cell once for the notebook."""
    runs = []
    for contributed in contributions:
        code = [cell for cell in contributed.cells if cell.kind == "code"]
        together = tuple(cell for cell in code if not cell.alone)
        if together:
            runs.append(Run(together, tuple(cell.name for cell in together), contributed.data_folders))
        for index, cell in enumerate(code):
            if cell.alone:
                definitions = tuple(c for c in code[:index] if c.role in DEFINITIONS and not c.alone)
                runs.append(Run((*definitions, cell), (cell.name,), contributed.data_folders))
    return runs


def assembled(node: Any, outputs: Mapping[str, list[Any]]) -> Any:
    """``node`` (unexecuted) with every code cell's outputs, numbered 1, 2, ... in notebook order."""
    count = 0
    for cell in node.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = [nbformat.from_dict(output) for output in outputs[cell.id]]
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = count
    return node


def printed_text(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def printed_check(printed: Printed, text: str, parts: Mapping[str, Mapping[str, Any]]) -> Check:
    """What the cell printed ("3a label: v1 v2 ...") against the key's values, to the key's digits."""
    spec = parts.get(printed.part, {})
    digits = int(spec.get("digits", DEFAULT_DIGITS))
    values = spec.get("value")
    expected = [f"{float(v):.{digits}g}" for v in values] if isinstance(values, list) else []
    label, colon, numbers = text.partition(":")
    try:
        got = [f"{float(token):.{digits}g}" for token in numbers.split()]
    except ValueError:
        got = []
    agrees = bool(expected) and bool(colon) and label.startswith(f"{printed.part} ") and got == expected
    shown = " ".join(got) if got else repr(text.strip())
    return Check(printed.part, f"notebook ({printed.where})", " ".join(expected) or "no values", shown, agrees)


def notebook_files(
    contributions: Sequence[Contribution], parts: Mapping[str, Mapping[str, Any]], cache: Cache
) -> tuple[dict[str, bytes], list[Check]]:
    """``notebook.ipynb`` and the executed ``notebook-solution.ipynb`` (none when no problem
    contributes cells), and the checks of its test cells against the key's ``parts``."""
    cells = ordered(c.cells for c in contributions)
    if not cells:
        return {}, []
    outputs: dict[str, list[Any]] = {}
    for run in plan(contributions):
        outputs.update(run_outputs(run.cells, run.shown, cache, run.data_folders, warm=True))
    node = assembled(notebook(cells, solution=True), outputs)
    checks = [
        printed_check(cell.prints, printed_text(node_cell), parts)
        for cell, node_cell in zip(cells, node.cells, strict=True)
        if cell.prints is not None
    ]
    return {STARTER: to_bytes(notebook(cells, solution=False)), SOLUTION: to_bytes(node)}, checks


def where_printed(contributions: Sequence[Contribution]) -> dict[str, str]:
    """Answer-key part -> the cell of the student's notebook that prints it (for the answer template)."""
    return {c.prints.part: f"{c.prints.where} in {STARTER}" for each in contributions for c in each.cells if c.prints}
