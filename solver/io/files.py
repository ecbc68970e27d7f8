"""Reading YAML/JSON input safely, and writing output atomically.

Readers never build Python objects from tags, refuse YAML aliases (a few lines
of anchors can otherwise expand exponentially) and read decimals exactly
(:class:`decimal.Decimal`) so that ``0.1`` stays one tenth.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..kernel.errors import InputFileError, OutputError
from . import inputs
from .staging import StagedOutput  # noqa: F401 - re-exported: the writers live together

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_NUMBER_CHARACTERS = 1000  # an integer or decimal written with more is refused before int()/Decimal()


MAX_NODES = 200_000  # values in one document; the largest tree a parameters file may hold has about 80,000


class _ExactConstruction(yaml.constructor.SafeConstructor):
    """Safe construction that reads floats as Decimal, rejects aliases and duplicate keys, and checks
    every node (count, digits, explicit tags such as ``!!int abc``) before constructing anything."""

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


class _ExactLoader(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
    _ExactConstruction, yaml.resolver.Resolver,
):  # fmt: skip
    """The pure-Python loader, used when PyYAML was built without libyaml."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _ExactConstruction.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in hw6 input", event.start_mark
            )
        return super().compose_node(parent, index)


if getattr(yaml, "__with_libyaml__", False):

    class _FastExactLoader(yaml.cyaml.CParser, _ExactConstruction, yaml.resolver.Resolver):
        """libyaml's parser (about six times faster); aliases are caught by :func:`_check_nodes`."""

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            _ExactConstruction.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _LOADER: type = _FastExactLoader
else:  # pragma: no cover - PyYAML wheels bundle libyaml
    _LOADER = _ExactLoader


_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp", "binary")}


class _BadScalar(yaml.constructor.ConstructorError):
    """A scalar that cannot be read, with the dotted key path it sits at."""


def _check_nodes(loader: yaml.SafeLoader, root: yaml.Node) -> None:
    """Refuse, with the key path and line, scalars whose construction would fail or blow up:
    numbers with more than MAX_NUMBER_CHARACTERS characters (Python's int() refuses 4,300 digits,
    and slowly), tagged values that do not parse (``!!float x``) and unknown tags."""
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # one node reached twice: an alias (a few lines could expand exponentially)
            raise _BadScalar(None, None, "aliases (*name) are not allowed in hw6 input", node.start_mark)
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            where = f"{path}: " if path else ""
            problem = f"{where}more than {MAX_NODES:,} values in one file; hw6 input is smaller"
            raise _BadScalar(None, None, problem, node.start_mark)
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


_ExactConstruction.add_constructor(_FLOAT_TAG, _construct_exact_float)


class _Refused:
    """A JSON value hw6 does not accept (a number with too many characters, NaN), kept as a
    marker while parsing so that the message can name the key it sits at."""

    def __init__(self, problem: str):
        self.problem = problem


def _json_number(parse: Any) -> Any:
    def read(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARACTERS:
            return _Refused(f"a number written with {len(text):,} characters; at most {MAX_NUMBER_CHARACTERS:,}")
        return parse(text)

    return read


def _json_constant(name: str) -> Any:
    return _Refused(f"{name} is not a number hw6 accepts")


def _find_refused(data: Any, source: str) -> None:
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _Refused):
            raise InputFileError(f"{source}: {path + ': ' if path else ''}{value.problem}")
        if isinstance(value, dict):
            stack.extend((item, f"{path}.{key}" if path else str(key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))


_COUNT_FIRST_ABOVE = 256 * 1024  # characters; smaller files are composed directly


def _refuse_too_many_values(text: str) -> None:
    """Walk a large document's parser events (lazily: no nodes are built) and stop at the
    MAX_NODES-th value, so a 3 MB list is refused in the time MAX_NODES values take to scan."""
    loader = (yaml.cyaml.CBaseLoader if _LOADER is not _ExactLoader else yaml.BaseLoader)(text)
    path: list[list] = []  # per open collection: [is_mapping, key or index, expecting a key]
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    count = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                path.pop()
                _next_item(path)
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, *starts)):
                continue
            top = path[-1] if path else None
            if top is not None and top[0] and top[2]:  # a mapping's key: it names the path
                top[1], top[2] = getattr(event, "value", "?"), False
                if isinstance(event, starts):  # a complex key; its contents count as values
                    path.append([isinstance(event, yaml.MappingStartEvent), 0 if top is None else "", True])
                continue
            count += 1
            if count > MAX_NODES:
                where = "".join(f".{key}" if is_map else f"[{key}]" for is_map, key, _ in path).lstrip(".")
                problem = f"{where + ': ' if where else ''}more than {MAX_NODES:,} values in one file"
                raise _BadScalar(None, None, problem + "; hw6 input is smaller", event.start_mark)
            if isinstance(event, starts):
                path.append(
                    [
                        isinstance(event, yaml.MappingStartEvent),
                        "" if isinstance(event, yaml.MappingStartEvent) else 0,
                        True,
                    ]
                )
            else:
                _next_item(path)
    finally:
        loader.dispose()


