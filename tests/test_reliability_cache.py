"""A cache entry is never trusted for an answer (issue 28): each is checked against what names
it (kind, key, suffix, hw6's version) and its own digest; a damaged entry, one that is another
key's (two seeds' keys swapped), or a path that is not a regular file (a FIFO) is a miss that
recomputes, said once per kind, never another answer, a failed cross-check or a hang."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

from solver.grading import keycache
from solver.io import cache as cache_module
from solver.io.cache import MAGIC, Cache, forget_memory, sealed
from solver.kernel.errors import InputWarning
from solver.problems.rnn_lstm import params as p3_params
from solver.problems.rnn_lstm.study import training
from solver.render import texformat

from .cache_entries import entry_data, reseal
from .conftest import SKIP_NAMES, copy_notebook_runs

KIND, KEY, OTHER = "kind-x", "a" * 32, "b" * 32


@pytest.fixture(autouse=True)
def cold_memory():
    forget_memory()
    yield
    forget_memory()


def flip_bit(path: Path, at: int = -3) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x04
    path.write_bytes(bytes(data))


def change_a_digit(path: Path) -> None:
    """One digit of the data changed, the JSON still valid and the header untouched."""
    stored = path.read_bytes()
    head, data = stored[: len(stored) - len(entry_data(path))], entry_data(path).decode()
    at = next(i for i, ch in enumerate(data) if ch in "123456789")
    data = data[:at] + str(int(data[at]) % 9 + 1) + data[at + 1 :]
    json.loads(data)
    path.write_bytes(head + data.encode())


def replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def swap(first: Path, second: Path) -> None:
    """Each file under the other's name (both stay intact)."""
    aside = first.with_name(first.name + ".aside")
    first.rename(aside)
    second.rename(first)
    aside.rename(second)


def tamper(entries: list[Path], damage) -> None:
    """The first two entries swapped (``damage == "swap"``), or every entry damaged."""
    if damage == "swap":
        swap(entries[0], entries[1])
    else:
        for entry in entries:
            damage(entry)


def damaging_warnings(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, InputWarning)]


# --------------------------------------------------------------------------- the store itself


def stored_pair(tmp_path: Path) -> Cache:
    store = Cache(tmp_path)
    store.write_json(KIND, KEY, {"value": 12345})
    store.write_json(KIND, OTHER, {"value": 67890})
    forget_memory()
    return store


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (flip_bit, True),
        (lambda path: flip_bit(path, at=len(MAGIC) + 5), True),  # in the header
        (lambda path: flip_bit(path, at=2), False),  # in the first line: not an entry of this format
        (change_a_digit, True),
        (replace_with_fifo, True),
        (lambda path: path.write_bytes(path.read_bytes()[:-4]), True),
        (lambda path: path.write_bytes(b""), False),
        (lambda path: (path.unlink(), path.mkdir()), True),
        (lambda path: path.write_bytes(MAGIC + b"{not json\n{}"), True),
        (lambda path: path.write_bytes(MAGIC + b"no header line"), True),
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path, damage, said):
    store = stored_pair(tmp_path)
    path = store.path(KIND, KEY, "json")
    damage(path)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert store.read_json(KIND, KEY) is None
    messages = damaging_warnings(record)
    assert len(messages) == int(said) and all(str(path) in m for m in messages)
    assert store.read_json(KIND, OTHER) == {"value": 67890}
    store.write_json(KIND, KEY, {"value": 12345})  # what the recomputation does
    forget_memory()
    if path.is_dir():  # a folder in the entry's place cannot be replaced: it stays a miss
        with pytest.warns(InputWarning, match="not a regular file"):
            assert store.read_json(KIND, KEY) is None
    else:
        assert store.read_json(KIND, KEY) == {"value": 12345}


