"""The homework's notebooks: every build writes the starter and the executed solution, whose test
cells print the key's 3a-3c; the same bytes twice; executed runs are cached and shared by variants.

nbclient and ipykernel are hw6 dependencies: without them these tests fail (they never skip).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from solver.build.pipeline import TEMPLATE_FILE, build, params_from_data, prepare, write
from solver.io.cache import Cache, forget_memory
from solver.kernel.errors import CrossCheckFailed, NotebookFailed
from solver.kernel.problem import BuildContext
from solver.notebooks import execute, solution
from solver.notebooks.build import SOLUTION, STARTER
from solver.notebooks.cells import TODO_MARK, code
from solver.notebooks.execute import CACHE_KIND, executed, run, run_outputs
from solver.problems.rnn_lstm.notebook import TEST_CELLS
from solver.variants.draw import draw

from .conftest import NAMES_DIR

#: Problem 4's cells read the shared names data, as the other names tests do (CI has it beside the checkout).
needs_names = pytest.mark.skipif(not NAMES_DIR.is_dir(), reason="shared names data set not present")
#: Problem 4 with a small network: its notebook trains in seconds (the homework's takes about a minute).
SMALL_P4 = {"names_classifier": {"training": {"hidden_size": 16, "embedding_size": 8, "epochs": 2, "batch_size": 64}}}
#: Every test here executes notebook cells in a kernel (or reads what its module's build executed).
pytestmark = pytest.mark.notebooks
EXPECTED_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("notebooks-cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory, cache_dir) -> Path:
    """The homework without the names data: Problem 3's cells only, executed once for the module."""
    forget_memory()  # an earlier test's runs in memory would be served without reaching this module's folder
    out = tmp_path_factory.mktemp("notebooks") / "out"
    build({}, out, pdf=False, context=BuildContext(cache_dir=cache_dir))
    return out


def read(path: Path):
    return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)


def cell(node, name: str):
    return next(c for c in node.cells if c.id == name)


def printed(node, name: str) -> str:
    return "".join(o.get("text", "") for o in cell(node, name).outputs if o.output_type == "stream")


def in_scratch(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "names").symlink_to(NAMES_DIR, target_is_directory=True)
    return tmp_path


def test_the_solution_is_executed_and_prints_the_keys_values(built):
    node = read(built / SOLUTION)
    nbformat.validate(node)
    key = json.loads((built / "answers.json").read_text())["parts"]
    for part, name in TEST_CELLS.items():
        text = printed(node, name)
        assert text.startswith(part + " "), text
        values = [float(v) for v in text.split(":", 1)[1].split()]
        assert values == key[part]["value"], (part, values, key[part]["value"])
    lines = printed(node, "train-1k").splitlines()
    assert [line.endswith(": True") for line in lines] == [True, True], lines
    assert len([o for o in cell(node, "visualize-1d").outputs if "image/png" in o.get("data", {})]) == 1
    code_cells = [c for c in node.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code_cells] == list(range(1, len(code_cells) + 1))  # as one run numbers them
    assert all("execution" not in c.metadata for c in code_cells)
    assert node.metadata == EXPECTED_METADATA
    assert not [c.id for c in node.cells if c.id.endswith("p4")]  # no names data: Problem 4 is left out


def test_the_sheets_study_and_training_numbers_are_what_the_notebook_printed(built):
    """3d's ratios and 3k's losses in the key (and so on the sheet) are the solution notebook's, digit for digit."""
    from solver.problems.rnn_lstm.notebook import study_labels
    from solver.problems.rnn_lstm.params import Params

    node, key = read(built / SOLUTION), json.loads((built / "answers.json").read_text())["parts"]
    ratios = {}
    for name in ("visualize-1d", "visualize-1h"):
        for line in printed(node, name).splitlines():
            label, _, value = line.partition(": ||dL/dh_1|| / ||dL/dh_T|| = ")
            ratios[label] = value
    for study_run, label in study_labels(Params()).items():  # printed to 4 digits, the key to 6
        assert float(ratios[label]) == pytest.approx(key["3d"]["value"][study_run]["grad_ratio"], rel=5e-4), study_run
    losses = [line.split("final training loss ")[1].split(",")[0] for line in printed(node, "train-1k").splitlines()]
    assert [float(v) for v in losses] == pytest.approx(key["3k"]["value"], rel=5e-4)


