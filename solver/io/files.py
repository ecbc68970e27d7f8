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

MAX_INPUT_BYTES = 20 * 1024 * 1024


class _ExactLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal, rejects aliases and duplicate keys."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in hw6 input", event.start_mark
            )
        return super().compose_node(parent, index)

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


def _construct_exact_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node).replace("_", "").lower()
    if text.lstrip("+-") in (".inf", ".nan"):
        return float(text.replace(".", ""))  # finite checks downstream reject these
    return Decimal(text)


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_exact_float)


def parse_structured(text: str, source: str, *, json_only: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or, with ``json_only``, strict JSON."""
    if json_only:
        try:
            return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except (json.JSONDecodeError, ValueError) as exc:
            raise InputFileError(f"{source}: not valid JSON: {exc}") from None
        except RecursionError:
            raise InputFileError(f"{source}: nested too deeply") from None
    try:
        return yaml.load(text, Loader=_ExactLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise InputFileError(f"{source}: not valid YAML: {detail}") from None
    except RecursionError:
        raise InputFileError(f"{source}: nested too deeply") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number hw6 accepts")


def read_text(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES, what: str = "a YAML or JSON file") -> str:
    """A UTF-8 text file of at most ``max_bytes``, or InputFileError naming the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            limit = f"{max_bytes // 2**20} MiB" if max_bytes >= 2**20 else f"{max_bytes:,} bytes"
            raise InputFileError(f"{path}: larger than {limit}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, expected {what}") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{path}: line {line} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def read_structured(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Read a YAML or JSON file (by its suffix; anything but .json is read as YAML)."""
    path = Path(path)
    text = read_text(path, max_bytes)
    return parse_structured(text, str(path), json_only=path.suffix.lower() == ".json")


def dump_json(data: Any) -> str:
    """The one JSON layout hw6 writes: stable, newline-terminated, mappings indented and
    lists of plain values kept on one line (``"symbols": ["w", "u1", "u2"]``)."""
    out: list[str] = []
    _json_chunks(data, 0, out)
    out.append("\n")
    return "".join(out)


_scalar = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode  # one encoder: a class report has 10^5 values


def _json_chunks(value: Any, depth: int, out: list[str]) -> None:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        out.append("{\n")
        last = len(value) - 1
        for index, (key, item) in enumerate(value.items()):
            out.append(f"{inner}{_scalar(str(key))}: ")
            _json_chunks(item, depth + 1, out)
            out.append(",\n" if index < last else "\n")
        out.append(pad + "}")
    elif isinstance(value, (list, tuple)) and value and any(isinstance(v, (dict, list, tuple)) for v in value):
        out.append("[\n")
        last = len(value) - 1
        for index, item in enumerate(value):
            out.append(inner)
            _json_chunks(item, depth + 1, out)
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


class StagedOutput:
    """Collect files in a hidden staging folder, then move them into place together.

    Nothing appears in the destination until :meth:`commit`; on any error the
    staging folder is removed, so a failed build leaves no partial files.
    """

    def __init__(self, destination: str | os.PathLike):
        self.destination = ensure_writable_dir(destination)
        self.staging = Path(tempfile.mkdtemp(dir=self.destination, prefix=".hw6-staging-"))
        self._files: list[str] = []

    def path(self, name: str) -> Path:
        """Where to stage ``name`` (relative to the destination)."""
        target = self.staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name not in self._files:
            self._files.append(name)
        return target

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8", newline="\n")

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def commit(self) -> list[Path]:
        written = []
        try:
            for name in self._files:
                target = self.destination / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / name, target)
                written.append(target)
        except OSError as exc:
            raise OutputError(f"{self.destination}: cannot write output there ({exc.strerror})") from None
        finally:
            self.discard()
        return written

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()


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