@pytest.mark.parametrize("how", ["swap", "copy"])
def test_an_entry_under_another_keys_name_is_a_miss(tmp_path, how):
    store = stored_pair(tmp_path)
    first, second = store.path(KIND, KEY, "json"), store.path(KIND, OTHER, "json")
    if how == "swap":
        first.rename(tmp_path / "x")
        second.rename(first)
        (tmp_path / "x").rename(second)
    else:
        shutil.copyfile(second, first)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert store.read_json(KIND, KEY) is None
    (message,) = damaging_warnings(record)
    assert str(first) in message and "not the one its name says" in message


def test_an_entry_of_another_kind_or_version_is_a_miss(tmp_path, monkeypatch):
    store = Cache(tmp_path)
    path = store.path(KIND, KEY, "json")
    path.parent.mkdir(parents=True)
    path.write_bytes(sealed(b"{}", "another-kind", KEY, "json"))
    with pytest.warns(InputWarning, match="not the one its name says"):
        assert store.read_json(KIND, KEY) is None
    path.write_bytes(sealed(b"{}", KIND, KEY, "json"))
    monkeypatch.setattr(cache_module, "__version__", "0.0.0")
    forget_memory()
    with pytest.warns(InputWarning, match="not the one its name says"):
        assert store.read_json(KIND, KEY) is None


def test_damage_is_said_once_per_kind(tmp_path):
    store = stored_pair(tmp_path)
    for key in (KEY, OTHER):
        flip_bit(store.path(KIND, key, "json"))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert store.read_json(KIND, KEY) is None and store.read_json(KIND, OTHER) is None
    assert len(damaging_warnings(record)) == 1


def test_an_entry_without_a_header_is_a_silent_miss(tmp_path):
    store = Cache(tmp_path)
    path = store.path(KIND, KEY, "json")
    path.parent.mkdir(parents=True)
    path.write_text('{"value": 1}')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.read_json(KIND, KEY) is None


# --------------------------------------------------------------------------- trained weights


def small_training() -> p3_params.TrainingParams:
    return p3_params.TrainingParams(train_size=16, epochs=3, hidden_size=4, batch_size=8)


@pytest.mark.parametrize("damage", [flip_bit, change_a_digit, replace_with_fifo, "swap"])
def test_tampered_trained_weights_are_trained_again_to_the_same_result(tmp_path, damage):
    params = small_training()
    first = training.run_training(params, Cache(tmp_path))
    entries = sorted((tmp_path / training.CACHE_KIND).iterdir())
    assert len(entries) >= 2
    tamper(entries, damage)
    forget_memory()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        again = training.run_training(params, Cache(tmp_path))
    assert len(damaging_warnings(record)) == 1
    assert [run.cached for run in again.values()] == [False] * len(again)
    assert [run.losses for run in again.values()] == [run.losses for run in first.values()]


def test_a_weights_entry_of_other_shapes_with_a_right_header_is_trained_again(tmp_path):
    params = small_training()
    first = training.run_training(params, Cache(tmp_path))
    for entry in (tmp_path / training.CACHE_KIND).iterdir():
        stored = json.loads(entry_data(entry))
        stored["weights"] = {name: [[0.5]] for name in stored["weights"]}
        reseal(entry, json.dumps(stored).encode())
    forget_memory()
    again = training.run_training(params, Cache(tmp_path))
    assert not again[2].cached and again[2].final_loss == first[2].final_loss


# --------------------------------------------------------------------------- checked keys


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory, solved_homework, session_cache):
    """Seed 0's right answers checked against seeds 0 and 1 (full marks, and fewer), with the
    cache of checked keys those runs filled."""
    from solver.cli import main

    base = tmp_path_factory.mktemp("keys")
    answers, cache = base / "ann.json", copy_notebook_runs(session_cache, base / "cache")
    answers.write_text("{}", encoding="utf-8")
    assert main(["check", str(answers), "--seed", "0", *SKIP_NAMES, "--cache-dir", str(cache)]) == 0
    (entry,) = key_entries(cache)
    parts = json.loads(entry_data(entry))["key"]["parts"]
    answers.write_text(json.dumps({p: spec["value"] for p, spec in parts.items() if "value" in spec}), encoding="utf-8")
    outputs = {}
    for seed in (0, 1):
        out = base / f"seed{seed}.json"
        command = ["check", str(answers), "--seed", str(seed), *SKIP_NAMES, "--cache-dir", str(cache)]
        assert main([*command, "--gradescope", str(out)]) == 0
        outputs[seed] = json.loads(out.read_text())
    assert outputs[0]["score"] > outputs[1]["score"]  # grading against the other seed's key shows
    return base, answers, cache, outputs