def test_two_cold_builds_write_the_same_notebooks(built, cache_dir, tmp_path):
    shutil.copytree(cache_dir, tmp_path / "cache")
    shutil.rmtree(tmp_path / "cache" / execute.CACHE_KIND)  # the solves are cached, the notebook is not
    forget_memory()  # fresh kernels for every run: nothing comes from the first build
    build({}, tmp_path / "again", pdf=False, context=BuildContext(cache_dir=tmp_path / "cache"))
    for name in (STARTER, SOLUTION):
        assert (tmp_path / "again" / name).read_bytes() == (built / name).read_bytes(), name


def test_the_split_runs_give_what_one_top_to_bottom_run_gives(built, tmp_path):
    """The kernels of their own (a problem's cells, each `alone` cell after the definitions) change nothing."""
    stored = read(built / SOLUTION)
    fresh = read(built / SOLUTION)
    for each in fresh.cells:
        if each.cell_type == "code":
            each.outputs, each.execution_count = [], None
    assert executed(fresh, cwd=tmp_path) == stored


def test_a_second_build_reads_the_cache_and_variants_share_the_training(built, cache_dir, tmp_path, monkeypatch):
    calls: list[list[str]] = []
    real = execute.executed

    def counted(node, **kwargs):
        calls.append([c.id for c in node.cells if c.cell_type == "code"])
        return real(node, **kwargs)

    monkeypatch.setattr(execute, "executed", counted)
    monkeypatch.setenv("HW6_WARM_KERNELS", "0")  # every execution through `executed`, counted
    forget_memory()  # from the folder, not from memory
    build({}, tmp_path / "again", pdf=False, context=BuildContext(cache_dir=cache_dir))
    assert calls == []
    assert (tmp_path / "again" / SOLUTION).read_bytes() == (built / SOLUTION).read_bytes()
    context = BuildContext(cache_dir=cache_dir)
    drawn = draw(7, context)
    write(prepare(drawn.solved, drawn.variant, context=context), tmp_path / "v7", pdf=False)
    assert len(calls) == 1 and "test-1a" in calls[0]  # only the variant's test cells ran ...
    assert "train-1k" not in calls[0] and "visualize-1d" not in calls[0]  # ... the study and training were shared
    node, key = read(tmp_path / "v7" / SOLUTION), json.loads((tmp_path / "v7" / "answers.json").read_text())["parts"]
    assert printed(node, "test-1a") != printed(read(built / SOLUTION), "test-1a")
    assert [float(v) for v in printed(node, "test-1a").split(":", 1)[1].split()] == key["3a"]["value"]
    assert printed(node, "train-1k") == printed(read(built / SOLUTION), "train-1k")


