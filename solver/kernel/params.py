"""Typed parameters: each problem's dataclass, read strictly from YAML/JSON.

A problem declares its parameters as a frozen dataclass whose fields are made
with :func:`param` (default = the homework's value, a description, bounds).
:func:`from_mapping` builds one from untrusted data, checking every key and
type and naming the dotted field on error; :func:`to_jsonable` turns it back
into data that :func:`from_mapping` reads to an equal object.

Supported field types: ``int``, ``bool``, ``str``, :data:`Number` (an exact
SymPy Rational), ``tuple[X, ...]``, ``dict[str, X]``, ``X | None``,
``Literal[...]`` and nested parameter dataclasses. A field may instead name a
``convert(value, field) -> value`` function for shapes these cannot express.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union, cast

import sympy as sp

from .errors import ParamsError
from .exact import exact_json, range_text, to_integer, to_rational

Number = sp.Rational
"""Annotation for an exact number read from an integer, decimal or fraction."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def param(
    default: Any = dataclasses.MISSING,
    doc: str = "",
    *,
    minimum: Any = None,
    maximum: Any = None,
    convert: Callable[[Any, str], Any] | None = None,
    default_factory: Callable[[], Any] | Any = dataclasses.MISSING,
) -> Any:
    """A parameter field: its default, what it means and the bounds it must keep."""
    metadata = {"doc": doc, "minimum": minimum, "maximum": maximum, "convert": convert}
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


class ParamsBase:
    """Mixin for parameter dataclasses: override :meth:`validate` for cross-field rules.

    ``validate`` raises :class:`ParamsError` with a field path relative to the
    dataclass; :func:`from_mapping` prefixes the section.
    """

    def __post_init__(self) -> None:
        check_bounds(self)
        self.validate()

    def validate(self) -> None:
        """Check rules that involve more than one field."""

    def replace(self, **changes: Any) -> Any:
        return dataclasses.replace(cast(Any, self), **changes)  # every subclass is a dataclass


def join(path: str, key: str | int) -> str:
    """Extend a dotted field path: ``a.b``, ``a[0]``, ``a["two words"]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def from_mapping(cls: type, data: Any, path: str) -> Any:
    """Build parameter dataclass ``cls`` from untrusted ``data`` found at ``path``."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ParamsError(path, f"a mapping with keys {_key_list(cls)}", data, has_got=True)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    hints = typing.get_type_hints(cls)
    for key in data:
        if key not in fields:
            raise ParamsError(join(path, str(key)), f"no such key; {path} takes {_key_list(cls)}")
    values = {}
    for name, value in data.items():
        field = fields[name]
        values[name] = convert_value(value, hints[name], join(path, name), field.metadata)
    try:
        return cls(**values)
    except ParamsError as exc:
        raise exc.within(path) from None


def _key_list(cls: type) -> str:
    return ", ".join(f.name for f in dataclasses.fields(cls) if f.init) or "no keys"


def convert_value(value: Any, annotation: Any, path: str, metadata: Mapping | None = None) -> Any:
    """Convert ``value`` to ``annotation``'s type, checking ``metadata`` bounds."""
    metadata = metadata or {}
    minimum, maximum = metadata.get("minimum"), metadata.get("maximum")
    if metadata.get("convert") is not None:
        return metadata["convert"](value, path)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return convert_value(value, inner, path, metadata)
    if origin is Literal:
        if value not in args:
            raise ParamsError(path, "one of " + ", ".join(map(str, args)), value, has_got=True)
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            raise ParamsError(path, "true or false", value, has_got=True)
        return value
    if annotation is int:
        return to_integer(value, path, minimum=minimum, maximum=maximum)
    if annotation is str:
        if not isinstance(value, str):
            raise ParamsError(path, "text", value, has_got=True)
        return value
    if annotation is Number:
        number = to_rational(value, path)
        _check_bounds(number, path, minimum, maximum)
        return number
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ParamsError(path, "a list", value, has_got=True)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(convert_value(v, args[0], join(path, i)) for i, v in enumerate(value))
        if len(value) != len(args):
            raise ParamsError(path, f"a list of {len(args)} items", value, has_got=True)
        return tuple(convert_value(v, a, join(path, i)) for i, (v, a) in enumerate(zip(value, args, strict=False)))
    if origin in (dict, Mapping, typing.Mapping):
        if not isinstance(value, Mapping):
            raise ParamsError(path, "a mapping", value, has_got=True)
        key_type, value_type = args
        converted = {}
        for key, item in value.items():
            if key_type is str and not isinstance(key, str):
                raise ParamsError(join(path, str(key)), "a text key", key, has_got=True)
            converted[key] = convert_value(item, value_type, join(path, key))
        return converted
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return from_mapping(annotation, value, path)
    raise TypeError(f"{path}: parameter type {annotation!r} is not supported")  # a bug, not input


