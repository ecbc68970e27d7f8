"""The hw6 command: what it writes, its exit codes, atomic output and determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.build import pipeline
from solver.kernel.errors import LatexError
from solver.render import latex as latex_runner

from .conftest import SKIP_NAMES, assert_build_rejects, needs_latex, run_module

SHEETS = {
    "solutions.tex",
    "problems.tex",
    "solutions.html",
    "problems.html",
    "answers.json",
    "params.json",
    "answers-template.yaml",
    "notebook.ipynb",
    "notebook-solution.ipynb",
}


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_build_without_pdf_writes_sheets_and_key(run_cli, tmp_path, solved_homework):  # Problem 3 solved once
    code, out, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", tmp_path)
    assert (code, err) == (0, "")
    assert files_in(tmp_path) == SHEETS | {"figures", "report.txt", "rubric.md"}
    assert files_in(tmp_path / "figures" / "rnn_lstm") == {
        f"{n}.pdf" for n in ("linear", "activations", "targets", "lstm", "training")
    }
    key = json.loads((tmp_path / "answers.json").read_text())
    assert key["generator"]["name"] == "hw6"
    assert key["parts"]["1a.t"]["value"] == "u1*w**2 + u2*w + u3"
    tex = (tmp_path / "solutions.tex").read_text()
    assert r"\begin{tikzpicture}" in tex and "u_{1} w^{2} + u_{2} w + u_{3}" in tex


def test_key_prints_the_same_json_as_the_build(run_cli, shared_build):
    built = shared_build(*SKIP_NAMES, notebooks=False)  # the same key as a build with notebooks
    code, out, _ = run_cli("key", *SKIP_NAMES)
    assert code == 0 and out == (built / "answers.json").read_text()


def test_params_file_changes_the_problem(run_cli, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("rnn_backprop:\n  steps: 5\n")
    code, out, _ = run_cli("key", *SKIP_NAMES, "--params", params)
    key = json.loads(out)
    assert code == 0 and key["params"]["rnn_backprop"] == {"steps": 5}
    assert key["parts"]["1b"]["value"] == "5*u1*w**4 + 4*u2*w**3 + 3*u3*w**2 + 2*u4*w + u5"


def test_verify_prints_a_table_and_passes(run_cli):
    code, out, _ = run_cli("verify", *SKIP_NAMES, "--no-torch")
    assert code == 0
    assert out.splitlines()[0].split() == ["part", "backend", "exact", "numeric", "rel.", "error", "agrees"]
    assert "1d.total" in out and out.rstrip().endswith("checks agree")


def test_verify_with_torch(run_cli, torch):
    code, out, _ = run_cli("verify", *SKIP_NAMES)
    assert code == 0 and "torch autograd" in out and " NO" not in out


def test_verify_fails_when_a_check_disagrees(run_cli, monkeypatch):
    from solver.kernel.checks import Check
    from solver.problems import rnn_backprop

    bad = [Check("1b", "numpy", "1", "2", False, 1.0)]
    problem = rnn_backprop.PROBLEM
    monkeypatch.setattr(pipeline, "PROBLEMS", (type(problem)(**{**problem.__dict__, "crosscheck": lambda s: bad}),))
    code, out, _ = run_cli("verify", *SKIP_NAMES, "--no-torch")
    assert code == 1 and "NO" in out


def test_build_refuses_to_write_when_a_check_fails(run_cli, monkeypatch, tmp_path):
    from solver.kernel.checks import Check
    from solver.problems import rnn_backprop

    problem = rnn_backprop.PROBLEM
    failing = type(problem)(
        **{**problem.__dict__, "crosscheck": lambda s: [Check("1b", "numpy", "1", "2", False, 1.0)]}
    )
    monkeypatch.setattr(pipeline, "PROBLEMS", (failing,))
    code, _, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", tmp_path / "out")
    assert code == 1 and "1b" in err and "nothing was written" in err
    assert files_in(tmp_path / "out") == set()


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("rnn_backprop:\n  steps: 0\n", "rnn_backprop.steps: expected an integer from 1 to 1000, got 0"),
        ("rnn_backprop:\n  steps: x\n", "rnn_backprop.steps"),
        ("rnn_backprop: {steps: 3, extra: 1}\n", "rnn_backprop.extra"),
        ("nope: {}\n", "nope: expected a known section"),
        ("rnn_backprop: [\n", "not valid YAML"),
    ],
)
def test_bad_params_exit_2_and_write_nothing(run_cli, tmp_path, content, fragment):
    assert_build_rejects(run_cli, tmp_path, content, fragment)


def test_unwritable_output(run_cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, _, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", blocker / "sub")
    assert code == 2 and "cannot write output there" in err and str(blocker / "sub") in err


def test_missing_params_file(run_cli, tmp_path):
    code, _, err = run_cli("key", *SKIP_NAMES, "--params", tmp_path / "nope.yaml")
    assert code == 2 and "nope.yaml: no such file" in err


@pytest.mark.slow
def test_rebuilds_are_byte_identical(tmp_path):
    """Two fresh interpreters with different hash seeds write the same bytes."""
    outputs = []
    for run, seed in enumerate(("1", "2")):
        out = tmp_path / f"run{run}"
        result = run_module("build", *SKIP_NAMES, "--no-pdf", "--out", out, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append({path.relative_to(out): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()})
    assert outputs[0] == outputs[1]


def test_python_dash_m_and_version():
    result = run_module("--version")
    assert result.returncode == 0 and result.stdout.startswith("hw6 ")


@needs_latex
def test_build_writes_pdfs(run_cli, tmp_path):
    code, _, err = run_cli("build", *SKIP_NAMES, "--out", tmp_path)
    assert code == 0, err
    assert files_in(tmp_path) == SHEETS | {"solutions.pdf", "problems.pdf", "figures", "report.txt", "rubric.md"}
    assert (tmp_path / "solutions.pdf").read_bytes().startswith(b"%PDF")


@needs_latex
def test_latex_failure_reports_first_error_and_leaves_nothing(run_cli, monkeypatch, tmp_path):
    real = pipeline.render_sheet
    monkeypatch.setattr(
        pipeline,
        "render_sheet",
        lambda kind, *a: real(kind, *a).replace(r"\end{document}", r"\undefinedmacro \end{document}"),
    )
    monkeypatch.setattr(pipeline, "html_edition", lambda tex, files: "")  # LaTeX is the judge here, not the HTML
    out = tmp_path / "out"
    code, _, err = run_cli("build", *SKIP_NAMES, "--out", out)
    assert code == 2
    assert "LaTeX failed" in err and "Undefined control sequence" in err
    log = Path(err.split("(log: ")[1].split(")")[0])
    assert log.exists() and log.suffix == ".log"
    assert files_in(out) == set()


def test_missing_latexmk_is_a_clear_error(run_cli, monkeypatch, tmp_path):
    monkeypatch.setattr(latex_runner, "latexmk_available", lambda: False)
    code, _, err = run_cli("build", *SKIP_NAMES, "--out", tmp_path / "o")
    assert code == 2 and "latexmk" in err and "--no-pdf" in err
    assert files_in(tmp_path / "o") == set()


@needs_latex
def test_compile_pdf_error_message(tmp_path):
    tex = tmp_path / "bad.tex"
    tex.write_text("\\documentclass{article}\\begin{document}$x^{\\end{document}\n")
    with pytest.raises(LatexError) as info:
        latex_runner.compile_pdf(tex)
    assert "bad.tex" in str(info.value) and "log:" in str(info.value)


def test_data_folder_options_come_from_the_problems_declarations(monkeypatch, tmp_path):
    """A problem's DataFolder becomes an option of every command, read into the build context by its key."""
    import dataclasses

    from solver import options
    from solver.cli import build_parser
    from solver.kernel.problem import DataFolder

    first = options.PROBLEMS[0]
    extra = DataFolder(option="corpus-dir", key="corpus", help="a test corpus")
    patched = dataclasses.replace(first, data_folders=(*first.data_folders, extra))
    monkeypatch.setattr(options, "PROBLEMS", (patched, *options.PROBLEMS[1:]))
    for command in ("build", "key", "verify", "stress", "batch", "check"):
        required = {"batch": ["--roster", "r.csv", "--out", "o"], "check": ["answers.yaml"]}.get(command, [])
        args = build_parser().parse_args([command, *required, "--corpus-dir", str(tmp_path), "--names-dir", "names"])
        context = options.context(args)
        assert context.data_folder("corpus") == tmp_path and context.data_folder("names") == Path("names")
    assert options.context(build_parser().parse_args(["key", *SKIP_NAMES])).data_folders == {}
    assert options.context(build_parser().parse_args(["check", "a.yaml"]), sheets=False).data_folders == {}


