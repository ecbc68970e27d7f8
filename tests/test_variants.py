"""Seeded variants, roster batches and the stress test."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from solver import __version__
from solver.build.variant import opaque_label
from solver.problems import PROBLEMS
from solver.variants import draw as variants
from solver.variants.draw import VariantError, draw, student_seed
from tests.support.pins import changed_pins, pinned_draws, pins_text

from .conftest import SKIP_NAMES, needs_latex
from .test_beam_search import most_likely_sequences

KEEP = ("problems.tex", "solutions.tex", "answers.json", "params.json")


PINS = Path(__file__).parent / "data" / "variant_pins.json"


def test_seeds_draw_what_this_version_pinned():
    """A change that alters what a seed produces must bump the version (then run scripts/pin-variants)."""
    from solver import __version__

    pins = json.loads(PINS.read_text())
    assert pins["version"] == __version__, "the version changed: re-pin with scripts/pin-variants"
    draws = pinned_draws()
    changed = changed_pins(pins, draws)
    assert not changed, (
        f"seeds draw other parameters than version {__version__} did: bump the version, then re-pin ({changed})"
    )
    assert PINS.read_text() == pins_text(draws), "the pins file is not what scripts/pin-variants writes"


def test_a_changed_draw_is_caught_by_the_pins():
    draws = pinned_draws([7])
    pins = json.loads(pins_text(draws))
    pins["seeds"]["7"]["conv_filter"] = "0" * 16
    assert changed_pins(pins, draws) == [("7", "conv_filter")]


def test_same_seed_same_variant_and_different_seeds_differ():
    assert draw(11).params == draw(11).params
    assert len({json.dumps(str(draw(seed).params)) for seed in range(12)}) > 1


def _correlate(signal, kernel, stride: int, padding: int) -> list:
    """Sliding dot products without flipping, written out here rather than taken from solver.conv."""
    padded = [0] * padding + list(signal) + [0] * padding
    return [
        sum(a * b for a, b in zip(padded[i : i + len(kernel)], kernel, strict=False))
        for i in range(0, len(padded) - len(kernel) + 1, stride)
    ]


def _transpose_conv2d(x, w, stride: int, padding: int) -> np.ndarray:
    """Each input entry scatters a scaled copy of the filter; padding crops every border."""
    x, w = np.array(x, dtype=object), np.array(w, dtype=object)
    full = np.zeros(((x.shape[0] - 1) * stride + w.shape[0], (x.shape[1] - 1) * stride + w.shape[1]), dtype=object)
    for (i, j), value in np.ndenumerate(x):
        full[i * stride : i * stride + w.shape[0], j * stride : j * stride + w.shape[1]] += value * w
    return full[padding : full.shape[0] - padding, padding : full.shape[1] - padding]


@pytest.mark.parametrize("seed", range(0, 60))
def test_drawn_variants_keep_the_readme_promises(seed):
    """What the README promises of every variant, recomputed here by brute force, not by the problems' own checks."""
    from solver.problems.conv import filter as conv_filter

    drawn = {item.problem.section: item for item in draw(seed).solved}
    assert 3 <= drawn["rnn_backprop"].params.steps <= 5

    beam = drawn["beam_search"]
    for row in beam.params.tree.values():
        assert all((100 * value).q == 1 and value <= 0 for value in row.values())  # two decimals
        assert abs(sum(np.exp(float(value)) for value in row.values()) - 1) <= 0.01
    optimum = most_likely_sequences(beam.params)
    assert len(optimum) == 1 and beam.solution.beam_best.tokens != optimum[0]  # beam search misses the one optimum

    six_b = drawn["conv_filter"]
    filter_ = six_b.solution.filter
    assert all(value.q == 1 for value in filter_) and filter_[0] != 0
    p = six_b.params
    assert _correlate(p.signal, filter_, p.stride, p.padding) == list(p.output)
    windows = [
        _correlate(p.signal, [int(i == j) for j in range(len(filter_))], p.stride, p.padding)
        for i in range(len(filter_))
    ]
    assert np.linalg.matrix_rank(np.array(windows, dtype=float)) == len(filter_)  # the filter is the only one
    assert conv_filter.view(six_b.solution)["hint"] == filter_[0]

    six_c = drawn["transpose_conv"]
    q = six_c.params
    assert q.stride < max(len(q.filter_grid), len(q.filter_grid[0]))  # copies of the filter overlap
    expected = _transpose_conv2d(q.input_grid, q.filter_grid, q.stride, q.padding)
    assert np.array_equal(np.array(six_c.solution.result, dtype=object), expected)


