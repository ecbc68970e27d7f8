"""A precompiled LaTeX format holding the sheets' preamble, so each sheet skips loading its packages.

The sheets' preamble is the same for every student up to the line
``\\csname endofdump\\endcsname`` (what comes after it, such as the footer with
the variant's id, differs). mylatexformat dumps everything before that line
into a ``.fmt`` file with ``pdflatex -ini``; a document compiled with
``-fmt=`` that format then starts reading after the marker. Without the format
the marker is a no-op (an undefined ``\\csname`` is ``\\relax``).

A format belongs to one TeX Live build and one preamble: its cache key is the
hash of both (and hw6's version). Formats are kept in ``<cache>/latex-format/``
when a cache folder is given, else in a temporary folder for the life of the
process. A format that cannot be built (no mylatexformat, a failing preamble)
is remembered as missing and the sheet is compiled without it. Beside each format a
``.seal`` names it and holds its digest (the suffix slot of :func:`..io.cache.sealed`):
a format that does not match its seal is built again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ..io.cache import cache_key, read_regular, sealed, unsealed
from ..io.files import write_bytes_atomic
from ..kernel.errors import OutputError

MARKER = "\\csname endofdump\\endcsname"
KIND = "latex-format"
TIMEOUT_SECONDS = 300

_LOCK = threading.Lock()
_KNOWN: dict[tuple[str, str], Path | None] = {}  # (cache folder, key) -> format path or None
_SCRATCH: list[Path] = []


def preamble_of(tex_text: str) -> str | None:
    """The text a format can hold: everything up to and including the marker line (None without one)."""
    at = tex_text.find(MARKER)
    if at < 0 or "\\begin{document}" in tex_text[:at]:
        return None
    return tex_text[: at + len(MARKER)] + "\n"


_BANNER: list[str] = []


def tex_banner() -> str:
    """pdflatex's version line: a format is only valid for the build that made it."""
    if not _BANNER:
        try:
            out = subprocess.run(["pdflatex", "--version"], capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        _BANNER.append(out.splitlines()[0] if out else "")
    return _BANNER[0]


def format_key(preamble: str) -> str:
    digest = hashlib.sha256(preamble.encode("utf-8")).hexdigest()
    return cache_key(KIND, {"preamble_sha256": digest, "tex": tex_banner()})


def format_for(preamble: str, cache_dir: str | os.PathLike | None = None) -> Path | None:
    """The path (without ``.fmt``) to pass as ``-fmt=`` for ``preamble``, building it once; None if it cannot be built."""
    key = format_key(preamble)
    entry = (str(cache_dir or ""), key)
    with _LOCK:  # one build per format, even with several LaTeX threads
        if entry in _KNOWN:
            return _KNOWN[entry]
        # Absolute: pdflatex runs in the sheet's folder, and a relative -fmt= would send it to mktexfmt.
        folder = (Path(cache_dir) / KIND).absolute() if cache_dir is not None else _scratch()
        target = folder / f"{key}.fmt"
        if not _intact(target, key):
            data = build_format(preamble)
            if data is None:
                _KNOWN[entry] = None
                return None
            try:
                _store(target, key, data)
            except (OSError, OutputError):  # an unwritable cache: keep the format for this process only
                target = _scratch() / f"{key}.fmt"
                _store(target, key, data)
        _KNOWN[entry] = target.with_suffix("")
        return _KNOWN[entry]


def _store(target: Path, key: str, data: bytes) -> None:
    """The format (a plain file, as pdflatex reads it) and beside it its seal: the entry it is and its digest."""
    write_bytes_atomic(target, data)
    write_bytes_atomic(_seal_path(target), sealed(b"", KIND, key, hashlib.sha256(data).hexdigest()))


def _seal_path(target: Path) -> Path:
    return target.with_name(target.name + ".seal")


def _intact(target: Path, key: str) -> bool:
    """Whether ``target`` is a regular file holding the format its seal names (read once per process):
    a damaged, swapped or replaced format (a FIFO) is built again, never handed to pdflatex."""
    data, seal = (read_regular(path) for path in (target, _seal_path(target)))
    if data is None or seal is None:
        return False
    return unsealed(seal, KIND, key, hashlib.sha256(data).hexdigest()) == (b"", None)


def build_format(preamble: str) -> bytes | None:
    """The ``.fmt`` bytes of ``preamble`` dumped by mylatexformat, or None when pdflatex -ini fails."""
    with tempfile.TemporaryDirectory(prefix="hw6-format-") as tmp:
        work = Path(tmp)
        (work / "preamble.tex").write_text(preamble, encoding="utf-8", newline="\n")
        command = [
            "pdflatex",
            "-ini",
            "-jobname=hw6-preamble",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-no-shell-escape",
            "&pdflatex",
            "mylatexformat.ltx",
            "preamble.tex",
        ]
        env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", openout_any="p")
        try:
            result = subprocess.run(command, cwd=work, env=env, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.SubprocessError):
            return None
        fmt = work / "hw6-preamble.fmt"
        if result.returncode != 0 or not fmt.is_file():
            return None
        return fmt.read_bytes()


def forget() -> None:
    """Drop what this process remembers (tests that change the preamble or the cache)."""
    with _LOCK:
        _KNOWN.clear()


def _scratch() -> Path:
    if not _SCRATCH:
        folder = Path(tempfile.mkdtemp(prefix="hw6-formats-"))
        atexit.register(shutil.rmtree, folder, True)
        _SCRATCH.append(folder)
    return _SCRATCH[0]
