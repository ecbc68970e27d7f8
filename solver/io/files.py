"""Reading YAML/JSON input safely, and writing output atomically.

Readers never build Python objects from tags, refuse YAML aliases (a few lines
of anchors can otherwise expand exponentially) and read decimals exactly
(:class:`decimal.Decimal`) so that ``0.1`` stays one tenth.
"""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import InputFileError, OutputError
from ..grading import inputs
from .staging import StagedOutput  # noqa: F401 - re-exported: the writers live together

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_NUMBER_CHARACTERS = 1000  # an integer or decimal written with more is refused before int()/Decimal()


class _ExactLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal, rejects aliases and duplicate keys, and checks
    every scalar (digit counts, explicit tags such as ``!!int abc``) before constructing anything."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in hw6 input", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_document(self, node):
        _check_nodes(self, node)
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            try:
                seen.add(key)
            except TypeError:
                pass
        return super().construct_mapping(node, deep=deep)


_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp", "binary")}


class _BadScalar(yaml.constructor.ConstructorError):
    """A scalar that cannot be read, with the dotted key path it sits at."""


def _check_nodes(loader: yaml.SafeLoader, root: yaml.Node) -> None:
    """Refuse, with the key path and line, scalars whose construction would fail or blow up:
    numbers with more than MAX_NUMBER_CHARACTERS characters (Python's int() refuses 4,300 digits,
    and slowly), tagged values that do not parse (``!!float x``) and unknown tags."""
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.append((key_node, path))
                stack.append((value_node, f"{path}.{key}" if path else str(key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(node.value))
        elif isinstance(node, yaml.ScalarNode):
            _check_scalar(loader, node, path)


def _check_scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode, path: str) -> None:
    where = f"{path}: " if path else ""
    if node.tag in (_INT_TAG, _FLOAT_TAG) and len(node.value) > MAX_NUMBER_CHARACTERS:
        problem = f"{where}a number written with {len(node.value):,} characters; at most {MAX_NUMBER_CHARACTERS:,}"
        raise _BadScalar(None, None, problem, node.start_mark)
    if node.tag in _SCALAR_TAGS:
        try:
            loader.yaml_constructors[node.tag](loader, node)
        except Exception:  # noqa: BLE001 - whatever PyYAML raises for this text, it is bad input
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problem = f"{where}{node.value[:40]!r} is not a valid {tag} value"
            raise _BadScalar(None, None, problem, node.start_mark) from None
    elif node.tag not in loader.yaml_constructors and node.tag.startswith(("!", "tag:")):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")[:60]
        raise _BadScalar(None, None, f"{where}the tag {tag} is not allowed", node.start_mark)


def _construct_exact_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node).replace("_", "").lower()
    if text.lstrip("+-") in (".inf", ".nan"):
        return float(text.replace(".", ""))  # finite checks downstream reject these
    return Decimal(text)


_ExactLoader.add_constructor(_FLOAT_TAG, _construct_exact_float)


class _TooLong:
    """A JSON number with too many characters, kept as a marker so the message can name its key."""

    def __init__(self, length: int):
        self.length = length


def _json_number(parse: Any) -> Any:
    def read(text: str) -> Any:
        return _TooLong(len(text)) if len(text) > MAX_NUMBER_CHARACTERS else parse(text)

    return read


def _find_too_long(data: Any, source: str) -> None:
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _TooLong):
            where = f"{path}: " if path else ""
            raise InputFileError(
                f"{source}: {where}a number written with {value.length:,} characters; at most {MAX_NUMBER_CHARACTERS:,}"
            )
        if isinstance(value, dict):
            stack.extend((item, f"{path}.{key}" if path else str(key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))


def parse_structured(text: str, source: str, *, json_only: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or, with ``json_only``, strict JSON."""
    if json_only:
        try:
            data = json.loads(
                text,
                parse_float=_json_number(Decimal),
                parse_int=_json_number(int),
                parse_constant=_reject_constant,
            )
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{source}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
        except ValueError as exc:
            raise InputFileError(f"{source}: not valid JSON: {exc}") from None
        except RecursionError:
            raise InputFileError(f"{source}: nested too deeply") from None
        _find_too_long(data, source)
        return data
    try:
        return yaml.load(text, Loader=_ExactLoader)  # noqa: S506 - SafeLoader subclass
    except _BadScalar as exc:
        raise InputFileError(f"{source}: line {exc.problem_mark.line + 1}: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        detail = " ".join(f"{exc.context or ''} {exc.problem or ''}".split())
        raise InputFileError(f"{source}: {where}not valid YAML: {detail}") from None
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise InputFileError(f"{source}: not valid YAML: {detail}") from None
    except RecursionError:
        raise InputFileError(f"{source}: nested too deeply") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number hw6 accepts")


def read_text(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES, what: str = "a YAML or JSON file") -> str:
    """A UTF-8 regular file of at most ``max_bytes``, or InputFileError naming the file."""
    return inputs.read_text(path, max_bytes, what, InputFileError)


def read_csv_rows(path: str | os.PathLike, max_bytes: int, what: str = "a CSV file") -> list[list[str]]:
    """Every row of a UTF-8 CSV file, or InputFileError naming the file and line."""
    return inputs.read_csv_rows(path, max_bytes, what, error=InputFileError)


def read_structured(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Read a YAML or JSON file (by its suffix; anything but .json is read as YAML)."""
    path = Path(path)
    text = read_text(path, max_bytes)
    return parse_structured(text, str(path), json_only=path.suffix.lower() == ".json")


def dump_json(data: Any) -> str:
    """The one JSON layout hw6 writes: stable, newline-terminated, mappings indented and
    lists of plain values kept on one line (``"symbols": ["w", "u1", "u2"]``)."""
    return "".join(_json_chunks(data, 0)) + "\n"


def _json_chunks(value: Any, depth: int):
    scalar = lambda v: json.dumps(v, ensure_ascii=False, allow_nan=False)  # noqa: E731
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        yield "{\n"
        for index, (key, item) in enumerate(value.items()):
            yield f"{inner}{scalar(str(key))}: "
            yield from _json_chunks(item, depth + 1)
            yield ",\n" if index < len(value) - 1 else "\n"
        yield pad + "}"
    elif isinstance(value, (list, tuple)) and value and any(isinstance(v, (dict, list, tuple)) for v in value):
        yield "[\n"
        for index, item in enumerate(value):
            yield inner
            yield from _json_chunks(item, depth + 1)
            yield ",\n" if index < len(value) - 1 else "\n"
        yield pad + "]"
    elif isinstance(value, (list, tuple)):
        yield scalar(value)  # plain values only: "[1, 2, 3]"
    else:
        yield scalar({} if isinstance(value, dict) else value)


def ensure_writable_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and prove it writable, or raise OutputError."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".hw6-probe-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"{path}: cannot write output there ({reason})") from None
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    ensure_writable_dir(path.parent)
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