def test_a_rejected_draw_is_redrawn_deterministically(monkeypatch):
    problem = PROBLEMS[0]
    calls = []

    def picky(params, solution, *options):
        calls.append(params)
        return [] if len(calls) % 3 == 0 else ["not yet"]

    patched = type(problem)(**{**problem.__dict__, "guarantees": picky})
    monkeypatch.setattr(variants, "PROBLEMS", (patched,))
    first = draw(3)
    calls.clear()
    second = draw(3)
    assert first.params == second.params and first.attempts == {problem.section: 3}


def test_a_variant_that_never_meets_its_guarantees_is_an_error(monkeypatch):
    problem = PROBLEMS[0]
    patched = type(problem)(**{**problem.__dict__, "guarantees": lambda p, s, *o: ["never"]})
    monkeypatch.setattr(variants, "PROBLEMS", (patched,))
    monkeypatch.setattr(variants, "MAX_ATTEMPTS", 5)
    with pytest.raises(VariantError, match="no draw of rnn_backprop kept its guarantees in 5 attempts"):
        draw(1)


def test_student_seeds_depend_on_salt_and_id():
    assert student_seed("", "s1") == student_seed("", "s1")
    assert len({student_seed(salt, sid) for salt in ("", "fall") for sid in ("s1", "s2")}) == 4
    assert 0 <= student_seed("x", "y") < 2**63


def test_build_with_seed_is_reproducible_and_rebuilds_from_its_params(run_cli, tmp_path):
    for run in ("a", "b"):
        assert run_cli("build", *SKIP_NAMES, "--seed", 42, "--no-pdf", "--out", tmp_path / run)[0] == 0
    code, _, err = run_cli(
        "build", *SKIP_NAMES, "--params", tmp_path / "a" / "params.json", "--no-pdf", "--out", tmp_path / "c"
    )
    assert code == 0, err
    for name in KEEP:
        assert (
            (tmp_path / "a" / name).read_bytes()
            == (tmp_path / "b" / name).read_bytes()
            == (tmp_path / "c" / name).read_bytes()
        )
    params = json.loads((tmp_path / "a" / "params.json").read_text())
    assert params["variant"] == {"seed": 42}
    key = json.loads((tmp_path / "a" / "answers.json").read_text())
    assert key["variant"] == {"seed": 42}


def test_every_page_carries_the_variant_id(run_cli, tmp_path):
    run_cli("build", *SKIP_NAMES, "--seed", 42, "--no-pdf", "--out", tmp_path)
    for sheet in ("problems.tex", "solutions.tex"):
        tex = (tmp_path / sheet).read_text()
        label = opaque_label(42, "")  # no --salt: the label keyed with the empty secret
        footer = rf"\newcommand{{\sheetfooter}}{{Variant {label} \textperiodcentered{{}} version {__version__}}}"
        assert footer in tex, "the footer names the variant by its label, and the version"
        assert r"\lfoot{\footnotesize \sheetfooter}" in tex and r"\fancypagestyle{plain}" in tex