def check_again(run_cli, base, answers, cache, seed) -> dict:
    forget_memory()
    out = base / "again.json"
    code, _, err = run_cli("check", answers, "--seed", seed, *SKIP_NAMES, "--cache-dir", cache, "--gradescope", out)
    assert code == 0, err
    return json.loads(out.read_text())


def key_entries(cache: Path) -> list[Path]:
    return sorted((cache / keycache.KIND).iterdir())


@pytest.mark.parametrize("damage", ["swap", flip_bit, change_a_digit, replace_with_fifo])
def test_a_tampered_checked_key_never_grades(run_cli, two_seeds, tmp_path, damage):
    base, answers, cache, outputs = two_seeds
    copy = tmp_path / "cache"
    shutil.copytree(cache, copy, symlinks=True)
    entries = key_entries(copy)
    assert len(entries) == 2
    tamper(entries, damage)
    for seed in (0, 1):
        again = check_again(run_cli, base, answers, copy, seed)
        assert (again["score"], again["tests"]) == (outputs[seed]["score"], outputs[seed]["tests"]), seed


# --------------------------------------------------------------------------- LaTeX formats


@pytest.fixture
def fake_formats(monkeypatch):
    built = []

    def build(preamble):
        built.append(preamble)
        return b"format of " + preamble.encode()

    monkeypatch.setattr(texformat, "build_format", build)
    monkeypatch.setattr(texformat, "tex_banner", lambda: "pdfTeX test")
    texformat.forget()
    yield built
    texformat.forget()


@pytest.mark.parametrize(
    "damage", [flip_bit, replace_with_fifo, "swap", "seal", lambda p: p.write_bytes(b"another format")]
)
def test_a_tampered_format_is_built_again(tmp_path, fake_formats, damage):
    first = texformat.format_for("preamble A", tmp_path)
    texformat.format_for("preamble B", tmp_path)
    target = first.with_suffix(".fmt")
    other = texformat.format_for("preamble B", tmp_path).with_suffix(".fmt")
    if damage == "swap":
        swap(target, other)
    elif damage == "seal":
        flip_bit(target.with_name(target.name + ".seal"))
    else:
        damage(target)
    texformat.forget()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert texformat.format_for("preamble A", tmp_path) == first
    assert fake_formats.count("preamble A") == 2
    assert target.read_bytes() == b"format of preamble A"
    texformat.forget()
    texformat.format_for("preamble A", tmp_path)
    assert fake_formats.count("preamble A") == 2  # intact again: read, not built


# --------------------------------------------------------------------------- notebook outputs


@pytest.mark.notebooks
@pytest.mark.parametrize("damage", [change_a_digit, flip_bit, replace_with_fifo])
def test_tampered_notebook_outputs_are_run_again(tmp_path, damage):
    from solver.notebooks.cells import code
    from solver.notebooks.execute import CACHE_KIND, run_outputs

    cells = [code("answer", "print(6 * 7)", role="test")]
    first = run_outputs(cells, ["answer"], Cache(tmp_path), {})
    assert "42" in json.dumps(first)
    (entry,) = (tmp_path / CACHE_KIND).iterdir()
    damage(entry)
    forget_memory()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        again = run_outputs(cells, ["answer"], Cache(tmp_path), {})
    assert again == first and len(damaging_warnings(record)) == 1
