"""hw6 as a wheel built from the running code, byte for byte the same on every build.

The autograder must grade with the exact code that drew the variants, so the wheel is made
from the ``solver`` package this process imported (not from an index), and it declares only
the grading dependencies, pinned to the versions installed here. A wheel is a zip with a
``.dist-info`` folder (PEP 427); entries are sorted and carry a fixed timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import solver

from .. import __version__

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
GRADING_DEPENDENCIES = ("numpy", "sympy", "PyYAML", "threadpoolctl")  # what solving and grading import
SKIPPED_PARTS = ("__pycache__",)
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def wheel_name() -> str:
    return f"hw6-{__version__}-py3-none-any.whl"


def pinned_dependencies() -> list[str]:
    """``name==version`` of each grading dependency as installed in this environment."""
    return [f"{name}=={metadata.version(name)}" for name in GRADING_DEPENDENCIES]


def package_files(package_root: Path) -> list[tuple[str, bytes]]:
    """(path inside the wheel, content) for every file of the package, sorted."""
    files = []
    for path in sorted(package_root.rglob("*")):
        relative = path.relative_to(package_root.parent)
        if not path.is_file() or any(p in SKIPPED_PARTS for p in relative.parts) or path.suffix in SKIPPED_SUFFIXES:
            continue
        files.append((relative.as_posix(), path.read_bytes()))
    templates = package_root.parent / "templates"  # the source tree keeps them beside the package
    if templates.is_dir() and not (package_root / "templates").is_dir():
        for path in sorted(templates.rglob("*")):
            if path.is_file():
                files.append(("solver/templates/" + path.relative_to(templates).as_posix(), path.read_bytes()))
    return sorted(files)


def _record_line(name: str, content: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode("ascii")
    return f"{name},sha256={digest},{len(content)}"


def _metadata(requirements: Iterable[str]) -> str:
    lines = ["Metadata-Version: 2.1", "Name: hw6", f"Version: {__version__}", "Requires-Python: >=3.10"]
    lines += [f"Requires-Dist: {r}" for r in requirements]
    return "\n".join(lines) + "\n"


def build_wheel(package_root: Path | None = None) -> bytes:
    """The wheel's bytes (its file name is :func:`wheel_name`)."""
    root = package_root or Path(solver.__file__).resolve().parent
    info = f"hw6-{__version__}.dist-info"
    files = package_files(root)
    files += [
        (f"{info}/METADATA", _metadata(pinned_dependencies()).encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: hw6\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{info}/entry_points.txt", b"[console_scripts]\nhw6 = solver.cli:main\n"),
    ]
    record = "\n".join(_record_line(name, content) for name, content in files) + f"\n{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    return deterministic_zip(files)


def deterministic_zip(files: Iterable[tuple[str, bytes]], executables: Iterable[str] = ()) -> bytes:
    """A zip of (name, content) in the given order, fixed timestamps and permissions."""
    executable = set(executables)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, so that the permission bits below are honoured
            entry.external_attr = ((0o100755 if name in executable else 0o100644) & 0xFFFF) << 16
            archive.writestr(entry, content)
    return buffer.getvalue()