@pytest.mark.parametrize("seed", ["x", "-1", "1.5", str(2**64)])
def test_bad_seeds(run_cli, tmp_path, seed):
    code, out, err = run_cli("build", *SKIP_NAMES, "--seed", seed, "--no-pdf", "--out", tmp_path / "o")
    assert code == 2 and "--seed: expected an integer from 0 to" in err
    assert not (tmp_path / "o").exists()


def test_seed_and_params_together_is_a_usage_error(run_cli, tmp_path):
    code, _, err = run_cli("build", *SKIP_NAMES, "--seed", 1, "--params", tmp_path / "p.yaml", "--out", tmp_path)
    assert code == 2 and "alternatives" in err


def test_stress_reports_no_failures_and_the_spread(run_cli):
    code, out, _ = run_cli("stress", *SKIP_NAMES, "--count", 25)
    assert code == 0
    assert out.startswith("variants: 25   failures: 0")
    assert "time per variant" in out and "rnn_backprop.steps" in out


# --------------------------------------------------------------------------- batches

NAMES = {"s1": "Zoë O'Brien & Co_#1 $x$", "s2": '=HYPERLINK("http://evil")', "a/b": "Łukasz 张"}


def write_roster(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        writer.writerows(rows)
    return path


@pytest.fixture
def roster(tmp_path) -> Path:
    return write_roster(tmp_path / "roster.csv", NAMES.items())


def manifest(out: Path) -> list[dict]:
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_batch_writes_one_folder_per_student_and_a_safe_manifest(run_cli, tmp_path, roster):
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf", "--salt", "spring")
    assert code == 0, err
    rows = manifest(out)
    assert [r["student_id"] for r in rows] == list(NAMES)
    assert rows[1]["name"].startswith("'=")  # a spreadsheet shows it as text, not a formula
    for row in rows:
        folder = out / row["folder"]
        assert all((folder / name).exists() for name in KEEP)
        assert json.loads((folder / "params.json").read_text())["variant"]["seed"] == int(row["seed"])
        assert int(row["seed"]) == student_seed("spring", row["student_id"])
    assert rows[2]["folder"] != "a/b" and "/" not in rows[2]["folder"]
    tex = (out / "s1" / "problems.tex").read_text()
    assert r"Zoë O\textquoteright{}Brien \& Co\_\#1 \$x\$" in tex


def test_batch_resumes_skipping_finished_students(run_cli, tmp_path, roster):
    out = tmp_path / "out"
    run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf")
    finished = (out / "s1" / "answers.json").stat().st_mtime_ns
    # s2 was interrupted half-way: its marker never got written and a staging folder was left.
    (out / "s2" / ".hw6-done").unlink()
    (out / "s2" / "answers.json").write_text("partial")
    (out / "s2" / ".hw6-staging-leftover").mkdir()
    code, stdout, _ = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf")
    assert code == 0 and "built 1, already done 2" in stdout
    assert (out / "s1" / "answers.json").stat().st_mtime_ns == finished
    assert json.loads((out / "s2" / "answers.json").read_text())["generator"]["name"] == "hw6"
    assert not list((out / "s2").glob(".hw6-staging-*"))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"id,name\ns1,A\ns1,B\n", "lines 2 and 3: duplicate student id 's1'"),
        (b"id,name\n ,A\n", "line 2: empty student id"),
        (b"name\nA\n", "needs a student id column"),
        (b"id,name\ns1,Z\xf6e\n", "line 2 is not UTF-8"),
        (b"", "empty"),
        (b"id,name\n", "no students"),
    ],
)
def test_bad_rosters_leave_earlier_results_untouched(run_cli, tmp_path, roster, content, message):
    out = tmp_path / "out"
    run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    code, _, err = run_cli("batch", *SKIP_NAMES, "--roster", bad, "--out", out, "--no-pdf")
    assert code == 2 and message in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_batch_into_an_unwritable_place(run_cli, tmp_path, roster):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", blocker / "out", "--no-pdf")
    assert code == 2 and "cannot write output there" in err


