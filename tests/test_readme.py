"""The README opens with the two fresh-machine commands, and CI runs the second one."""

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
    assert build.startswith("scripts/bootstrap && ") and " build" in build
    assert test.startswith("scripts/bootstrap --dev && ") and "pytest" in test


def test_ci_runs_the_readme_test_command():
    _, test = opening_commands()
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