def test_a_notebook_that_disagrees_with_the_key_writes_nothing(cache_dir, tmp_path, monkeypatch):
    real = solution.run_outputs

    def wrong_3a(cells, shown, cache, folders, **options):
        outputs = real(cells, shown, cache, folders, **options)
        if "test-1a" in outputs:
            text = outputs["test-1a"][0]["text"]
            outputs["test-1a"][0]["text"] = text.replace(text.split()[2], "0.5", 1)
        return outputs

    monkeypatch.setattr(solution, "run_outputs", wrong_3a)
    with pytest.raises(CrossCheckFailed) as raised:
        build({}, tmp_path / "out", pdf=False, context=BuildContext(cache_dir=cache_dir))
    assert "3a [notebook (Test Cases cell of section 1A)]: exact 0.168381 " in str(raised.value)
    assert ", numeric 0.5 " in str(raised.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("seeds", [(7, 123456)])
def test_a_warm_kernel_prints_what_fresh_kernels_print(tmp_path, monkeypatch, seeds):
    """A batch's per-variant test cells run in one warm kernel per process: the same outputs, byte for byte."""
    from solver.notebooks.solution import Contribution, plan
    from solver.problems.rnn_lstm.notebook import notebook_cells
    from solver.problems.rnn_lstm.params import Params, TestCaseParams
    from solver.problems.rnn_lstm.study import testcases

    runs = []
    for seed, sigma in zip(seeds, ("tanh", "relu"), strict=True):
        params = Params(test_case=TestCaseParams(seed=seed, nonlinearity=sigma))
        cells = notebook_cells(params, testcases.solve(params.test_case))
        runs += [r for r in plan([Contribution(tuple(cells))]) if "test-1a" in r.shown]
    forget_memory()
    warm = [run_outputs(r.cells, r.shown, Cache(tmp_path / "warm"), {}, warm=True) for r in runs]
    assert len(execute._WARM) == 1  # both variants' test cells ran in the one kernel of their definitions
    monkeypatch.setenv("HW6_WARM_KERNELS", "0")
    forget_memory()
    fresh = [run_outputs(r.cells, r.shown, Cache(tmp_path / "fresh"), {}, warm=True) for r in runs]
    assert json.dumps(warm, sort_keys=True) == json.dumps(fresh, sort_keys=True)
    assert warm[0]["test-1a"] != warm[1]["test-1a"]


def test_a_cell_that_raises_is_a_one_line_error(tmp_path):
    cells = [code("fine", "x = 1"), code("boom", "raise ValueError('no good')", "test")]
    with pytest.raises(NotebookFailed) as raised:
        run_outputs(cells, ("fine", "boom"), Cache(tmp_path), {})
    assert str(raised.value) == f"{SOLUTION}: cell boom raised ValueError: no good; nothing was written"


def test_a_run_returns_the_files_its_cells_write_cached_with_its_outputs(tmp_path):
    cells = [
        code("save", "import json\nwith open('result.json', 'w') as f:\n    json.dump({'x': 42}, f)", "setup"),
        code("weights", "open('w.bin', 'wb').write(bytes(range(256)))\nprint('saved')", "test"),
        code("scratch", "open('other.txt', 'w').write('dropped')"),
    ]
    ran = run(cells, ("weights",), Cache(tmp_path), {}, keep=("*.json", "w.bin"))
    assert ran.files == {"result.json": b'{"x": 42}', "w.bin": bytes(range(256))}  # other.txt was not asked for
    assert ran.outputs["weights"][0]["text"] == "saved\n"
    forget_memory()
    (entry,) = (tmp_path / CACHE_KIND).iterdir()
    assert b"w.bin" in entry.read_bytes()  # the bytes live in the one entry ...
    assert run(cells, ("weights",), Cache(tmp_path), {}, keep=("*.json", "w.bin")) == ran  # ... read back, not run
    assert run_outputs(cells, ("weights",), Cache(tmp_path), {}) == ran.outputs  # the notebook's build: the same entry
    assert len(list((tmp_path / CACHE_KIND).iterdir())) == 1


def test_a_file_the_cells_did_not_write_is_a_one_line_error(tmp_path):
    with pytest.raises(NotebookFailed) as raised:
        run([code("nothing", "x = 1", "test")], ("nothing",), Cache(tmp_path), {}, keep=("weights.npz",))
    assert str(raised.value) == f"{SOLUTION}: the cells wrote no file weights.npz; nothing was written"


def test_the_starter_is_the_solution_with_todo_bodies_and_no_outputs(built):
    starter, solved = read(built / STARTER), read(built / SOLUTION)
    nbformat.validate(starter)
    assert [c.id for c in starter.cells] == [c.id for c in solved.cells]
    todos = [c.id for c in starter.cells if "todo" in c.metadata.get("tags", [])]
    assert todos == ["todo-1a", "todo-1b", "todo-1c", "todo-1d", "todo-1h", "todo-1k"]
    for mine, theirs in zip(starter.cells, solved.cells, strict=True):
        if mine.cell_type == "code":
            assert mine.outputs == [] and mine.execution_count is None
            theirs.outputs, theirs.execution_count = [], None
        if mine.id in todos:
            assert TODO_MARK in mine.source and "raise NotImplementedError" in mine.source
            assert TODO_MARK not in theirs.source and "NotImplementedError" not in theirs.source
            mine.source = theirs.source  # filling the TODOs with the solution's bodies ...
        assert mine == theirs, mine.id  # ... gives the solution notebook, cell for cell (outputs aside)


def test_the_test_cells_have_the_homeworks_headings(built):
    starter = read(built / STARTER)
    for part, heading in {"3a": "Test Cases", "3b": "Tests", "3c": "Tests"}.items():
        assert cell(starter, TEST_CELLS[part] + "-text").source.startswith(f"### {heading}\n")


def test_the_answer_template_names_the_cells_to_copy(built):
    lines = {line.split(":", 1)[0]: line for line in (built / TEMPLATE_FILE).read_text().splitlines()}
    assert lines["3a"].endswith("; copy what the Test Cases cell of section 1A in notebook.ipynb prints")
    assert lines["3b"].endswith("; copy what the Tests cell of section 1B in notebook.ipynb prints")
    assert lines["3c"].endswith("; copy what the Tests cell of section 1C in notebook.ipynb prints")
    assert [part for part, line in lines.items() if "notebook" in line] == ["3a", "3b", "3c"]


def test_the_starter_runs_up_to_its_first_todo(built, tmp_path):
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError) as raised:
        executed(read(built / STARTER), cwd=tmp_path, timeout=120)
    assert raised.value.ename == "NotImplementedError"
    assert "rnn_forward is yours to write (Section 1A)" in raised.value.evalue