@needs_latex
def test_batch_with_pdfs_in_parallel(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [("s1", "Zoë O'Brien & Co_#1 $x$"), ("s2", "Łukasz 张")])
    code, _, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", tmp_path / "out", "--jobs", 2)
    assert code == 0, err
    for folder in ("s1", "s2"):
        assert (tmp_path / "out" / folder / "problems.pdf").read_bytes().startswith(b"%PDF")
        assert (tmp_path / "out" / folder / "solutions.pdf").exists()


# --------------------------------------------------------------------------- grading variants


def variant_parts(seed: int) -> dict:
    from solver.build.pipeline import answer_key

    drawn = draw(seed)
    return answer_key(drawn.solved, drawn.variant)["parts"]


def test_check_with_seed_grades_against_that_variant(run_cli, tmp_path):
    parts = variant_parts(5)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"6b": parts["6b"]["value"], "1b": parts["1b"]["value"]}))
    code, out, _ = run_cli("check", answers, "--seed", 5, "--json")
    data = json.loads(out)
    assert code == 0 and data["parts"]["6b"]["status"] == data["parts"]["1b"]["status"] == "correct"


def test_a_class_csv_with_a_seed_column(run_cli, tmp_path):
    mine, other = variant_parts(11), variant_parts(12)
    assert mine["6b"]["value"] != other["6b"]["value"]
    table = tmp_path / "class.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "seed", "6b", "1b"])
        writer.writerow(["ann", 11, json.dumps(mine["6b"]["value"]), mine["1b"]["value"]])
        writer.writerow(["ben", 11, json.dumps(other["6b"]["value"]), mine["1b"]["value"]])  # the neighbour's answer
        writer.writerow(["cat", "eleven", "[1]", "w"])
        writer.writerow(["dan", "", "[2, -1, 3]", "3*u1*w**2 + 2*u2*w + u3"])  # no seed: the homework's key
    code, out, _ = run_cli("check", table, "--json")
    results = {r["student"]: r for r in json.loads(out)}
    assert code == 0
    assert (
        results["ann"]["parts"]["6b"]["status"] == "correct"
        and results["ann"]["notes"][0] == "graded against the variant with seed 11"
    )
    assert (
        results["ben"]["parts"]["6b"]["status"] == "incorrect" and results["ben"]["parts"]["1b"]["status"] == "correct"
    )
    assert {p["status"] for p in results["cat"]["parts"].values() if p["max_score"]} == {"invalid"}
    assert "seed: expected an integer" in results["cat"]["notes"][0]
    assert results["dan"]["parts"]["6b"]["status"] == results["dan"]["parts"]["1b"]["status"] == "correct"


def test_a_batch_manifest_gives_each_student_their_key(run_cli, tmp_path, roster):
    out = tmp_path / "out"
    run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf")
    answers = tmp_path / "answers"
    answers.mkdir()
    for row in manifest(out):
        key = json.loads((out / row["folder"] / "answers.json").read_text())["parts"]
        (answers / f"{row['folder']}.yaml").write_text(
            json.dumps({"student": row["student_id"], "6b": key["6b"]["value"], "6c": key["6c"]["value"]})
        )
    code, stdout, err = run_cli("check", answers, "--manifest", out / "manifest.csv", "--json")
    assert code == 0, err
    results = {r["student"]: r for r in json.loads(stdout)}
    assert set(results) == set(NAMES)
    labels = {row["student_id"]: row["label"] for row in manifest(out)}
    for result in results.values():
        assert result["parts"]["6b"]["status"] == result["parts"]["6c"]["status"] == "correct"
        assert result["notes"][0] == f"graded against variant {labels[result['student']]}", "the label, never the seed"


