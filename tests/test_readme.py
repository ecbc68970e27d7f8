"""The README opens with the two fresh-machine commands, CI runs the second one, and it stays a short
front page (the docs site holds the rest: tests/test_docs.py checks that)."""

from __future__ import annotations

import re

from .conftest import ROOT


def opening_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block and text.index(block.group(0)) < text.index("\n## "), "the README must open with its commands"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_two_commands_build_and_test():
    build, test = opening_commands()
    # the surnames live beside the checkout (../shared): the script builds every problem with them, and
    # skips Problem 4 explicitly (saying so) where they are missing
    assert build == "scripts/bootstrap && scripts/build-homework"
    script = (ROOT / "scripts" / "build-homework").read_text()
    assert "--names-dir" in script and "../shared/data/names" in script and "--skip names_classifier" in script
    assert test.startswith("scripts/bootstrap --dev && ") and "pytest" in test


def test_the_readme_says_how_to_build_without_the_surnames():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    opening = text[: text.index("\n## ")]
    assert "--skip names_classifier" in opening and "--names-dir DIR" in opening


def test_ci_runs_the_readme_test_command():
    """Each step of the README's test command starts a line of .ci/run (which may add options, such as -n 2)."""
    _, test = opening_commands()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    steps = test.split(" && ")
    starts = [
        next((i for i, line in enumerate(lines) if line == step or line.startswith(step + " ")), None) for step in steps
    ]
    assert None not in starts and starts == sorted(starts), f".ci/run must run {steps} in this order"


README_LIMIT = 8 * 1024  # a front page: the two commands, what hw6 does, a tour, links


def test_the_readme_is_a_short_front_page():
    size = len((ROOT / "README.md").read_bytes())
    assert size < README_LIMIT, f"README.md is {size} bytes; move the detail into docs/"


def test_the_readme_links_only_to_files_that_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text)
    assert len(links) >= 10, "the README links into the docs"
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert not missing, f"README.md links to missing files: {missing}"


def test_the_first_command_builds_without_the_surnames_by_skipping_problem_4(tmp_path, session_cache, solved_homework):
    """Where ../shared is not beside the clone, scripts/build-homework leaves Problem 4 out explicitly."""
    import json
    import os
    import subprocess

    if not (ROOT / ".venv" / "bin" / "hw6").exists():
        assert os.environ.get("CI") != "true", "CI runs scripts/bootstrap first: .venv/bin/hw6 must exist"
        return  # a worktree without its own .venv
    out = tmp_path / "out"
    env = {**os.environ, "HW6_NAMES_DIR": str(tmp_path / "no-such-folder")}
    done = subprocess.run(
        [ROOT / "scripts" / "build-homework", "--no-pdf", "--out", out, "--cache-dir", session_cache],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Problem 4 is left out" in done.stderr
    assert json.loads((out / "params.json").read_text())["skip"] == ["names_classifier"]
