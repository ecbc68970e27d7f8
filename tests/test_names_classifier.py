"""Problem 4: the surname classifier on the shared data, its checks, torch's gradients, the cache, the sheet and the CLI.

Every training here is a reduced configuration (a few seconds in all); the
full default run (about 15 s) is what ``hw6 build --names-dir`` does.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from solver.io.cache import forget_memory
from solver.kernel.errors import ParamsError
from solver.kernel.params import from_mapping
from solver.nn import SequenceClassifier, SoftmaxCrossEntropy, mirrors
from solver.nn.ngrams import NgramVocabulary
from solver.problems import BuildContext
from solver.problems import names_classifier as p4
from solver.problems.names_classifier import training
from solver.problems.names_classifier.data import NamesData
from solver.problems.names_classifier.evaluation import Evaluation
from solver.problems.names_classifier.key import TARGET_ACCURACY, TARGET_BALANCED
from solver.problems.names_classifier.params import TrainingConfig

from .conftest import NAMES_DIR, SKIP_NAMES

needs_names = pytest.mark.skipif(not NAMES_DIR.is_dir(), reason="shared names data set not present")

SMALL = {"hidden_size": 16, "embedding_size": 8, "epochs": 2, "batch_size": 64}
SMALL_YAML = "names_classifier:\n  training: {hidden_size: 16, embedding_size: 8, epochs: 2, batch_size: 64}\n"


def small_params(**training_changes) -> p4.Params:
    return p4.Params(training=from_mapping(TrainingConfig, {**SMALL, **training_changes}, "training"))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("names-cache")


@pytest.fixture(scope="module")
def solved(cache_dir) -> p4.Solution:
    if not NAMES_DIR.is_dir():
        pytest.skip("shared names data set not present")
    # a large batch: few optimiser steps over the whole data set, and every check below the same
    return p4.solve(small_params(batch_size=512), BuildContext(cache_dir=cache_dir, data_folders={"names": NAMES_DIR}))


@pytest.fixture
def cold_memory():
    """These tests measure what a cold process does: nothing remembered from earlier tests."""
    forget_memory()
    yield
    forget_memory()


def tiny_folder(folder: Path, extra: bytes = b"") -> Path:
    """Two small languages with clearly different endings (and optional bad lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Russian.txt").write_text(
        "\n".join(
            f"{stem}ov"
            for stem in (
                "Iva",
                "Petr",
                "Smirn",
                "Kuzn",
                "Pop",
                "Sokol",
                "Lebed",
                "Kozl",
                "Novik",
                "Morozo",
                "Volk",
                "Zaitse",
            )
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "Japanese.txt").write_bytes(
        (
            "\n".join(
                f"{stem}moto"
                for stem in (
                    "Yama",
                    "Saka",
                    "Hashi",
                    "Oka",
                    "Mat",
                    "Fuji",
                    "Kishi",
                    "Tsuka",
                    "Mori",
                    "Nishi",
                    "Sugi",
                    "Kawa",
                )
            )
            + "\n"
        ).encode()
        + extra
    )
    return folder


# --------------------------------------------------------------------------- training


@pytest.mark.slow
@needs_names
def test_the_default_recipe_reaches_both_targets_and_its_checks_agree(cache_dir, torch):
    """The full default training (the one `hw6 build --names-dir` runs): accuracy and balanced accuracy."""
    solution = p4.solve(p4.Params(), BuildContext(cache_dir=cache_dir, data_folders={"names": NAMES_DIR}))
    test = solution.trained.test
    assert test.accuracy >= TARGET_ACCURACY, test.accuracy
    assert test.balanced_accuracy >= TARGET_BALANCED, test.balanced_accuracy
    # recounted here from the confusion matrix's rows and columns
    confusion = test.confusion
    recalls = [confusion[c, c] / confusion[c].sum() for c in range(len(confusion))]
    assert test.balanced_accuracy == pytest.approx(sum(recalls) / len(recalls), rel=1e-12)
    assert test.accuracy == pytest.approx(np.trace(confusion) / confusion.sum(), rel=1e-12)
    failed = [c for c in p4.crosscheck(solution) + p4.oracle_check(solution) if not c.agrees]
    assert not failed, failed


# --------------------------------------------------------------------------- checks and the torch oracle


def test_numpy_crosscheck_agrees(solved):
    checks = p4.crosscheck(solved)
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]


