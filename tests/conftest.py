"""Shared fixtures: the CLI in-process, the torch oracle, paths to shared data, the LaTeX marker,
the one hypothesis profile every property test runs under, and what keeps the fast loop fast: one
cache for the session in a temporary folder (never ``output/.cache`` in the checkout) and builds
made once per session that tests only read (:func:`shared_build`)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import settings

from solver import options
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
#: The problems whose solve runs notebook kernels (PyTorch): a test about another problem's sheet
#: solves with ``BuildContext(skip=KERNEL_PROBLEMS)`` and starts none.
KERNEL_PROBLEMS = frozenset({"rnn_lstm", "names_classifier"})
#: The same on the command line: ``hw6 key *SKIP_KERNELS`` starts no kernel.
SKIP_KERNELS = tuple(arg for section in sorted(KERNEL_PROBLEMS) for arg in ("--skip", section))


@pytest.fixture
def run_cli(capsys):
    """Run ``hw6 ARGS`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def run_module(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m solver ARGS`` in a fresh interpreter, by default inside the session's folder
    (so that its default ``output/.cache`` is the session cache, not one in the checkout)."""
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)],
        cwd=cwd or _SESSION["folder"],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )


#: The session's shared folder once :func:`_session_folder` has made it (the checkout before that).
_SESSION: dict[str, Path] = {"folder": ROOT}


def _shared_folder(tmp_path_factory) -> Path:
    """pytest's temporary folder for this run, the same for every xdist worker (each worker's own is one below)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _locked(path: Path):
    """Holds an exclusive lock on ``path`` (created if missing): one xdist worker at a time gets past it."""
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    """The cache of this test run, in pytest's temporary folder and shared by the xdist workers (an
    entry is written atomically, so two workers computing the same one is safe). A test about the
    cache itself makes its own; every other build should use this one, so a trained model or an
    executed notebook is computed once per run, not once per test.

    ``HW6_TEST_CACHE=DIR`` keeps it in DIR across runs instead, as ``output/.cache`` did: a
    developer's loop then trains a network or executes a notebook only when its inputs change. Its
    entries are keyed by their inputs and hw6's version, not by the code that computes them: empty DIR
    after changing how something is computed. CI never sets it and starts cold."""
    output = _shared_folder(tmp_path_factory) / "output"
    folder = output / ".cache"
    kept = os.environ.get("HW6_TEST_CACHE")
    output.mkdir(exist_ok=True)
    with _locked(output.with_suffix(".lock")):  # the first worker makes it
        if not folder.is_dir():
            if kept:
                Path(kept).mkdir(parents=True, exist_ok=True)
                folder.symlink_to(Path(kept).resolve(), target_is_directory=True)
            else:
                folder.mkdir()
    return folder


@pytest.fixture(scope="session", autouse=True)
def _session_folder(session_cache):
    """``hw6`` run without ``--out``/``--cache-dir`` writes ``output/`` and ``output/.cache`` where it
    runs: in tests, in the session's temporary folder (never in the checkout), whose cache is
    :func:`session_cache`; :func:`run_module` runs there too. Session-wide, so that module fixtures
    that build see it as well."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(options, "DEFAULT_OUT", session_cache.parent)
        patch.setitem(_SESSION, "folder", session_cache.parent.parent)
        yield


@pytest.fixture(scope="session")
def solved_homework(session_cache) -> list:
    """The homework's default variant solved (without the surnames) once per test run, into the
    session cache: Problem 3's notebook cells run in kernels once, whichever xdist worker asks first
    (the other waits and reads the entries), and every later default solve in any process (a test's
    own ``solve_all``, a ``run_module`` subprocess) is a cache hit. Read-only: a test that changes the
    solutions or the key copies them first."""
    from solver.build.pipeline import read_params, solve_all
    from solver.kernel.problem import BuildContext

    with _locked(session_cache.parent / "homework.lock"):
        return solve_all(read_params(None), BuildContext(cache_dir=session_cache))


@pytest.fixture(scope="session")
def homework_parts(solved_homework) -> dict:
    """The default homework's answer-key parts (see :func:`solved_homework`); read-only."""
    from solver.build.pipeline import answer_key

    return answer_key(solved_homework)["parts"]


def copy_notebook_runs(session_cache: Path, folder: Path) -> Path:
    """``folder`` made a cache holding the session's executed notebook runs (and nothing else): a
    test that needs a cache of its own, but is not about the notebooks, starts without running them."""
    from solver.notebooks.execute import CACHE_KIND

    ignored = shutil.ignore_patterns(".*")  # an entry another worker is writing right now
    shutil.copytree(session_cache / CACHE_KIND, folder / CACHE_KIND, ignore=ignored, dirs_exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory, session_cache):
    """``shared_build(*ARGS, notebooks=True)``: the folder ``hw6 build ARGS --no-pdf`` wrote with the
    session cache, built once per test run whichever xdist worker asks first (the other waits for it).
    For tests that only read a build's files: one that changes them copies the folder first.
    ``notebooks=False`` builds as ``prepare(..., notebooks=False)`` does: no notebook is executed or
    written (the sheets, key, rubric and parameters are the same), so a test that reads neither
    notebook nor the answers template stays fast however heavy the notebooks become."""
    from solver.commands import build as build_command
    from solver.kernel.errors import InputWarning

    folder = _shared_folder(tmp_path_factory) / "builds"
    folder.mkdir(exist_ok=True)

    def build(*args: str, notebooks: bool = True) -> Path:
        argv = [str(a) for a in args]
        name = "\0".join([*argv, f"notebooks={notebooks}"])
        out = folder / hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        with _locked(out.with_suffix(".lock")):
            if not out.is_dir():  # a build appears whole or not at all (it is staged, then swapped in)
                stderr = io.StringIO()
                with contextlib.ExitStack() as stack:
                    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
                    stack.enter_context(contextlib.redirect_stderr(stderr))
                    stack.enter_context(warnings.catch_warnings())
                    warnings.simplefilter("ignore", InputWarning)  # --seed without --salt: the tests of it see it
                    if not notebooks:
                        patch = stack.enter_context(pytest.MonkeyPatch.context())
                        patch.setattr(
                            build_command, "prepare", functools.partial(build_command.prepare, notebooks=False)
                        )
                    code = main(["build", *argv, "--no-pdf", "--out", str(out), "--cache-dir", str(session_cache)])
                assert code == 0, f"hw6 build {' '.join(argv)}: {stderr.getvalue()}"
        return out

    return build


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


@pytest.fixture(scope="session")
def small_batch(tmp_path_factory, session_cache, solved_homework) -> Path:
    """The manifest of a two-student batch without PDFs (what the exports' manifest tests read),
    made once per test run with the session cache. Read-only, like :func:`shared_build`'s folders."""
    from solver.kernel.problem import BuildContext
    from solver.variants.batch import run_batch

    folder = _shared_folder(tmp_path_factory) / "small-batch"
    with _locked(folder.with_suffix(".lock")):
        if not (folder / "manifest.csv").is_file():
            roster = folder.with_name("small-batch-roster.csv")
            roster.write_text("id,name\nann,Ann A\nbob,Bob B\n", encoding="utf-8")
            run_batch(roster, folder, pdf=False, context=BuildContext(cache_dir=session_cache), progress=False)
    return folder / "manifest.csv"


def copy_of_batch(manifest: Path, folder: Path) -> Path:
    """A copy of the batch of ``manifest`` in ``folder``, for a test that changes its files; the copy's manifest."""
    shutil.copytree(manifest.parent, folder)
    return folder / "manifest.csv"


def pytest_collection_modifyitems(items):
    """A test that executes notebook cells is also slow: each starts a kernel that imports PyTorch, so
    the fast loop (``-m "not slow"``) leaves them to the full suite."""
    for item in items:
        if item.get_closest_marker("notebooks") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
