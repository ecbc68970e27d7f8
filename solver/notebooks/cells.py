"""What a notebook is made of before nbformat sees it: text, given code, and the students' TODO pieces.

A :class:`Cell` holds both notebooks' versions of one cell: the starter's
source and the solution's (the same for every cell but a TODO one). The
source of code cells comes from real functions (:mod:`.reference`,
:mod:`.provided`), so the notebooks run the code the tests check.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

#: The first line of every starter body; the tests look for it.
TODO_MARK = "# TODO"


@dataclass(frozen=True)
class Printed:
    """A test cell that prints an answer-key part: "<part> <label>: v1 v2 ..." (6 significant digits)."""

    part: str  # the key's part, e.g. "3a"
    where: str  # how a student finds the cell in the notebook, e.g. "Test Cases cell of section 1A"


@dataclass(frozen=True)
class Cell:
    """One cell; ``name`` becomes its id (stable across builds, unique in a notebook).

    ``alone``: the cell needs only the functions defined above it (the given, TODO and setup
    cells), not what the test cells computed, so it runs in a kernel of its own; its outputs
    are then shared by every variant whose definitions are the same (e.g. a training run).
    """

    name: str
    kind: Literal["markdown", "code"]
    starter: str
    solution: str
    role: Literal["text", "given", "todo", "test", "setup"] = "text"
    alone: bool = False
    prints: Printed | None = None


def text(name: str, source: str) -> Cell:
    source = textwrap.dedent(source).strip()
    return Cell(name, "markdown", source, source)


def code(
    name: str,
    source: str,
    role: Literal["given", "test", "setup"] = "given",
    *,
    alone: bool = False,
    prints: Printed | None = None,
) -> Cell:
    source = textwrap.dedent(source).strip()
    return Cell(name, "code", source, source, role, alone, prints)


class FunctionSource:
    """A top-level function's source as its module's file holds it (the module is not imported);
    named like a function, so the cells below take either."""

    def __init__(self, name: str, text: str):
        self.__name__, self.text = name, text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionSource) and (self.__name__, self.text) == (other.__name__, other.text)

    def __hash__(self) -> int:
        return hash((self.__name__, self.text))


@functools.cache
def functions_in(path: Path) -> SimpleNamespace:
    """Every top-level function (and class) of the Python file ``path`` as a :class:`FunctionSource`, by name."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    functions = {}
    for node in ast.parse(text).body:
        if isinstance(
            node, (ast.FunctionDef, ast.ClassDef)
        ):  # whole lines, so a comment after the last statement stays
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])  # with its decorators
            functions[node.name] = FunctionSource(node.name, "\n".join(lines[start - 1 : node.end_lineno]))
    return SimpleNamespace(**functions)


@functools.cache  # inspect tokenizes the whole module: read each function once per process
def _source(function: Callable[..., Any] | FunctionSource) -> str:
    if isinstance(function, FunctionSource):
        return textwrap.dedent(function.text).strip()
    return textwrap.dedent(inspect.getsource(function)).strip()


def source_of(*functions: Callable[..., Any] | FunctionSource) -> str:
    """The functions' own source, blank-line separated."""
    return "\n\n\n".join(_source(f) for f in functions)


@functools.cache
def starter_of(function: Callable[..., Any] | FunctionSource, hint: str) -> str:
    """The function's signature and docstring, with a body that says it is the student's to write."""
    source = _source(function)
    node = ast.parse(source).body[0]
    if not isinstance(node, ast.FunctionDef) or ast.get_docstring(node) is None:
        raise ValueError(f"{function.__name__}: a TODO function needs a docstring")
    docstring_end = node.body[0].end_lineno
    assert docstring_end is not None
    head = "\n".join(source.splitlines()[:docstring_end])
    message = f"{function.__name__} is yours to write ({hint})"
    return f'{head}\n    {TODO_MARK}: {hint}\n    raise NotImplementedError("{message}")'


def todo(name: str, hint: str, *functions: Callable[..., Any] | FunctionSource) -> Cell:
    """A cell of functions the student writes; ``hint`` names the homework's section."""
    starter = "\n\n\n".join(starter_of(f, hint) for f in functions)
    return Cell(name, "code", starter, source_of(*functions), "todo")


def given(name: str, *functions: Callable[..., Any] | FunctionSource) -> Cell:
    return code(name, source_of(*functions))
