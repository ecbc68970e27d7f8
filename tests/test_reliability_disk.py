"""A full disk or a read-only folder is one line naming the path, exit 2, for every command and
stage, LaTeX included (issue 28).

The fault is injected at the write layer: every file write and temporary file under the output
folder fails with ENOSPC (or EROFS, EDQUOT), and for LaTeX pdfTeX's own report of a failed write
(``fwrite() failed``) stands in for the disk. (On a 2 MB tmpfs, by hand: the same lines.)
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from solver.render import latex

from .conftest import SKIP_NAMES, needs_latex

REASONS = (errno.ENOSPC, errno.EROFS, errno.EDQUOT)


def inside(path, folder: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(folder)


@pytest.fixture
def full_disk(monkeypatch):
    """``full_disk(folder, number)``: from now on writing a file under ``folder`` fails with ``number``."""

    def fill(folder: Path, number: int = errno.ENOSPC) -> None:
        def refuse():
            return OSError(number, os.strerror(number))

        write_bytes, mkstemp, opened = Path.write_bytes, tempfile.mkstemp, open

        def fake_write_bytes(self, data):
            if inside(self, folder):
                raise refuse()
            return write_bytes(self, data)

        def fake_mkstemp(*args, **kwargs):
            if inside(kwargs.get("dir") or (args[2] if len(args) > 2 else "."), folder):
                raise refuse()
            return mkstemp(*args, **kwargs)

        def fake_open(file, mode="r", *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and any(m in mode for m in "wax") and inside(file, folder):
                raise refuse()
            return opened(file, mode, *args, **kwargs)

        monkeypatch.setattr(Path, "write_bytes", fake_write_bytes)
        monkeypatch.setattr(tempfile, "mkstemp", fake_mkstemp)
        monkeypatch.setattr("builtins.open", fake_open)

    return fill


def one_error(code: int, stdout: str, err: str, path: Path, number: int = errno.ENOSPC) -> None:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("hw6: error: "), err
    assert str(path) in lines[0] and os.strerror(number) in lines[0], lines[0]
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("answers")
    (folder / "ann.yaml").write_text("1b: w\n", encoding="utf-8")
    return folder / "ann.yaml"


@pytest.mark.parametrize("number", REASONS)
def test_build_without_pdfs(run_cli, tmp_path, full_disk, number):
    full_disk(tmp_path / "disk", number)
    out = tmp_path / "disk" / "out"
    one_error(*run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out), out, number)
    assert not out.exists()


@pytest.mark.parametrize("number", REASONS)
def test_batch_stops_at_the_first_failed_write_and_exits_2(run_cli, tmp_path, full_disk, number):
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\nben\ncat\n", encoding="utf-8")
    (tmp_path / "disk" / "out").mkdir(parents=True)
    full_disk(tmp_path / "disk" / "out", number)
    code, stdout, err = run_cli(
        "batch", *SKIP_NAMES, "--roster", roster, "--out", tmp_path / "disk" / "out", "--no-pdf"
    )
    one_error(code, stdout, err, tmp_path / "disk" / "out", number)
    assert sorted(p.name for p in (tmp_path / "disk" / "out").iterdir() if not p.name.startswith(".")) == []


def test_check_writing_gradescope_results(run_cli, tmp_path, full_disk, answers):
    full_disk(tmp_path)
    one_error(*run_cli("check", answers, *SKIP_NAMES, "--gradescope", tmp_path / "r.json"), tmp_path / "r.json")


def test_report_page(run_cli, tmp_path, full_disk):
    results = tmp_path / "in" / "class.json"
    results.parent.mkdir()
    part = {"status": "correct", "score": 1, "max_score": 1, "feedback": ""}
    results.write_text(json.dumps([{"student": "a", "seed": 1, "parts": {"1b": part}, "score": 1, "max_score": 1}]))
    full_disk(tmp_path / "out")
    one_error(*run_cli("report", results, "--out", tmp_path / "out" / "page.html"), tmp_path / "out" / "page.html")


@pytest.mark.parametrize(("platform", "extra"), [("moodle", ("--variants", "1")), ("gradescope", ())])
def test_exports(run_cli, tmp_path, full_disk, platform, extra):
    full_disk(tmp_path / "disk")
    out = tmp_path / "disk" / f"{platform}.out"
    one_error(*run_cli("export", platform, *extra, "--out", out, "--cache-dir", tmp_path / "cache"), out)


def pdftex_out_of_space(command, tex_path):
    """pdfTeX on a full disk: its log ends in ``fwrite() failed`` and no PDF is left."""
    tex_path.with_suffix(".log").write_text(
        "[14] (./solutions.aux) )\n!pdfTeX error: pdflatex: fwrite() failed\n"
        " ==> Fatal error occurred, no output PDF file produced!\n",
        encoding="utf-8",
    )
    return subprocess.CompletedProcess(command, 1, stdout="", stderr="")


@needs_latex
def test_latex_on_a_full_disk_is_the_full_disk_not_a_latex_failure(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(latex, "_run", pdftex_out_of_space)
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", *SKIP_NAMES, "--out", out, "--cache-dir", tmp_path / "cache")
    one_error(code, stdout, err, out)
    assert "LaTeX failed" not in err and "cannot write the PDF there" in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["cache"]


@needs_latex
def test_batch_with_latex_on_a_full_disk_exits_2(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(latex, "_run", pdftex_out_of_space)
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\nben\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--cache-dir", tmp_path / "c")
    one_error(code, stdout, err, out)
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("log", "reason"),
    [
        ("!pdfTeX error: pdflatex: fwrite() failed\n", "No space left on device"),
        ("! I can't write on file `solutions.pdf'.\n", "No space left on device"),
        ("! I can't write on file `x.aux' (Read-only file system).\n", "Read-only file system"),
        ("pdflatex: Disk quota exceeded\n", "Disk quota exceeded"),
        ("./problems.tex:12: Undefined control sequence.\n", None),
        ("", None),
    ],
)
def test_what_tex_says_about_a_failed_write(tmp_path, log, reason):
    (tmp_path / "a.log").write_text(log, encoding="utf-8")
    assert latex.write_failure(tmp_path, tmp_path / "a.log", "") == reason


def test_a_folder_that_takes_no_file_is_named_whatever_the_log_says(tmp_path, full_disk):
    full_disk(tmp_path, errno.EROFS)
    assert latex.write_failure(tmp_path, tmp_path / "missing.log", "") == os.strerror(errno.EROFS)