def test_crosscheck_catches_wrong_metrics_and_padding(solved):
    trained = solved.trained
    test = dataclasses.replace(trained.test)
    test.__dict__["accuracy"] = trained.test.accuracy + 0.01  # a wrong cached value
    wrong = dataclasses.replace(solved, trained=dataclasses.replace(trained, test=test))
    assert {c.part for c in p4.crosscheck(wrong) if not c.agrees} == {"4.test_accuracy", "4.notebook.accuracy"}

    shifted = trained.test.probabilities.copy()
    shifted[0] = np.roll(shifted[0], 1)  # as if padding had changed the first name's prediction
    test = Evaluation(trained.test.labels, shifted)
    wrong = dataclasses.replace(solved, trained=dataclasses.replace(trained, test=test))
    assert "4.padding" in {c.part for c in p4.crosscheck(wrong) if not c.agrees}


def test_crosscheck_catches_a_notebook_log_that_numpy_does_not_reproduce(solved):
    trained = solved.trained
    log = json.loads(trained.classifier.log_bytes)
    name, language = log["predictions"][0]
    other = next(x for x in log["data"]["languages"] if x != language)
    log["predictions"][0] = [name, other]
    log["final"]["balanced_accuracy"] += 0.001
    run = dataclasses.replace(trained.classifier, log=log)
    wrong = dataclasses.replace(solved, trained=dataclasses.replace(trained, classifier=run))
    failed = {c.part for c in p4.crosscheck(wrong) if not c.agrees}
    assert failed == {"4.notebook.predictions", "4.notebook.balanced_accuracy"}


def test_the_numpy_layers_predict_what_the_notebook_logged(solved):
    trained = solved.trained
    logged = trained.classifier.log["predictions"]
    assert [name for name, _ in logged] == [trained.data.names[i] for i in trained.split.test]
    assert [language for _, language in logged] == [trained.languages[c] for c in trained.test.predictions]
    assert trained.classifier.log["final"]["accuracy"] == round(trained.test.accuracy, 6)


def test_torch_oracle_agrees(torch, solved):
    checks = p4.oracle_check(solved)
    networks = solved.trained.model.networks
    assert len(networks) == 2  # the default: two networks, each checked
    grads = {c.part for c in checks if ".grad." in c.part}
    expected = {
        f"4.network{k}.grad.{name}" for k, network in enumerate(networks, 1) for name in network.named_parameters()
    }
    assert "ngrams.weight" in networks[0].named_parameters() and grads == expected
    assert all(c.agrees for c in checks), [c for c in checks if not c.agrees]