def _next_item(path: list[list]) -> None:
    if path:
        if path[-1][0]:
            path[-1][2] = True
        else:
            path[-1][1] += 1


@contextmanager
def _json_errors(source: str) -> Iterator[None]:
    """JSON that cannot be read, as the one-line error naming ``source``."""
    try:
        yield
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{source}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise InputFileError(f"{source}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputFileError(f"{source}: nested too deeply") from None


def parse_structured(text: str, source: str, *, json_only: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or, with ``json_only``, strict JSON."""
    if json_only:
        with _json_errors(source):
            data = json.loads(
                text,
                parse_float=_json_number(Decimal),
                parse_int=_json_number(int),
                parse_constant=_json_constant,
            )
        _find_refused(data, source)
        return data
    try:
        if len(text) > _COUNT_FIRST_ABOVE:
            _refuse_too_many_values(text)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - safe construction only
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


def json_records(text: str, source: str) -> Iterator[tuple[int, Any]]:
    """(position, record) for each element of a JSON list, or once for a lone JSON object, read one
    record at a time under :func:`parse_structured`'s rules: a class's results (600 MB for 50,000
    students) never become one tree of Python objects."""
    decoder = json.JSONDecoder(
        parse_float=_json_number(Decimal), parse_int=_json_number(int), parse_constant=_json_constant
    )
    space = re.compile(r"[ \t\n\r]*")

    def skip(position: int) -> int:
        match = space.match(text, position)
        return match.end() if match else position

    def decode(position: int) -> tuple[Any, int]:
        with _json_errors(source):
            record, end = decoder.raw_decode(text, position)
        _find_refused(record, source)
        return record, end

    def fail(position: int, expected: str) -> InputFileError:
        line = text.count("\n", 0, position) + 1
        return InputFileError(f"{source}: line {line}: not valid JSON: {expected}")

    position = skip(0)
    if not text.startswith("[", position):
        record, end = decode(position)
        if skip(end) != len(text):
            raise fail(skip(end), "Extra data")
        yield position, record
        return
    position = skip(position + 1)
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            record, end = decode(position)
            yield position, record
            position = skip(end)
            if text.startswith(",", position):
                position = skip(position + 1)
            elif text.startswith("]", position):
                position += 1
                break
            else:
                raise fail(position, "Expecting ',' delimiter")
    if skip(position) != len(text):
        raise fail(skip(position), "Extra data")


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


def text_digest(text: str | bytes) -> str:
    """The digest of a params.json's text (its first 16 hex digits of SHA-256): what a manifest records."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:16]


def dump_json(data: Any) -> str:
    """The one JSON layout hw6 writes: stable, newline-terminated, mappings indented and
    lists of plain values kept on one line (``"symbols": ["w", "u1", "u2"]``)."""
    out: list[str] = []
    _json_chunks(data, 0, out, {})
    out.append("\n")
    return "".join(out)


_scalar = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode  # one encoder: a class report has 10^5 values
_string = json.encoder.encode_basestring  # what that encoder does with a str, without the method calls
_CONSTANTS = {True: "true", False: "false"}


def _scalar_text(value: Any) -> str:
    """The encoder's text for one plain value; the common types without its dispatch."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and value - value == 0:  # finite (NaN and infinities go to the encoder, which refuses them)
        return float.__repr__(value)
    if kind is bool:
        return _CONSTANTS[value]
    if value is None:
        return "null"
    return _scalar(value)


_NESTED = (dict, list, tuple)


def _json_chunks(value: Any, depth: int, out: list[str], written: dict[tuple[int, int], str]) -> None:
    """``written``: the text of each flat mapping by its identity and depth (a class report shares
    one mapping per distinct part result: it is encoded once)."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        if not any(isinstance(item, _NESTED) for item in value.values()):  # one result's fields: one string
            text = written.get((id(value), depth))
            if text is None:
                fields = ",\n".join(f"{inner}{_string(str(key))}: {_scalar_text(item)}" for key, item in value.items())
                text = written[(id(value), depth)] = f"{{\n{fields}\n{pad}}}"
            out.append(text)
            return
        out.append("{\n")
        last = len(value) - 1
        for index, (key, item) in enumerate(value.items()):
            out.append(f"{inner}{_string(str(key))}: ")
            if isinstance(item, _NESTED):
                _json_chunks(item, depth + 1, out, written)
            else:
                out.append(_scalar_text(item))
            out.append(",\n" if index < last else "\n")
        out.append(pad + "}")
    elif isinstance(value, (list, tuple)) and value and any(isinstance(v, _NESTED) for v in value):
        out.append("[\n")
        last = len(value) - 1
        for index, item in enumerate(value):
            out.append(inner)
            _json_chunks(item, depth + 1, out, written)
            out.append(",\n" if index < last else "\n")
        out.append(pad + "]")
    elif isinstance(value, (list, tuple)):
        out.append(_scalar(value))  # plain values only: "[1, 2, 3]"
    else:
        out.append(_scalar({} if isinstance(value, dict) else value))


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write output there ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(temporary, path)
    except OSError as exc:  # a full disk or quota shows here: named, and nothing half-written left
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write output there ({exc.strerror or exc})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
