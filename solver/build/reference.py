"""The parameter reference: every section's defaults as a commented YAML file, from ``param(...)``.

Each field's line shows its default (the homework's value) and, as a comment, its ``doc``, its
bounds and the choices of a ``Literal``; a nested parameters dataclass becomes an indented block.
The README's parameter block is this text (``scripts/readme-params`` writes it, a test compares),
and it reads back to the defaults, so the reference is also a valid parameters file.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ..kernel.params import to_jsonable

COMMENT_COLUMN = 36  # comments line up here unless the line is longer
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9_.'-]*")
_NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


@dataclasses.dataclass(frozen=True)
class Section:
    """One top-level section of a parameters file."""

    name: str
    params_type: type
    comment: str = ""


def reference_yaml(sections: Sequence[Section]) -> str:
    """The commented YAML of every section's defaults; sections without parameters are left out."""
    lines: list[tuple[str, str]] = []
    for section in sections:
        if dataclasses.fields(section.params_type):
            lines.append((f"{section.name}:", section.comment))
            lines += _fields(section.params_type(), "  ")
    return "".join(_with_comment(text, comment) for text, comment in lines)


def _with_comment(text: str, comment: str) -> str:
    if not comment:
        return text + "\n"
    return f"{text.ljust(COMMENT_COLUMN - 2)}  # {comment}\n"


def _fields(params: Any, indent: str) -> list[tuple[str, str]]:
    hints = typing.get_type_hints(type(params))
    lines: list[tuple[str, str]] = []
    for field in dataclasses.fields(params):
        if not field.init:
            continue
        value = getattr(params, field.name)
        comment = _comment(field, hints.get(field.name))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            lines.append((f"{indent}{field.name}:", comment))
            lines += _fields(value, indent + "  ")
            continue
        data = to_jsonable(value)
        if isinstance(data, Mapping) and data and all(isinstance(v, Mapping) for v in data.values()):
            lines.append((f"{indent}{field.name}:", comment))  # a table: one row per entry
            lines += [(f"{indent}  {_key(key)}: {_flow(row)}", "") for key, row in data.items()]
            continue
        lines.append((f"{indent}{field.name}: {_flow(data)}", comment))
    return lines


def _comment(field: dataclasses.Field, annotation: Any) -> str:
    parts = [field.metadata.get("doc", "")]
    minimum, maximum = field.metadata.get("minimum"), field.metadata.get("maximum")
    if minimum is not None and maximum is not None:
        parts.append(f"{_flow(to_jsonable(minimum))} to {_flow(to_jsonable(maximum))}")
    elif minimum is not None:
        parts.append(f"at least {_flow(to_jsonable(minimum))}")
    elif maximum is not None:
        parts.append(f"at most {_flow(to_jsonable(maximum))}")
    if typing.get_origin(annotation) is Literal:
        parts.append(" | ".join(str(choice) for choice in typing.get_args(annotation)))
    return "; ".join(part for part in parts if part)


def _key(key: Any) -> str:
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS else json.dumps(text)


def _flow(data: Any) -> str:
    """YAML flow style that reads back to ``data``: decimals stay plain (read exactly), text is quoted
    only where YAML would read it as something else."""
    if isinstance(data, bool):
        return "true" if data else "false"
    if data is None:
        return "null"
    if isinstance(data, int):
        return str(data)
    if isinstance(data, str):
        if _NUMBER_TEXT.fullmatch(data):  # an exact decimal such as -0.36
            return data
        return data if _PLAIN_TEXT.fullmatch(data) and data.lower() not in _YAML_WORDS else json.dumps(data)
    if isinstance(data, Mapping):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in data.items()) + "}"
    if isinstance(data, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in data) + "]"
    raise TypeError(f"no YAML form for parameter value {data!r}")  # a bug: parameters are JSON data
