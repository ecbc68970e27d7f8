"""The README opens with the two fresh-machine commands, CI runs the second one, and the README's
parameter reference and answer-key table agree with the code."""

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


def readme_block(heading: str, language: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(f"\n## {heading}\n") :]
    block = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert block, f"README's {heading} section has no {language} block"
    return block.group(1)


def test_the_parameter_reference_is_generated_from_the_declarations():
    from solver.build.pipeline import parameter_reference

    assert readme_block("Parameters", "yaml") == parameter_reference(), "README drifted: run scripts/readme-params"


def test_the_parameter_reference_is_a_parameters_file_of_the_defaults(tmp_path):
    from solver.build.pipeline import params_from_data, read_params

    reference = tmp_path / "reference.yaml"
    reference.write_text(readme_block("Parameters", "yaml"), encoding="utf-8")
    assert read_params(reference) == params_from_data({})


def test_the_key_table_names_the_package_that_computes_each_part():
    from solver.build.pipeline import solve_all
    from solver.commands.options import DEFAULT_OUT
    from solver.problems import BuildContext

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| part | answer | computed in |") :]
    rows = re.findall(r"^\| (`[^|]*`) \| .* \| `problems/(\w+)` \|$", table, re.M)
    solved = solve_all({}, BuildContext(DEFAULT_OUT / ".cache"))
    owner = {part_id: item.problem.parts.__module__ for item in solved for part_id in item.problem.parts(item.solution)}
    assert len(rows) >= 15 and {package for _, package in rows} >= {"rnn_backprop", "conv", "study_record"}
    for ids, package in rows:
        for named in re.findall(r"`([0-9][a-z]?)(?:\.[^`]*)?`", ids):
            modules = {module for part_id, module in owner.items() if part_id.split(".")[0] == named}
            wrong = {module for module in modules if not module.startswith(f"solver.problems.{package}")}
            assert modules and not wrong, f"README says problems/{package} computes {named}; it is {modules}"


def test_the_first_command_builds_without_the_surnames_by_skipping_problem_4(tmp_path):
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
        [ROOT / "scripts" / "build-homework", "--no-pdf", "--out", out, "--cache-dir", tmp_path / "cache"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Problem 4 is left out" in done.stderr
    assert json.loads((out / "params.json").read_text())["skip"] == ["names_classifier"]
