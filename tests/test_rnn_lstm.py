"""Problem 3: the test-case answers, the study's numbers, torch and NumPy checks, training thresholds, the cache."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from solver.io import figures
from solver.io.cache import Cache, forget_memory
from solver.kernel.errors import ParamsError
from solver.kernel.params import from_mapping
from solver.problems import BuildContext
from solver.problems import rnn_lstm as p3
from solver.problems.rnn_lstm import params as p3_params
from solver.problems.rnn_lstm.study import derivations, gradients, testcases, training

from .cache_entries import entry_data, reseal
from .conftest import SKIP_NAMES


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rnn-cache")


@pytest.fixture(scope="module")
def solved(cache_dir):
    return p3.solve(p3.Params(), BuildContext(cache_dir=cache_dir))


def test_key_parts_and_kinds(solved):
    parts = {part_id: part.to_json() for part_id, part in p3.parts(solved).items()}
    assert list(parts) == ["3a", "3b", "3c", "3d", "3e", "3f", "3g", "3h", "3i", "3j", "3k"]
    kinds = {part_id: part["kind"] for part_id, part in parts.items()}
    assert kinds == {
        **dict.fromkeys(("3a", "3b", "3c", "3k"), "numbers"),
        "3d": "data",
        **dict.fromkeys(("3e", "3f", "3g", "3h", "3i", "3j"), "written"),
    }
    assert parts["3k"]["below"] == [0.01, 0.001]
    case = solved.case.params
    assert len(parts["3a"]["value"]) == case.steps * case.hidden_size and len(parts["3b"]["value"]) == case.steps
    assert all(v == float(f"{v:.6g}") for v in parts["3a"]["value"] + parts["3b"]["value"] + parts["3c"]["value"])
    assert parts["3e"]["value"] == "W_h.T**(T - t)*g_T"
    for written in ("3f", "3g", "3h", "3i", "3j"):
        assert len(parts[written]["reference"]) > 100 and parts[written]["value"] == parts[written]["reference"]
    # The written answers cite this run's numbers.
    assert f"{solved.numbers['relu_ratio']:.3g}" in parts["3f"]["reference"]
    assert f"{solved.numbers['last_share']:.3g}" in parts["3g"]["reference"]
    json.dumps(parts, allow_nan=False)


def test_test_case_values_follow_the_definitions(solved):
    """The 40-digit values against a plain float64 recurrence written here from the equations."""
    case = solved.case
    a = case.arrays()
    h, hidden = np.zeros(case.params.hidden_size), []
    for x_t in a["x"][0, :, 0]:
        h = np.tanh(a["W_h"] @ h + a["W_x"][:, 0] * x_t + a["b"])
        hidden.append(h)
    np.testing.assert_allclose(case.hidden_floats, hidden, rtol=1e-13)
    predictions = np.array(hidden) @ a["W_f"][0] + a["b_f"][0]
    np.testing.assert_allclose([float(v) for v in case.predictions], predictions, rtol=1e-13)
    labels = np.cumsum(a["x"][0, :, 0]) / np.arange(1, case.params.steps + 1)
    assert [float(v) for v in case.labels] == pytest.approx(labels, rel=1e-15)
    assert case.labels[1] == (case.x[0] + case.x[1]) / 2  # exact rationals
    errors = predictions - labels
    np.testing.assert_allclose([float(v) for v in case.losses], [np.mean(errors**2), errors[-1] ** 2], rtol=1e-13)


def test_every_test_case_input_is_a_multiple_of_a_tenth():
    case = testcases.solve(p3_params.TestCaseParams(seed=11, hidden_size=4, steps=6, nonlinearity="relu"))
    for matrix in (case.W_x, case.W_h, case.b, case.W_f):
        assert all((10 * v).is_integer for v in matrix)
    assert min(min(row) for row in case.hidden) >= 0  # ReLU


def test_numpy_crosscheck_agrees(solved):
    checks = p3.crosscheck(solved)
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]
    assert {"3a", "3b", "3c", "3e", "3i", "3i.total", "3k.1-layer", "3k.2-layer"} <= {c.part for c in checks}


def test_torch_oracle_agrees(torch, solved):
    checks = p3.oracle_check(solved)
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]
    parts = {c.part for c in checks}
    assert {f"3d.{name}" for name in gradients.RUNS} <= parts and "3i.total" in parts


def test_crosscheck_catches_a_wrong_answer(solved):
    paths = dataclasses.replace(solved.study.paths, direct=np.zeros_like(solved.study.paths.direct))
    broken = dataclasses.replace(solved, study=dataclasses.replace(solved.study, paths=paths))
    failed = {c.part for c in p3.crosscheck(broken) if not c.agrees}
    assert failed == {"3i.paths"}


def test_guarantees_hold_for_the_homework_values(solved):
    assert p3.guarantees(solved.params, solved) == []


def test_the_study_shows_what_the_sheet_says(solved):
    n = solved.numbers
    assert n["small_ratio"] < 1e-2 < 1e2 < n["large_ratio"]
    assert abs(n["small_slope"] - np.log(0.9)) < 0.02 and abs(n["large_slope"] - np.log(1.1)) < 0.02
    assert n["relu_ratio"] > 1e6 * n["tanh_ratio"] and n["relu_hidden"] > 1e6 * n["tanh_hidden"]
    assert n["all_ratio"] > 1 > 1e-10 > n["last_ratio"]
    assert n["rnn_ratio"] < n["lstm_ratio"] < n["forget_ratio"]


def test_tool_returns_per_step_norms():
    run = gradients.gradient_magnitudes(gradients.GradientConfig(cell="lstm", steps=7, hidden_size=3, batch=2))
    assert run.grad.shape == run.hidden.shape == run.cell_grad.shape == (7,)
    assert np.all(run.grad > 0)


def test_symbolic_derivations():
    assert derivations.linear_gradient(3, 4).holds
    assert derivations.cell_gradient().holds
    expr = derivations.linear_gradient(2, 3).expression
    assert str(expr) == derivations.LINEAR_GRADIENT_TEXT
    assert isinstance(expr, sp.MatMul)


# --------------------------------------------------------------------------- training and the cache


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_reaches_the_homework_thresholds(seed):
    runs = training.run_training(p3_params.TrainingParams(seed=seed), Cache(None))
    assert runs[1].final_loss < 0.01 and runs[1].reached_at is not None
    assert runs[2].final_loss < 0.001 and runs[2].reached_at is not None


def small_training(**changes) -> p3_params.TrainingParams:
    return p3_params.TrainingParams(**{"train_size": 16, "epochs": 3, "hidden_size": 4, "batch_size": 8, **changes})


@pytest.fixture
def cold_memory():
    """These tests measure what a cold process does: no entries remembered from earlier tests."""
    forget_memory()
    yield
    forget_memory()


def test_second_run_reads_the_cache(tmp_path, monkeypatch, cold_memory):
    params = small_training()
    first = training.run_training(params, Cache(tmp_path))
    assert not first[1].cached and len(list((tmp_path / training.CACHE_KIND).iterdir())) == 2

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(training, "_train", no_training)
    forget_memory()  # read it back from the folder, not from memory
    second = training.run_training(params, Cache(tmp_path))
    assert second[1].cached and second[2].cached
    assert second[2].losses == first[2].losses and second[2].final_loss == first[2].final_loss
    with pytest.raises(AssertionError, match="trained again"):
        training.run_training(small_training(epochs=4), Cache(tmp_path))  # a new configuration is a new entry


def test_a_damaged_cache_entry_is_trained_again(tmp_path, cold_memory):
    params = small_training()
    first = training.run_training(params, Cache(tmp_path))
    for entry in (tmp_path / training.CACHE_KIND).iterdir():
        entry.write_text('{"losses": [')
    forget_memory()
    again = training.run_training(params, Cache(tmp_path))
    assert not again[1].cached and again[1].losses == first[1].losses


def test_a_cache_entry_for_other_shapes_is_trained_again(tmp_path, cold_memory):
    params = small_training()
    first = training.run_training(params, Cache(tmp_path))
    for entry in (tmp_path / training.CACHE_KIND).iterdir():
        stored = json.loads(entry_data(entry))
        stored["weights"] = {name: [[0.5]] for name in stored["weights"]}
        reseal(entry, json.dumps(stored).encode())  # a right header: the shape check refuses it
    forget_memory()
    again = training.run_training(params, Cache(tmp_path))
    assert not again[2].cached and again[2].final_loss == first[2].final_loss


@pytest.mark.slow
def test_figures_are_deterministic_and_cached(solved, tmp_path, monkeypatch, cold_memory):
    cold = p3.assets(dataclasses.replace(solved, cache=Cache(tmp_path)))
    assert set(cold) == {
        f"figures/rnn_lstm/{name}.pdf" for name in ("linear", "activations", "targets", "lstm", "training")
    }
    assert all(data.startswith(b"%PDF") for data in cold.values())
    forget_memory()  # draw them again from scratch
    assert (
        p3.assets(dataclasses.replace(solved, cache=Cache(None)))["figures/rnn_lstm/lstm.pdf"]
        == cold["figures/rnn_lstm/lstm.pdf"]
    )
    forget_memory()
    monkeypatch.setattr(figures, "render", lambda plot: pytest.fail("drew a cached figure"))
    assert p3.assets(dataclasses.replace(solved, cache=Cache(tmp_path))) == cold


def test_progress_goes_to_a_terminal_only(tmp_path, capsys):
    training.run_training(small_training(seed=5), Cache(None), progress=False)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- parameters and variants


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"study": {"small_radius": "1.5"}}, "rnn_lstm.study.small_radius"),
        ({"study": {"large_radius": 1}}, "rnn_lstm.study.large_radius: expected a number strictly above 1"),
        (
            {"test_case": {"nonlinearity": "sigmoid"}},
            "rnn_lstm.test_case.nonlinearity: expected one of tanh, relu, identity",
        ),
        ({"test_case": {"steps": 0}}, "rnn_lstm.test_case.steps: expected an integer from 1 to 8"),
        ({"training": {"steps": 0}}, "rnn_lstm.training.steps"),
        ({"training": {"dtype": "float16"}}, "rnn_lstm.training.dtype"),
        ({"training": {"learning_rate": "nan"}}, "rnn_lstm.training.learning_rate"),
        ({"training": {"learning_rate": 0}}, "rnn_lstm.training.learning_rate: expected a number above 0"),
        ({"study": {"hidden": 3}}, "rnn_lstm.study.hidden: expected no such key"),
    ],
)
def test_bad_parameters_name_the_field(data, fragment):
    with pytest.raises(ParamsError) as info:
        from_mapping(p3.Params, data, "rnn_lstm")
    assert fragment in str(info.value)


def test_parameters_round_trip():
    from solver.kernel.params import to_jsonable

    params = from_mapping(p3.Params, {"study": {"small_radius": "0.85"}, "training": {"epochs": 10}}, "rnn_lstm")
    assert from_mapping(p3.Params, to_jsonable(params), "rnn_lstm") == params
    assert to_jsonable(params)["study"]["small_radius"] == "0.85"


@pytest.mark.slow
def test_a_sampled_variant_keeps_its_guarantees(tmp_path):
    rng = np.random.default_rng(3)
    for _ in range(5):
        params = p3.sample(rng)
        solution = p3.solve(params, BuildContext(cache_dir=tmp_path))
        if not p3.guarantees(params, solution):
            break
    else:
        pytest.fail("five sampled variants in a row broke their guarantees")
    assert all(c.agrees for c in p3.crosscheck(solution))


def test_cli_rejects_bad_problem_3_parameters(run_cli, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("rnn_lstm:\n  study:\n    small_radius: 1.5\n")
    code, out, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--params", params, "--out", tmp_path / "out")
    assert code == 2 and out == "" and "rnn_lstm.study.small_radius" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