@pytest.mark.slow  # Problem 4's solve and its notebook both train on the 18k names
@needs_names
def test_with_the_names_data_problem_4_trains_and_writes_its_log(cache_dir, tmp_path):
    out = tmp_path / "out"
    context = BuildContext(cache_dir=cache_dir, data_folders={"names": NAMES_DIR})
    build(params_from_data(SMALL_P4), out, pdf=False, context=context)
    starter, node = read(out / STARTER), read(out / SOLUTION)
    setup = next(c for c in starter.cells if c.id == "p4-settings")
    assert "setup" in setup.metadata["tags"] and 'NAMES_DIR = "data/names"' in setup.source
    todos = [c.id for c in starter.cells if "todo" in c.metadata.get("tags", [])]
    assert {"p4-forward", "p4-epoch"} <= set(todos)
    assert "17994 (name, language) pairs" in printed(node, "p4-load")
    test_line, balanced_line = printed(node, "p4-evaluate").splitlines()
    assert test_line.startswith("test accuracy 0.") and balanced_line.startswith("balanced accuracy 0."), (
        test_line,
        balanced_line,
    )
    assert printed(node, "p4-log") == "wrote submission_log.json: 1740 predictions\n"
    log = json.loads((out / "submission_log.json").read_text())  # the build ships the notebook's own log
    assert log["format"] == 3 and len(log["predictions"]) == 1740
    assert float(test_line.split()[2]) == pytest.approx(log["final"]["accuracy"], abs=5e-5)
    assert printed(node, "test-1a")  # Problem 3 is there too, from the cache


@pytest.mark.slow
@needs_names
def test_the_homeworks_problem_4_reaches_its_threshold(tmp_path):
    """The full run (about a minute of training in the notebook), as `hw6 build --names-dir` does it."""
    out = tmp_path / "out"
    build({}, out, pdf=False, context=BuildContext(cache_dir=tmp_path / "cache", data_folders={"names": NAMES_DIR}))
    test_line, balanced_line = printed(read(out / SOLUTION), "p4-evaluate").splitlines()
    accuracy, balanced = float(test_line.split()[2]), float(balanced_line.split()[2])
    assert accuracy >= 0.85 and balanced >= 0.65, (test_line, balanced_line)
