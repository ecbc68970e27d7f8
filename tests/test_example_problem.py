"""A problem from another package (tests/example_problem/): installed next to hw6, it registers itself
through the ``hw6.problems`` entry point and is built (sheets and key), graded by ``hw6 check`` and
exported like hw6's own problems. Adding it touched only its own folder and its one registration (the
entry point in its pyproject.toml).

The package is installed the way a course would install it (pip, from its pyproject.toml, into a
folder of its own that the commands get on PYTHONPATH), never into the project's environment, whose
builds must stay the homework's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from solver.problems import BUILTIN, PROBLEMS

from .conftest import needs_latex

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = Path(__file__).parent / "example_problem"
SECTION = "affine_layer"
SKIP_BUILTIN = [arg for problem in BUILTIN for arg in ("--skip", problem.section)]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(a working folder, the environment whose Python finds the installed example problem)."""
    base = tmp_path_factory.mktemp("example")
    source = base / "source"  # pip's setuptools writes build files beside the sources: a copy keeps tests/ clean
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    site = base / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    pip += ["--no-build-isolation", "--no-index", "--target", str(site), str(source)]
    installed = subprocess.run(pip, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return base, env


def hw6(course, *args) -> subprocess.CompletedProcess:
    base, env = course
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)], cwd=base, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def built(course):
    base, _ = course
    done = hw6(course, "build", "--no-pdf", "--out", base / "out", "--cache-dir", base / "cache", *SKIP_BUILTIN)
    assert done.returncode == 0, done.stderr
    return base / "out"


def test_the_entry_point_registers_the_problem_after_hw6s_own(course):
    listed = subprocess.run(
        [sys.executable, "-c", "from solver.problems import PROBLEMS; print(' '.join(p.section for p in PROBLEMS))"],
        cwd=course[0],
        env=course[1],
        capture_output=True,
        text=True,
    )
    assert listed.stdout.split() == [p.section for p in BUILTIN] + [SECTION], listed.stderr
    assert SECTION not in {p.section for p in PROBLEMS}  # this environment's builds stay the homework's


def test_it_builds_sheets_and_key_from_its_own_templates(built):
    key = json.loads((built / "answers.json").read_text())
    assert list(key["parts"]) == ["8a"]
    assert key["parts"]["8a"]["value"] == [3, "-1.75"]  # y = W x + b for the example's default parameters
    assert "An affine layer maps its input" in (built / "problems.tex").read_text()
    assert r"\frac{7}{4}" in (built / "solutions.tex").read_text()
    assert "Problem 8: An affine layer" in (built / "problems.html").read_text()
    assert "8a    numpy" in (built / "report.txt").read_text()  # its cross-check ran (and agreed: the build wrote)


@needs_latex
def test_its_sheets_typeset_to_pdf(course):
    base, _ = course
    out = base / "pdf"
    done = hw6(course, "build", "--out", out, "--cache-dir", base / "cache", *SKIP_BUILTIN)
    assert done.returncode == 0, done.stderr
    for sheet in ("problems.pdf", "solutions.pdf"):
        assert (out / sheet).read_bytes().startswith(b"%PDF-"), sheet


def test_hw6_check_grades_it_with_its_modelled_mistake(course, built):
    base, _ = course
    answers = base / "answers"
    answers.mkdir()
    (answers / "right.yaml").write_text("8a: [3, -1.75]\n")
    (answers / "transposed.yaml").write_text("8a: [15/8, -13/4]\n")
    graded = {}
    for name in ("right", "transposed"):
        done = hw6(course, "check", answers / f"{name}.yaml", "--params", built / "params.json", "--json")
        assert done.returncode == 0, done.stderr
        graded[name] = json.loads(done.stdout)
    assert graded["right"]["score"] == graded["right"]["max_score"] == 1
    assert graded["transposed"]["score"] == 0
    assert "W transposed" in json.dumps(graded["transposed"])


@pytest.mark.slow  # three exports in fresh processes: about 10 s
@pytest.mark.parametrize("platform, suffix", [("prairielearn", "zip"), ("moodle", "xml"), ("qti", "zip")])
def test_it_exports_to_every_platform(course, platform, suffix):
    base, _ = course
    out = base / f"{platform}.{suffix}"
    done = hw6(
        course,
        "export",
        platform,
        "--variants",
        2,
        "--start",
        1,
        "--out",
        out,
        "--cache-dir",
        base / "cache",
        *SKIP_BUILTIN,
    )
    assert done.returncode == 0, done.stderr
    if platform == "moodle":
        text = out.read_text()
        assert "Problem 8: An affine layer" in text and text.count('<question type="cloze">') == 2
        return
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        text = "".join(archive.read(n).decode() for n in names if n.endswith((".html", ".xml")))
    if platform == "prairielearn":
        assert f"questions/hw6/{SECTION}/question.html" in names
    assert "An affine layer maps" in text


def test_a_package_that_registers_no_problem_is_one_line_and_exit_2(course, tmp_path):
    """A broken registration is refused in one line naming the entry point, never a traceback."""
    info = tmp_path / "broken_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[hw6.problems]\nnot_a_problem = json:dumps\n")
    base, env = course
    env = {**env, "PYTHONPATH": os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])}
    done = subprocess.run([sys.executable, "-m", "solver", "key"], cwd=base, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "hw6: error: entry point not_a_problem = json:dumps (hw6.problems): is a function, not a solver Problem"
    ]


def test_hw6_never_names_the_example_problem():
    """Its folder and its entry point are all it took: no file of hw6 itself knows it."""
    spine = [*(ROOT / "solver").rglob("*.py"), *(ROOT / "solver").rglob("*.j2"), *(ROOT / "templates").rglob("*.j2")]
    assert spine and not [path for path in spine if SECTION in path.read_text(encoding="utf-8")]
