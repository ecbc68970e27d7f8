"""Turning a .tex file into a PDF with latexmk + pdflatex, without shell escape."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.errors import LatexError

TEX_LIVE_HINT = (
    "install TeX Live: apt-get install -y --no-install-recommends latexmk texlive-latex-extra "
    "texlive-pictures texlive-fonts-recommended lmodern (or build with --no-pdf)"
)
TIMEOUT_SECONDS = 600
_ERROR_LINE = re.compile(r"^(?:! .+|.+:\d+: .+)$")


def latexmk_available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def compile_pdf(tex_path: Path, *, keep_log_on_error: bool = True) -> Path:
    """Compile ``tex_path`` in its own folder; returns the PDF's path.

    Files the document includes (figures) must sit beside it. On failure the
    log is copied to a fresh temporary folder and :class:`LatexError` names
    its first error line and the log's path.
    """
    if not latexmk_available():
        raise LatexError(f"latexmk/pdflatex not found; {TEX_LIVE_HINT}")
    tex_path = Path(tex_path)
    workdir = tex_path.parent
    command = [
        "latexmk",
        "-pdf",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        "-no-shell-escape",
        "-quiet",
        tex_path.name,
    ]
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", openout_any="p")
    try:
        result = subprocess.run(
            command, cwd=workdir, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, errors="replace"
        )
    except subprocess.TimeoutExpired:
        raise LatexError(f"latexmk took longer than {TIMEOUT_SECONDS} s on {tex_path.name}") from None
    pdf = tex_path.with_suffix(".pdf")
    if result.returncode == 0 and pdf.exists():
        return pdf
    log = tex_path.with_suffix(".log")
    first_error = _first_error(log) or (result.stderr.strip().splitlines() or ["latexmk failed"])[-1]
    kept = log
    if keep_log_on_error and log.exists():
        kept = Path(tempfile.mkdtemp(prefix="hw6-latex-")) / log.name
        shutil.copy2(log, kept)
    raise LatexError(f"LaTeX failed on {tex_path.name}: {first_error} (log: {kept})")


def _first_error(log: Path) -> str | None:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if _ERROR_LINE.match(line.strip()):
            return line.strip()
    return None