def test_a_bad_manifest_is_a_clear_error(run_cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("1b: w\n")
    bad = tmp_path / "manifest.csv"
    bad.write_text("student_id,seed\ns1,1\n")
    code, _, err = run_cli("check", answers, "--manifest", bad)
    assert code == 2 and "expected a manifest with the columns student_id, seed, version, params_sha256" in err
    bad.write_text(f"student_id,seed,version,params_sha256\na,minus one,{__version__},0\n")
    code, _, err = run_cli("check", answers, "--manifest", bad)
    assert code == 2 and "line 2: a: seed: expected an integer" in err


# --------------------------------------------------------------------------- drawing options


@pytest.fixture
def keep_optimum(tmp_path) -> Path:
    path = tmp_path / "options.yaml"
    path.write_text("beam_search:\n  misses_optimum: false\n")
    return path


def test_options_change_what_is_drawn_and_are_recorded(run_cli, tmp_path, keep_optimum):
    code, out, _ = run_cli("stress", *SKIP_NAMES, "--count", 15, "--variant-options", keep_optimum)
    assert code == 0 and "beam misses the optimum  (1 distinct)" in out
    assert out.split("beam_search.beam misses the optimum")[1].splitlines()[1].split()[0] == "False"
    assert (
        run_cli(
            "build", *SKIP_NAMES, "--seed", 9, "--variant-options", keep_optimum, "--no-pdf", "--out", tmp_path / "a"
        )[0]
        == 0
    )
    params = json.loads((tmp_path / "a" / "params.json").read_text())
    assert params["variant"] == {"seed": 9, "options": {"beam_search": {"misses_optimum": False}}}
    assert (
        run_cli("build", *SKIP_NAMES, "--params", tmp_path / "a" / "params.json", "--no-pdf", "--out", tmp_path / "b")[
            0
        ]
        == 0
    )
    for name in KEEP:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (
        rf"Variant {opaque_label(9, '')} \textperiodcentered{{}} options "
        in (tmp_path / "a" / "problems.tex").read_text()
    )
    key = json.loads((tmp_path / "a" / "answers.json").read_text())
    assert key["parts"]["2d"]["value"]["returns_optimum"] is True


@pytest.mark.parametrize(
    "content, message",
    [
        ("blog: {}\n", "blog: expected a section with drawing options: rnn_backprop, beam_search, conv_filter"),
        ("structure: wide\n", "structure: expected one of same, varied, got 'wide'"),
        ("conv_filter: {structure: 1}\n", "conv_filter.structure: expected one of same, varied"),
        ("beam_search: {misses: false}\n", "beam_search.misses: expected no such key"),
        ("beam_search: {misses_optimum: 3}\n", "beam_search.misses_optimum: expected true or false"),
    ],
)
def test_bad_options_files(run_cli, tmp_path, content, message):
    options = tmp_path / "o.yaml"
    options.write_text(content)
    code, _, err = run_cli(
        "build", *SKIP_NAMES, "--seed", 1, "--variant-options", options, "--no-pdf", "--out", tmp_path / "o"
    )
    assert code == 2 and message in err and not (tmp_path / "o").exists()


def test_a_batch_drawn_with_options_is_graded_with_them(run_cli, tmp_path, roster, keep_optimum):
    out = tmp_path / "out"
    assert (
        run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf", "--variant-options", keep_optimum)[
            0
        ]
        == 0
    )
    assert all(
        json.loads(row["variant_options"]) == {"beam_search": {"misses_optimum": False}} for row in manifest(out)
    )
    # Rerunning with other options redraws everyone; with the same options skips everyone.
    assert (
        "already done 3"
        in run_cli(
            "batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf", "--variant-options", keep_optimum
        )[1]
    )
    answers = tmp_path / "a.yaml"
    answers.write_text("student: s1\n1b: w\n")
    code, _, err = run_cli("check", answers, "--manifest", out / "manifest.csv")
    assert code == 2 and "pass the same --variant-options" in err
    assert run_cli("check", answers, "--manifest", out / "manifest.csv", "--variant-options", keep_optimum)[0] == 0
