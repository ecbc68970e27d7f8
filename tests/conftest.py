"""Shared fixtures: the CLI in-process, the torch oracle, paths to shared data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from solver.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _names_dir() -> Path:
    """``../shared/data/names`` beside the checkout; a worktree one folder deeper finds it one level up."""
    for folder in ROOT.parents[:2]:
        candidate = folder / "shared" / "data" / "names"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "data" / "names"


NAMES_DIR = _names_dir()


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


needs_latex = pytest.mark.skipif(shutil.which("latexmk") is None, reason="TeX Live (latexmk) is not installed")


def assert_build_rejects(run_cli, tmp_path: Path, content: str, fragment: str) -> None:
    """``hw6 build`` with parameters ``content`` exits 2 with one line containing ``fragment`` and writes nothing."""
    params = tmp_path / "p.yaml"
    params.write_text(content)
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", "--no-pdf", "--params", params, "--out", out)
    assert code == 2 and stdout == ""
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())
