"""Shared fixtures: the CLI in-process, the torch oracle, paths to shared data, the LaTeX marker
and the one hypothesis profile every property test runs under."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from solver.cli import main
from solver.render import latex as latex_runner

# One profile for every property test: no per-example deadline (the machine's two cores are shared,
# so timings say nothing); each test sets only its own max_examples.
settings.register_profile("hw6", deadline=None, print_blob=True)
settings.load_profile("hw6")

ROOT = Path(__file__).resolve().parents[1]


def _names_dir() -> Path:
    """``../shared/data/names`` beside the checkout; a worktree one folder deeper finds it one level up."""
    for folder in ROOT.parents[:2]:
        candidate = folder / "shared" / "data" / "names"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "data" / "names"


NAMES_DIR = _names_dir()
#: What a test that builds a sheet or key without the surnames passes: Problem 4 cannot be solved without them.
SKIP_NAMES = ("--skip", "names_classifier")


@pytest.fixture
def run_cli(capsys):
    """Run ``hw6 ARGS`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def run_module(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m solver ARGS`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)],
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def torch():
    """The torch oracle; CI sets HW6_REQUIRE_TORCH=1 so that a missing torch fails."""
    if os.environ.get("HW6_REQUIRE_TORCH") == "1":
        import torch as module
    else:
        module = pytest.importorskip("torch")
    module.set_num_threads(1)
    return module


#: The marks of a test that runs LaTeX (``-m "not latex"`` leaves it out). Without latexmk it is
#: skipped on a developer's machine; in CI (``CI=true``) it runs and fails, since CI must have TeX.
LATEX_MARKS = [
    pytest.mark.latex,
    *(
        [pytest.mark.skip(reason="TeX Live (latexmk) is not installed")]
        if shutil.which("latexmk") is None and os.environ.get("CI") != "true"
        else []
    ),
]


def needs_latex(test):
    """Marks one test with :data:`LATEX_MARKS`; a module of LaTeX tests sets ``pytestmark = LATEX_MARKS``."""
    for mark in LATEX_MARKS:
        test = mark(test)
    return test


@pytest.fixture(autouse=True)
def _latex_only_where_marked(request, monkeypatch):
    """A test that runs LaTeX without the ``latex`` marker fails, so that the fast loop stays fast."""
    if request.node.get_closest_marker("latex"):
        yield
        return
    real = latex_runner.compile_pdf
    ran: list[str] = []

    def compile_pdf(tex_path, **kwargs):
        if latex_runner.latexmk_available():
            ran.append(str(tex_path))
        return real(tex_path, **kwargs)

    monkeypatch.setattr(latex_runner, "compile_pdf", compile_pdf)
    yield
    assert not ran, f"this test ran LaTeX ({ran[0]}) but is not marked latex: decorate it with @needs_latex"


def assert_build_rejects(run_cli, tmp_path: Path, content: str, fragment: str) -> None:
    """``hw6 build`` with parameters ``content`` exits 2 with one line containing ``fragment`` and writes nothing."""
    params = tmp_path / "p.yaml"
    params.write_text(content)
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--params", params, "--out", out)
    assert code == 2 and stdout == ""
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def small_batch(folder: Path, cache: Path) -> Path:
    """A two-student batch without PDFs written into ``folder`` (what the exports' manifest tests read); its manifest."""
    from solver.kernel.problem import BuildContext
    from solver.variants.batch import run_batch

    roster = folder.parent / f"{folder.name}-roster.csv"
    roster.write_text("id,name\nann,Ann A\nbob,Bob B\n", encoding="utf-8")
    run_batch(roster, folder, pdf=False, context=BuildContext(cache_dir=cache), progress=False)
    return folder / "manifest.csv"