def _check_bounds(number: sp.Rational, path: str, minimum: Any, maximum: Any) -> None:
    if minimum is not None and number < minimum:
        raise ParamsError(path, f"a number >= {minimum}", exact_json(number))
    if maximum is not None and number > maximum:
        raise ParamsError(path, f"a number <= {maximum}", exact_json(number))


def check_bounds(params: Any) -> None:
    """Check every field of ``params`` against its declared bounds (programmatic construction)."""
    for field in dataclasses.fields(params):
        value = getattr(params, field.name)
        minimum, maximum = field.metadata.get("minimum"), field.metadata.get("maximum")
        if isinstance(value, bool) or not isinstance(value, (int, sp.Rational)):
            continue
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            expected = range_text("a value", minimum, maximum)
            raise ParamsError(field.name, expected, exact_json(value) if isinstance(value, sp.Rational) else value)


def to_jsonable(value: Any) -> Any:
    """Parameters as plain JSON data, exact numbers as ints or exact text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, sp.Rational):
        return exact_json(value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def number_list(*, max_length: int, min_length: int = 1) -> Callable[[Any, str], tuple[sp.Rational, ...]]:
    """A ``convert=`` for a list of exact numbers with a length in [min_length, max_length]."""

    def convert(value: Any, path: str) -> tuple[sp.Rational, ...]:
        if not isinstance(value, (list, tuple)):
            raise ParamsError(path, "a list of numbers", value, has_got=True)
        if not min_length <= len(value) <= max_length:
            raise ParamsError(path, f"a list of {min_length} to {max_length} numbers", value, has_got=True)
        return tuple(to_rational(v, join(path, i)) for i, v in enumerate(value))

    return convert


def number_grid(*, max_rows: int, max_columns: int) -> Callable[[Any, str], tuple[tuple[sp.Rational, ...], ...]]:
    """A ``convert=`` for a non-empty rectangular list of rows of exact numbers."""
    row = number_list(max_length=max_columns)

    def convert(value: Any, path: str) -> tuple[tuple[sp.Rational, ...], ...]:
        if not isinstance(value, (list, tuple)) or not value:
            raise ParamsError(path, f"a list of 1 to {max_rows} rows (lists of numbers)", value, has_got=True)
        if len(value) > max_rows:
            raise ParamsError(path, f"at most {max_rows} rows", value, has_got=True)
        rows = tuple(row(r, join(path, i)) for i, r in enumerate(value))
        for i, r in enumerate(rows):
            if len(r) != len(rows[0]):
                raise ParamsError(
                    join(path, i), f"{len(rows[0])} numbers, as many as the first row", value[i], has_got=True
                )
        return rows

    return convert


def number_list_or_grid(*, max_length: int, max_rows: int, max_columns: int) -> Callable[[Any, str], tuple]:
    """A ``convert=`` for 1-D data (a list of numbers) or 2-D data (a list of rows)."""
    as_list, as_grid = number_list(max_length=max_length), number_grid(max_rows=max_rows, max_columns=max_columns)

    def convert(value: Any, path: str) -> tuple:
        if isinstance(value, (list, tuple)) and value and any(isinstance(v, (list, tuple)) for v in value):
            for i, item in enumerate(value):
                if not isinstance(item, (list, tuple)):
                    raise ParamsError(
                        join(path, i), "a row (a list of numbers) like the other rows", item, has_got=True
                    )
            return as_grid(value, path)
        return as_list(value, path)

    return convert
