"""What each part's answer looks like: the answer template and the format check (``hw6 validate``).

Both work from the answer key's part specs (kind, shape, symbols) and never look
at a problem. The format check reads each answer as its grader would (syntax,
symbols, limits, number of entries) but never compares it with the key, so its
messages reveal nothing a student could not learn from the template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.answers import scalar_text
from ..engine.family import FamilyGrader
from ..engine.graders import ComplexityGrader, ExpressionGrader, Grader, exact_number
from ..engine.grid import read_vector
from ..engine.kinds import compile_part, is_graded
from ..engine.limits import AnswerError
from ..engine.lists import ListGrader, MatrixGrader, expression_entries
from ..engine.numbers import NumbersGrader
from ..engine.printed import read_printed
from ..engine.sequences import SequencesGrader
from ..engine.syntax import parse
from .submissions import flatten_answers

MAX_NAMES_SHOWN = 12
_BARE_KEY = re.compile(r"[0-9]+[a-z][A-Za-z0-9_.]*")  # 1b, 1a.t, 2c.step4: read by YAML as text


def gradable(parts: Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The parts graded automatically (the others are written, personal or data parts)."""
    return {part_id: spec for part_id, spec in parts.items() if is_graded(spec.get("kind"))}


# --------------------------------------------------------------------------- descriptions


def _names(names: list[str]) -> str:
    shown = names[:MAX_NAMES_SHOWN]
    return ", ".join(shown) + (", …" if len(names) > len(shown) else "")


def _count(value: Any) -> int | None:
    return len(value) if isinstance(value, (list, tuple)) else None


def _plural(count: int | None, one: str, many: str) -> str:
    if count is None:
        return f"a list of {many}"
    return f"a list of {count} {one if count == 1 else many}"


def describe(part_id: str, spec: Mapping[str, Any]) -> str:
    """What a part expects, from its kind and shape: "an expression in w, u1, u2, u3"."""
    grader = compile_part(part_id, spec)
    kind, value = spec.get("kind"), spec.get("value")
    if isinstance(grader, ExpressionGrader) or (isinstance(grader, ListGrader) and kind == "expr_list"):
        space = grader.space
        symbols = [s for s in space.symbols if s not in space.trees]
        text = "an expression" if kind == "expr" else _plural(_count(value), "expression", "expressions")
        text += f" in {_names(symbols)}" if symbols else " (a number)"
        if space.trees:
            text += f"; it may also use {_names(list(space.trees))}"
        return text
    if isinstance(grader, ListGrader):
        if not isinstance(value, list):
            return "a list of exact numbers (integers or fractions such as -1/2), or a word if no list fits"
        return _plural(len(value), "exact number", "exact numbers") + " (integers or fractions such as -1/2)"
    if isinstance(grader, MatrixGrader):
        rows, columns = grader.shape(grader.key)
        return f"a list of {rows} rows, each a list of {columns} exact numbers (integers or fractions such as -1/2)"
    if isinstance(grader, SequencesGrader):
        count = len(grader.key)
        ranking = "in any order" if not grader.ordered else "best first"
        noun = "hypothesis" if count == 1 else "hypotheses"
        return f"a list of {count} {noun}, {ranking}, each its tokens separated by spaces"
    if isinstance(grader, ComplexityGrader):
        names = sorted(grader.grammar.names, key=str.lower)
        return f"a big-O class in {_names(names)}, such as O(...)"
    if isinstance(grader, NumbersGrader):
        if grader.scalar:
            text = "a number"
        else:
            text = _plural(len(grader.key), "number", "numbers")
        order: Any = spec.get("order") or spec.get("labels")
        if isinstance(order, list):
            text += ": " + ", ".join(str(o) for o in order)
        elif isinstance(order, str):
            text += f" ({order})"
        if spec.get("below") is not None:
            text += "; your own measured values"
        if grader.min_digits is not None:
            text += f"; at least {grader.min_digits} significant digits each"
        return text
    return "an answer"


def template_key(part_id: str) -> str:
    return part_id if _BARE_KEY.fullmatch(part_id) else json.dumps(part_id)