@pytest.mark.parametrize(
    "cell, embedding, layers, weighted, bidirectional, dropout, smoothing, bag",
    [
        ("lstm", 5, 1, False, False, 0.0, 0.0, 0),
        ("lstm", None, 2, True, False, 0.0, 0.0, 0),
        ("rnn", 5, 2, False, False, 0.0, 0.0, 0),
        ("rnn", None, 1, True, False, 0.0, 0.0, 0),
        ("lstm", 5, 1, True, True, 0.3, 0.1, 0),
        ("rnn", None, 2, False, True, 0.5, 0.2, 0),
        ("lstm", 5, 1, True, True, 0.3, 0.1, 4),
        ("lstm", None, 1, False, False, 0.0, 0.0, 3),
    ],
)
def test_every_gradient_matches_torch_autograd(
    torch, cell, embedding, layers, weighted, bidirectional, dropout, smoothing, bag
):
    """Logits, loss and every parameter gradient of a padded batch against torch (float64, rtol 1e-10).

    torch flips each name itself for the backward direction, averages the n-gram bags with its
    own ``embedding_bag`` and applies the NumPy dropout mask (a random draw, not a computation)
    to the same features.
    """
    rng = np.random.default_rng(21)
    tokens, lengths, labels = rng.integers(0, 57, (7, 9)), np.array([9, 1, 4, 9, 2, 7, 5]), rng.integers(0, 4, 7)
    # the vocabulary from part of the batch, so that some n-grams of the rest are unknown
    vocabulary = NgramVocabulary.fit(tokens[:4], lengths[:4], np.arange(57) % 31, 3) if bag else None
    model = SequenceClassifier.build(
        57, 6, 4, layers, cell, "tanh", embedding, bidirectional=bidirectional, dropout=dropout,
        vocabulary=vocabulary, bag_size=bag, rng=rng,
    )  # fmt: skip
    weights = rng.uniform(0.5, 2.0, 4) if weighted else None
    loss = SoftmaxCrossEntropy(weights, smoothing)
    logits, ctx = model.forward(tokens, lengths, np.random.default_rng(3))
    mask = ctx[5]
    assert (mask is None) == (dropout == 0.0)
    value, loss_ctx = loss.forward(logits, labels)
    grads = model.backward(ctx, loss.backward(loss_ctx)).grads
    expected = mirrors.classifier(model, tokens, lengths, labels, weights, smoothing, mask)
    np.testing.assert_allclose(logits, expected.logits, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(value, expected.loss, rtol=1e-10)
    assert set(grads) == set(expected.grads) == set(model.named_parameters())
    for name, grad in grads.items():
        np.testing.assert_allclose(grad, expected.grads[name], rtol=1e-10, atol=1e-14, err_msg=name)


def test_dropout_only_while_training():
    config = small_params(epochs=1, bidirectional=True, dropout="0.5", label_smoothing="0.1").training
    model = training.new_model(config, 3)
    tokens, lengths = np.array([[1, 2, 3], [4, 5, 0]]), np.array([3, 2])
    assert np.array_equal(model.forward(tokens, lengths)[0], model.forward(tokens, lengths)[0])
    dropped = model.forward(tokens, lengths, np.random.default_rng(0))[0]
    assert not np.allclose(dropped, model.forward(tokens, lengths)[0])
    again = model.forward(tokens, lengths, np.random.default_rng(0))[0]
    assert np.array_equal(dropped, again)


def test_oracle_catches_a_wrong_gradient(torch, solved, monkeypatch):
    backward = SequenceClassifier.backward

    def off_by_a_little(self, ctx, d_logits):
        result = backward(self, ctx, d_logits)
        result.grads["head.bias"][0] *= 1.001
        return result

    monkeypatch.setattr(SequenceClassifier, "backward", off_by_a_little)
    failed = {c.part for c in p4.oracle_check(solved) if not c.agrees}
    assert failed == {"4.network1.grad.head.bias", "4.network2.grad.head.bias"}


# --------------------------------------------------------------------------- key, sheet, log


def test_key_parts(solved):
    parts = {part_id: part.to_json() for part_id, part in p4.parts(solved).items()}
    four = parts["4"]
    assert four["kind"] == "data" and set(four["value"]) >= {"test_accuracy", "balanced_accuracy", "per_language"}
    assert four["value"]["test_accuracy"] == round(solved.trained.test.accuracy, 6)
    assert set(four["value"]["per_language"]) == set(solved.trained.languages)
    assert parts["4a"]["kind"] == "written"
    # The run's numbers 4a cites, recounted here from the test predictions.
    test = solved.trained.test
    guesses = test.probabilities.argmax(axis=1)
    data = solved.trained.data
    listed = [data.listed_under[data.names[i]] for i in solved.trained.split.test]
    counted = [g if g in languages else label for g, label, languages in zip(guesses, test.labels, listed, strict=True)]
    right = {c: [g == c for g, label in zip(guesses, counted, strict=True) if label == c] for c in set(counted)}
    worst = min(right, key=lambda c: (sum(right[c]) / len(right[c]), c))
    accuracy = sum(g == label for g, label in zip(guesses, counted, strict=True)) / len(guesses)
    assert f"right on {100 * accuracy:.1f}% of the test names" in parts["4a"]["value"]
    assert f"for {solved.trained.languages[worst]} names." in parts["4a"]["value"]
    for topic in ("profiling", "discrimination", "hiring", "lending", "policing", "mixed", "bias"):
        assert topic in parts["4a"]["value"]


def test_assets_and_the_submission_log(solved, cold_memory):
    files = p4.assets(solved)
    assert set(files) == {
        "figures/names_classifier/training.pdf",
        "figures/names_classifier/confusion.pdf",
        "submission_log.json",
    }
    assert all(files[name].startswith(b"%PDF") for name in files if name.endswith(".pdf"))
    forget_memory()
    assert p4.assets(solved) == files  # drawn and written again: the same bytes
    assert files["submission_log.json"] == solved.trained.classifier.log_bytes  # the notebook's own file
    record = json.loads(files["submission_log.json"])
    assert record["format"] == 3 and record["config"]["hidden"] == 16
    assert record["data"]["fingerprint"] == solved.trained.data.fingerprint()
    split = solved.trained.split
    assert record["data"]["split"] == {
        "by": "distinct name",
        "seed": 0,
        "counts": {part: len(getattr(split, part)) for part in ("train", "validation", "test")},
    }
    assert [e["epoch"] for e in record["epochs"]] == [1, 2]
    assert set(record["epochs"][0]) == {
        "epoch",
        "learning_rate",
        "train_loss",
        "train_accuracy",
        "validation_loss",
        "validation_accuracy",
    }
    assert record["final"]["accuracy"] == round(solved.trained.test.accuracy, 6)
    assert len(record["predictions"]) == len(split.test)
    assert len(record["samples"]) == 5 + len(p4.DEFAULT_SAMPLES) and len(record["samples"][0]["top3"]) == 3
    assert "seconds" not in files["submission_log.json"].decode()  # the same bytes on every run


def test_top_three_are_the_most_probable(solved):
    languages = solved.trained.languages
    for sample in solved.trained.samples:
        top = sample.top(languages)
        assert [p for _, p in top] == sorted(sample.probabilities, reverse=True)[:3]
    origins = [s.origin for s in solved.trained.samples]
    assert origins[:5] == ["test"] * 5 and origins[5:] == ["new", "data", "new", "data", "new", "new"]


@pytest.mark.slow
@needs_names
def test_build_with_the_folder_writes_metrics_and_the_log(run_cli, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(SMALL_YAML)
    out = tmp_path / "out"
    code, stdout, err = run_cli(
        "build",
        "--no-pdf",
        "--params",
        params,
        "--names-dir",
        NAMES_DIR,
        "--out",
        out,
        "--cache-dir",
        tmp_path / "cache",
    )
    assert code == 0, err
    solutions = (out / "solutions.tex").read_text()
    assert "Problem 4: " in solutions and "confusion.pdf" in solutions
    words = " ".join(solutions.split())
    assert "17994 (name, language) pairs. They hold 17417 distinct names" in words
    problems = " ".join((out / "problems.tex").read_text().split())
    assert "17994 (name, language) pairs, 17417 distinct names" in problems
    assert (out / "submission_log.json").is_file() and (out / "figures" / "names_classifier" / "training.pdf").is_file()
    key = json.loads((out / "answers.json").read_text())["parts"]
    assert key["4"]["value"]["test_accuracy"] > 0.5


def test_sheet_and_key_without_the_folder(shared_build, solved_homework, session_cache):
    """Without the data no sheet names Problem 4 (it is skipped); a grader's key marks it unsolved."""
    from solver.build.pipeline import answer_key, solve_all

    out = shared_build(*SKIP_NAMES, notebooks=False)
    solutions = (out / "solutions.tex").read_text()
    assert "data.zip" not in solutions and "names-dir" not in solutions and r"\section*{Problem 4" not in solutions
    assert "Problem 5" in solutions  # the rest of the homework is there
    assert not (out / "submission_log.json").exists()
    key = answer_key(solve_all({}, BuildContext(cache_dir=session_cache)))["parts"]
    assert key["4"]["kind"] == "data" and key["4"]["value"] is None and "--names-dir" in key["4"]["reason"]
    assert key["4a"]["kind"] == "written" and key["4a"]["reference"]


# --------------------------------------------------------------------------- the cache


def test_second_solve_reads_the_cache(tmp_path, monkeypatch, cold_memory):
    from solver.notebooks import execute

    context = BuildContext(cache_dir=tmp_path / "cache", data_folders={"names": tiny_folder(tmp_path / "names")})
    params = small_params(epochs=3, batch_size=4)
    first = p4.solve(params, context)
    cold_files = p4.assets(first)

    def no_run(*args, **kwargs):
        raise AssertionError("ran again")

    monkeypatch.setattr(execute, "_executed_or_failed", no_run)
    forget_memory()  # read it back from the folder, not from memory
    second = p4.solve(params, context)
    assert second.trained.classifier.epochs == first.trained.classifier.epochs
    assert np.array_equal(second.trained.test.probabilities, first.trained.test.probabilities)
    assert p4.assets(second) == cold_files  # the log and figures do not depend on where the run came from
    with pytest.raises(AssertionError, match="ran again"):
        p4.solve(small_params(epochs=4, batch_size=4), context)  # a new configuration is a new run
    (context.data_folders["names"] / "Russian.txt").write_text("Ivanov\nPetrov\nSidorov\n")
    with pytest.raises(AssertionError, match="ran again"):
        p4.solve(params, context)  # so is new data


def test_the_notebook_run_is_the_same_when_it_runs_again(tmp_path, cold_memory):
    """Deterministic: fixed seeds, one thread, deterministic algorithms; a cold cache gives the same bytes."""
    folder = tiny_folder(tmp_path / "names")
    params = small_params(epochs=2, batch_size=4)
    runs = []
    for k in range(2):
        forget_memory()
        context = BuildContext(cache_dir=tmp_path / f"cache{k}", data_folders={"names": folder})
        runs.append(p4.solve(params, context).trained.classifier)
    assert runs[0].log_bytes == runs[1].log_bytes
    assert runs[0].outputs == runs[1].outputs
    for one, two in zip(runs[0].weights, runs[1].weights, strict=True):
        assert all(np.array_equal(one[name], two[name]) for name in one)


# --------------------------------------------------------------------------- input


@pytest.mark.slow
def test_skipped_lines_are_one_counted_warning(run_cli, tmp_path):
    folder = tiny_folder(tmp_path / "names", extra=b"Bad\xffname\nTab\x01moto\n")
    params = tmp_path / "p.yaml"
    params.write_text("names_classifier:\n  training: {hidden_size: 4, embedding_size: 2, epochs: 1, batch_size: 8}\n")
    code, out, err = run_cli("key", "--params", params, "--names-dir", folder, "--cache-dir", tmp_path / "cache")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("hw6: warning:")]
    assert warnings == [
        f"hw6: warning: {folder}: read 2 languages (Japanese, Russian), 24 names; "
        "2 lines skipped (not UTF-8: 1, control characters: 1)"
    ]
    assert json.loads(out)["parts"]["4"]["value"]["test_names"] == 2  # one per language


@pytest.mark.parametrize(
    "setup, fragment",
    [("missing", "no such folder"), ("empty", "no <Language>.txt files"), ("huge", "larger than 5 MiB")],
)
def test_a_bad_folder_is_an_input_error(run_cli, tmp_path, setup, fragment):
    folder = tmp_path / "names"
    if setup != "missing":
        folder.mkdir()
    if setup == "huge":
        tiny_folder(folder)
        with open(folder / "Big.txt", "wb") as file:
            file.truncate(6 * 2**20)
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", "--no-pdf", "--names-dir", folder, "--out", out)
    assert code == 2 and stdout == ""
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"training": {"cell": "gru"}}, "names_classifier.training.cell: expected one of rnn, lstm"),
        ({"training": {"learning_rate": 0}}, "names_classifier.training.learning_rate: expected a number above 0"),
        (
            {"training": {"validation_fraction": "0.3", "test_fraction": "0.3"}},
            "names_classifier.training.test_fraction",
        ),
        ({"training": {"hidden_size": 0}}, "names_classifier.training.hidden_size"),
        ({"samples": ["Smith", "张"]}, "names_classifier.samples[1]: expected a name with 1 to 40 ASCII letters"),
        ({"samples": "Smith"}, "names_classifier.samples: expected a list"),
        ({"test_examples": 13}, "names_classifier.test_examples"),
    ],
)
def test_bad_parameters_name_the_field(data, fragment):
    with pytest.raises(ParamsError) as info:
        from_mapping(p4.Params, data, "names_classifier")
    assert fragment in str(info.value)


def test_parameters_round_trip():
    from solver.kernel.params import to_jsonable

    params = from_mapping(
        p4.Params, {"training": {"learning_rate": "0.002", "cell": "rnn"}, "samples": ["Müller"]}, "names_classifier"
    )
    assert from_mapping(p4.Params, to_jsonable(params), "names_classifier") == params
    assert to_jsonable(params)["training"]["learning_rate"] == "0.002"


def test_subset_keeps_the_languages():
    data = NamesData(("A", "B", "C"), np.array([0, 1, 1]), ("X", "Y"))
    assert data.subset(np.array([2, 0])).names == ("C", "A") and data.subset(np.array([2])).languages == ("X", "Y")
    assert data.fingerprint() != data.subset(np.array([0, 1, 2])[::-1]).fingerprint()
