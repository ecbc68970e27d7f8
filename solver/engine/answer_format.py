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

from .feedback import names_text
from .graders import Grader
from .keyspec import Parts, PartSpec
from .kinds import compile_part, is_graded
from .limits import AnswerError

_BARE_KEY = re.compile(r"[0-9]+[a-z][A-Za-z0-9_.]*")  # 1b, 1a.t, 2c.step4: read by YAML as text


def gradable(parts: Parts) -> dict[str, PartSpec]:
    """The parts graded automatically (the others are written, personal or data parts)."""
    return {part_id: spec for part_id, spec in parts.items() if is_graded(spec.get("kind"))}


# --------------------------------------------------------------------------- descriptions


def describe(part_id: str, spec: PartSpec) -> str:
    """What a part expects, from its kind and shape: "an expression in w, u1, u2, u3" (its grader says)."""
    return compile_part(part_id, spec).expects()


def template_key(part_id: str) -> str:
    return part_id if _BARE_KEY.fullmatch(part_id) else json.dumps(part_id)


def template_text(parts: Parts, variant: str, printed_in: Mapping[str, str] | None = None) -> str:
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


def flatten_answers(data: Mapping, parts: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The answers to known parts (nested mappings joined with dots) and notes on the other keys."""
    answers: dict[str, Any] = {}
    notes: list[str] = []
    for raw_key, value in data.items():
        key = str(raw_key)
        if key in ("student", "seed") and key not in parts:
            continue
        if key not in parts and isinstance(value, Mapping) and any(p.startswith(key + ".") for p in parts):
            nested, nested_notes = flatten_answers({f"{key}.{k}": v for k, v in value.items()}, parts)
            answers.update(nested)
            notes += nested_notes
        elif key in parts:
            answers[key] = value
        else:
            notes.append(f"'{_short(key)}' is not a part of the answer key; ignored")
    return answers, notes


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            lines.append(f"not answered: {names_text(self.unanswered)}")
        return lines


def check_format(data: Any, parts: Parts) -> FormatReport:
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
    grader.check_format(answer)
