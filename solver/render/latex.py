"""Turning a .tex file into a PDF with pdflatex, without shell escape.

A sheet is compiled with one pdflatex run from the precompiled preamble format
(:mod:`.texformat`); only when that run's log asks for another pass (a
cross-reference or a longtable's widths changed) does latexmk take over and
rerun it until it settles. ``HW6_LATEX=latexmk`` in the environment forces
latexmk on every sheet, the old path (benchmarks compare the two).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..kernel.errors import LatexError, OutputError
from . import texformat

TEX_LIVE_HINT = (
    "install TeX Live: apt-get install -y --no-install-recommends latexmk texlive-latex-extra "
    "texlive-pictures texlive-fonts-recommended lmodern (or build with --no-pdf)"
)
TIMEOUT_SECONDS = 600
_ERROR_LINE = re.compile(r"^(?:! .+|.+:\d+: .+)$")
# What LaTeX and its packages print when one pass was not enough.
_RERUN = re.compile(
    r"Rerun to get|Rerun LaTeX|rerun LaTeX|Please rerun|Label\(s\) may have changed|There were undefined references"
)
# What TeX prints when a write fails (pdfTeX's fwrite/fclose, TeX's own \\openout) and the system's reasons.
_REASONS = ("No space left on device", "Disk quota exceeded", "Read-only file system", "Permission denied")
_WRITE_FAILED = re.compile(
    r"f(?:write|close|flush)\(\) failed|I can't write on file[^\n]*|" + "|".join(map(re.escape, _REASONS))
)
_PROBE_BYTES = 64 * 1024
_LOG_TAIL = 64 * 1024
_FLAGS = ("-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "-no-shell-escape")


def latexmk_available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def compile_pdf(tex_path: Path, *, keep_log_on_error: bool = True, cache_dir: str | os.PathLike | None = None) -> Path:
    """Compile ``tex_path`` in its own folder; returns the PDF's path.

    Files the document includes (figures) must sit beside it. ``cache_dir``
    keeps the preamble's format between processes. On failure the log is
    copied to a fresh temporary folder and :class:`LatexError` names its first
    error line and the log's path.
    """
    if not latexmk_available():
        raise LatexError(f"latexmk/pdflatex not found; {TEX_LIVE_HINT}")
    tex_path = Path(tex_path)
    fmt = None
    if os.environ.get("HW6_LATEX") != "latexmk":
        preamble = texformat.preamble_of(tex_path.read_text(encoding="utf-8"))
        fmt = texformat.format_for(preamble, cache_dir) if preamble is not None else None
        result = _run(["pdflatex", *([f"-fmt={fmt}"] if fmt else []), *_FLAGS, tex_path.name], tex_path)
        if result.returncode != 0 or not _needs_rerun(tex_path.with_suffix(".log")):
            return _finish(result, tex_path, keep_log_on_error)
    engine = ["-pdflatex=" + " ".join(["pdflatex", f"-fmt={fmt}", "%O", "%S"])] if fmt else []
    result = _run(["latexmk", "-pdf", *engine, *_FLAGS, "-quiet", tex_path.name], tex_path)
    return _finish(result, tex_path, keep_log_on_error)


def _run(command: list[str], tex_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", openout_any="p")
    try:
        return subprocess.run(
            command,
            cwd=tex_path.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            errors="replace",
        )
    except subprocess.TimeoutExpired:
        raise LatexError(f"{command[0]} took longer than {TIMEOUT_SECONDS} s on {tex_path.name}") from None


def _needs_rerun(log: Path) -> bool:
    try:
        return _RERUN.search(log.read_text(encoding="utf-8", errors="replace")) is not None
    except OSError:
        return True


def _finish(result: subprocess.CompletedProcess, tex_path: Path, keep_log_on_error: bool) -> Path:
    pdf = tex_path.with_suffix(".pdf")
    if result.returncode == 0 and pdf.exists():
        return pdf
    log = tex_path.with_suffix(".log")
    unwritable = write_failure(tex_path.parent, log, result.stdout + result.stderr)
    if unwritable is not None:
        raise OutputError(f"{tex_path.parent}: cannot write the PDF there ({unwritable})")
    first_error = _first_error(log) or (result.stderr.strip().splitlines() or ["LaTeX failed"])[-1]
    kept = log
    if keep_log_on_error and log.exists():
        kept = Path(tempfile.mkdtemp(prefix="hw6-latex-")) / log.name
        shutil.copy2(log, kept)
    raise LatexError(f"LaTeX failed on {tex_path.name}: {first_error} (log: {kept})")


def write_failure(folder: Path, log: Path, output: str) -> str | None:
    """Why LaTeX could not write in ``folder`` (a full disk, a quota, a read-only folder), or None
    when its failure is the document's. pdfTeX reports a full disk only as ``fwrite() failed``, and
    the log it writes on that disk may be cut short, so the folder is also tried directly."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".hw6-probe-")
        try:
            os.write(fd, bytes(_PROBE_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        text = log.read_text(encoding="utf-8", errors="replace")[-_LOG_TAIL:] + output
    except OSError:
        text = output
    match = _WRITE_FAILED.search(text)
    if match is None:
        return None
    named = next((reason for reason in _REASONS if reason in match.group(0)), None)
    return named or os.strerror(errno.ENOSPC)


def _first_error(log: Path) -> str | None:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if _ERROR_LINE.match(line.strip()):
            return line.strip()
    return None