def template_text(
    parts: Mapping[str, Mapping[str, Any]], variant: str, printed_in: Mapping[str, str] | None = None
) -> str:
    """``answers-template.yaml``: every gradable part with an empty value and what it expects.

    Filled in, it is an answers file; left empty, every part reads as "no answer". ``printed_in``
    names, per part, the notebook cell whose output is the answer (in the comments only: the
    key is the same with or without notebooks).
    """
    printed_in = printed_in or {}
    lines = [
        f"# Answers to Homework 6 ({variant}).",
        "# Write each answer after its part's colon, on the same line; a part left empty is not answered.",
        "# Expressions are text such as 3 w^2 u1 + 2 w u2 + u3; lists go in square brackets: [1, -1/2, 3].",
        "# Put an answer in double quotes if it starts with * & ! % @ ` { | > or contains ': ' or ' #'.",
        "# Parts that ask for a written explanation are not in this file.",
        "",
    ]
    for part_id, spec in gradable(parts).items():
        source = f"; copy what the {printed_in[part_id]} prints" if part_id in printed_in else ""
        lines.append(f"{template_key(part_id)}:   # {describe(part_id, spec)}{source}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the format check


@dataclass
class FormatReport:
    problems: dict[str, str] = field(default_factory=dict)  # part id (or "file") -> what is wrong
    unknown: list[str] = field(default_factory=list)  # notes about ids that are not parts
    answered: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.unknown

    def lines(self) -> list[str]:
        lines = [f"{part}: {message}" for part, message in self.problems.items()] + list(self.unknown)
        if self.unanswered:
            lines.append(f"not answered: {_names(self.unanswered)}")
        return lines


def check_format(data: Any, parts: Mapping[str, Mapping[str, Any]]) -> FormatReport:
    """Read every answer in ``data`` (a parsed answers file) as its part's grader would."""
    report = FormatReport()
    if not isinstance(data, Mapping):
        report.problems["file"] = "expected a mapping from part ids to answers (part id: answer, one a line)"
        return report
    answers, report.unknown = flatten_answers(data, parts)
    for part_id, spec in gradable(parts).items():
        answer = answers.get(part_id)
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            report.unanswered.append(part_id)
            continue
        report.answered.append(part_id)
        try:
            read_like_grader(compile_part(part_id, spec), answer)
        except AnswerError as error:
            report.problems[part_id] = str(error)
    return report


def read_like_grader(grader: Grader, answer: Any) -> None:
    """Raise AnswerError when the answer cannot be read or has the wrong number of entries."""
    if isinstance(grader, ExpressionGrader):
        _expression(grader, answer)
    elif isinstance(grader, ListGrader):
        words = isinstance(grader.key, str) or any(isinstance(a, str) for a in grader.accepted)
        if words and isinstance(answer, str) and not re.search(r"[,\[\]]", answer):
            return  # a word such as "none", which the grader compares as a word
        entries = read_vector(answer) if grader.kind == "vector" else expression_entries(answer)
        _entries(len(entries), None if isinstance(grader.key, str) else len(grader.key), "entries")
        for index, entry in enumerate(entries):
            try:
                if grader.kind == "expr_list":
                    _expression(grader, entry)
                else:
                    exact_number(grader.space, entry)
            except AnswerError as error:
                raise AnswerError(f"entry {index + 1}: {error}") from None
    elif isinstance(grader, FamilyGrader):
        grader.affine(read_vector(answer))
    elif isinstance(grader, MatrixGrader):
        shape = grader.shape(grader.read(answer))
        rows, columns = grader.shape(grader.key)
        if shape != (rows, columns):
            got = "rows of different lengths" if -1 in shape else "{}×{}".format(*shape)
            raise AnswerError(f"expected {rows} rows of {columns} entries, got {got}")
    elif isinstance(grader, SequencesGrader):
        _entries(len(grader.read(answer)), len(grader.key), "hypotheses")
    elif isinstance(grader, ComplexityGrader):
        grader.read(answer)
    elif isinstance(grader, NumbersGrader):
        given = read_printed(answer)
        if grader.flat(given) is None:
            raise AnswerError(f"expected {grader.expected_shape()}, got {grader.got(given)}")


def _expression(grader: ExpressionGrader | ListGrader, answer: Any) -> None:
    """Syntax, symbols and size limits only: no algebra, so a hostile answer costs nothing here."""
    tree = parse(scalar_text(answer), grader.space.grammar)
    grader.space.measure(tree)


def _entries(got: int, expected: int | None, noun: str) -> None:
    if expected is not None and got != expected:
        raise AnswerError(f"expected {expected} {noun}, got {got}")
