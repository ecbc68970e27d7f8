"""The docs site says what the code does: its reference pages are the ones scripts/docs-reference
generates from the code, the parameter reference is a parameters file of the defaults, the answer key's
table names the package that computes each part, the guide's runnable commands run, and
``mkdocs build --strict`` finds no broken link, anchor or page."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

DOCS = ROOT / "docs"
RUNNABLE = re.compile(r"^<!-- run -->\n```(\w*)\n(.*?)^```", re.S | re.M)


def docs_reference():
    """scripts/docs-reference as a module (a script without the .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("docs_reference", str(ROOT / "scripts" / "docs-reference"))
    spec = importlib.util.spec_from_loader("docs_reference", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_reference_pages_are_generated_from_the_code():
    stale = [
        str(path.relative_to(ROOT))
        for path, text in docs_reference().pages().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"{stale} drifted from the code: run scripts/docs-reference"


def test_the_commands_page_lists_every_command_and_option():
    from solver.cli import build_parser

    page = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")
    parser = build_parser()
    help_text = parser.format_help()
    for name in re.findall(r"^    (\w+) ", help_text, re.M):
        assert f"## hw6 {name}" in page, f"the commands page misses hw6 {name}"
    assert "`--no-pdf`" in page and "`--names-dir DIR`" in page and "`--variants N`" in page


def parameter_block() -> str:
    text = (DOCS / "reference" / "parameters.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block, "the parameters page has no yaml block"
    return block.group(1)


def test_the_parameter_reference_is_a_parameters_file_of_the_defaults(tmp_path):
    from solver.build.pipeline import params_from_data, read_params

    reference = tmp_path / "reference.yaml"
    reference.write_text(parameter_block(), encoding="utf-8")
    assert read_params(reference) == params_from_data({})


def test_the_answer_kinds_page_has_a_row_per_kind():
    from solver.engine.kinds import KINDS

    page = (DOCS / "reference" / "answer-kinds.md").read_text(encoding="utf-8")
    kinds_table = page.split("\n## ")[0]  # the first table; per-platform forms follow under their own heading
    rows = re.findall(r"^\| `(\w+)` \|", kinds_table, re.M)
    assert rows == list(KINDS)


def test_the_key_table_names_the_package_that_computes_each_part():
    from solver.build.pipeline import solve_all
    from solver.options import DEFAULT_OUT
    from solver.problems import BuildContext

    text = (DOCS / "reference" / "answer-key.md").read_text(encoding="utf-8")
    table = text[text.index("| part | answer | computed in |") :]
    rows = re.findall(r"^\| (`[^|]*`) \| .* \| `problems/(\w+)` \|$", table, re.M)
    solved = solve_all({}, BuildContext(DEFAULT_OUT / ".cache"))
    owner = {part_id: item.problem.parts.__module__ for item in solved for part_id in item.problem.parts(item.solution)}
    assert len(rows) >= 15 and {package for _, package in rows} >= {"rnn_backprop", "conv", "study_record"}
    for ids, package in rows:
        for named in re.findall(r"`([0-9][a-z]?)(?:\.[^`]*)?`", ids):
            modules = {module for part_id, module in owner.items() if part_id.split(".")[0] == named}
            wrong = {module for module in modules if not module.startswith(f"solver.problems.{package}")}
            assert modules and not wrong, f"the key table says problems/{package} computes {named}; it is {modules}"


def runnable_pages() -> dict[str, list[str]]:
    """Each page's shell blocks marked ``<!-- run -->``, in order (later blocks use earlier ones' files)."""
    pages: dict[str, list[str]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        blocks = RUNNABLE.findall(page.read_text(encoding="utf-8"))
        assert all(language == "sh" for language, _ in blocks), f"{page}: a runnable block must be ```sh"
        if blocks:
            pages[str(page.relative_to(DOCS))] = [body for _, body in blocks]
    return pages


def test_the_guide_marks_commands_to_run():
    pages = runnable_pages()
    assert {"guide/first-build.md", "guide/grading.md", "guide/variants.md", "guide/gradescope.md"} <= set(pages)
    commands = {
        line.split()[1]
        for blocks in pages.values()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("hw6 ")
    }
    assert {"build", "key", "verify", "check", "validate", "batch", "stress", "report", "export"} <= commands


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("page", sorted(runnable_pages()))
def test_the_guide_commands_run(page, tmp_path, session_cache):
    """A page's runnable blocks, run one after another in one empty folder as a reader would type them,
    with ``hw6`` being this checkout's (python -m solver); any failing command fails the test. The
    folder's default cache (``output/.cache``) is the session's, so the pages share trained networks
    and executed notebooks with each other and the rest of the suite."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "hw6"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m solver "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    work = tmp_path / "work"
    (work / "output").mkdir(parents=True)
    (work / "output" / ".cache").symlink_to(session_cache, target_is_directory=True)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
    }
    for number, block in enumerate(runnable_pages()[page], 1):
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block], cwd=work, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (
            f"{page}, runnable block {number} exited {done.returncode}:\n{block}\n{done.stderr}"
        )


def test_the_site_builds_strictly(tmp_path):
    """Broken links, anchors, snippets and pages missing from the navigation fail ``mkdocs build --strict``."""
    if importlib.util.find_spec("mkdocs") is None:
        assert os.environ.get("CI") != "true", "CI installs mkdocs (scripts/bootstrap --dev)"
        pytest.skip("mkdocs is not installed (scripts/bootstrap --dev installs it)")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "reference" / "commands.html").is_file()