@pytest.mark.parametrize("command", ["build", "key", "verify", "stress", "batch"])
def test_a_command_that_writes_a_key_refuses_without_a_problems_data(run_cli, tmp_path, command):
    """One line naming the data option and the way to leave the problem out; nothing is written."""
    required = {"batch": ["--roster", tmp_path / "r.csv", "--out", tmp_path / "o"], "build": ["--out", tmp_path / "o"]}
    code, out, err = run_cli(command, *required.get(command, []))
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("hw6: error: --names-dir:") and "--names-dir DIR" in err and "--skip names_classifier" in err
    assert not (tmp_path / "o").exists()


def test_skip_takes_only_problem_names(run_cli, tmp_path):
    code, _, err = run_cli("build", "--skip", "names", "--no-pdf", "--out", tmp_path / "o")
    assert (
        code == 2 and err.startswith("hw6: error: --skip: expected a problem: rnn_backprop, ") and "got 'names'" in err
    )


def test_a_skipped_problem_is_on_neither_sheet_nor_in_the_key_and_is_recorded(run_cli, tmp_path):
    out = tmp_path / "o"
    code, stdout, err = run_cli("build", *SKIP_NAMES, "--skip", "blog", "--no-pdf", "--out", out)
    assert (code, err) == (0, "")
    assert stdout.splitlines()[-1].startswith("hw6: ") and "skipped: names_classifier, blog" in stdout
    key = json.loads((out / "answers.json").read_text())
    assert key["skip"] == ["names_classifier", "blog"] and "names_classifier" not in key["params"]
    assert not [p for p in key["parts"] if p.split(".")[0][0] in "45"] and "6b" in key["parts"] and "7a" in key["parts"]
    for sheet in ("problems.tex", "solutions.tex"):
        tex = (out / sheet).read_text()
        assert r"\section*{Problem 4" not in tex and r"\section*{Problem 5" not in tex and "surname" not in tex
        assert r"\section*{Problem 6: " in tex and r"\section*{Problem 7: " in tex  # numbers stay the homework's
    report = (out / "report.txt").read_text()
    assert "skipped: Problem 4 (names_classifier)" in report and "skipped: Problem 5 (blog)" in report
    params = json.loads((out / "params.json").read_text())
    assert params["skip"] == ["names_classifier", "blog"]
    # the recorded skip rebuilds the same sheets and key without --skip
    again = tmp_path / "again"
    assert run_cli("build", "--params", out / "params.json", "--no-pdf", "--out", again)[0] == 0
    for name in ("answers.json", "params.json", "problems.tex", "solutions.tex", "report.txt"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
