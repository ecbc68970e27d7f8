"""``hw6 report``: a synthetic class graded by ``hw6 check --json``, with and without a planted harder variant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.analysis.permutation import holm, variant_test
from solver.build.pipeline import answer_key
from solver.variants.draw import draw
from tests.support.synthetic_class import synthetic_class

SEEDS = (11, 12, 13, 14)
HARD = 13
STUDENTS = 15  # per variant


@pytest.fixture(scope="module")
def keys() -> dict[int, dict]:
    keys = {}
    for seed in SEEDS:
        drawn = draw(seed)
        keys[seed] = answer_key(drawn.solved, drawn.variant)["parts"]
    return keys


def graded_class(run_cli, folder: Path, keys: dict, skill: dict) -> Path:
    folder.mkdir()
    for name, answers in synthetic_class(keys, STUDENTS, skill, seed=3).items():
        (folder / f"{name}.json").write_text(json.dumps(answers))
    code, out, err = run_cli("check", folder, "--json", "--jobs", "1")
    assert code == 0, err
    results = folder.parent / f"{folder.name}-results.json"
    results.write_text(out)
    return results


@pytest.fixture(scope="module")
def classes(keys, tmp_path_factory) -> dict[str, Path]:
    from solver.cli import main

    def run_cli(*args):
        import contextlib
        import io

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
        return code, out.getvalue(), err.getvalue()

    root = tmp_path_factory.mktemp("classes")
    fair = {seed: 0.75 for seed in SEEDS}
    return {
        "fair": graded_class(run_cli, root / "fair", keys, fair),
        "hard": graded_class(run_cli, root / "hard", keys, {**fair, HARD: 0.45}),
    }


def report(run_cli, results: Path, tmp_path: Path, name: str) -> tuple[str, dict]:
    page, numbers = tmp_path / f"{name}.html", tmp_path / f"{name}.json"
    code, out, err = run_cli("report", results, "--out", page, "--json", numbers)
    assert (code, out, err) == (0, "", "")
    return page.read_text(), json.loads(numbers.read_text())


def test_check_json_records_each_students_seed_and_matched_mistake(classes):
    results = json.loads(classes["hard"].read_text())
    assert sorted({r["seed"] for r in results}) == list(SEEDS)
    assert {r["student"].split("-")[0] for r in results if r["seed"] == HARD} == {f"s{HARD}"}
    marked = [p for r in results for p in r["parts"].values() if "mistake" in p]
    assert marked and all(p["status"] == "incorrect" for p in marked)


def test_planted_harder_variant_is_flagged(run_cli, classes, tmp_path):
    html, numbers = report(run_cli, classes["hard"], tmp_path, "hard")
    flagged = [v["label"] for v in numbers["test"]["variants"] if v["flagged"]]
    assert flagged == [f"seed {HARD}"], numbers["test"]
    hard = next(v for v in numbers["test"]["variants"] if v["label"] == f"seed {HARD}")
    assert hard["mean"] < hard["reference"] and numbers["test"]["p_value"] < 0.01
    assert f"seed {HARD} (harder)" in html


def test_fair_class_flags_no_variant(run_cli, classes, tmp_path):
    html, numbers = report(run_cli, classes["fair"], tmp_path, "fair")
    assert [v["label"] for v in numbers["test"]["variants"]] == [f"seed {s}" for s in SEEDS]
    assert not any(v["flagged"] for v in numbers["test"]["variants"]), numbers["test"]
    assert "no variant is significantly off" in html


def test_report_counts_mistakes_with_their_feedback(run_cli, classes, keys, tmp_path):
    _, numbers = report(run_cli, classes["fair"], tmp_path, "fair")
    parts = {p["part"]: p for p in numbers["parts"]}
    assert numbers["students"] == len(SEEDS) * STUDENTS
    part = parts["6b"]  # every variant has 6b and models its mistakes
    assert part["answers"] == len(SEEDS) * STUDENTS
    assert sum(part["statuses"].values()) == part["answers"]
    assert sum(m["count"] for m in part["mistakes"]) + part["other_incorrect"] == part["statuses"]["incorrect"]
    texts = {m["feedback"] for seed in SEEDS for m in keys[seed]["6b"]["mistakes"]}
    assert part["mistakes"] and all(any(m["feedback"].startswith(t) for t in texts) for m in part["mistakes"])
    counts = [m["count"] for m in part["mistakes"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(b["count"] for b in numbers["total_histogram"]) == numbers["students"]


def test_report_is_deterministic(run_cli, classes, tmp_path):
    first = report(run_cli, classes["hard"], tmp_path, "one")
    second = report(run_cli, classes["hard"], tmp_path, "two")
    assert first == second


def test_too_few_students_per_variant_skips_the_test(run_cli, tmp_path):
    results = tmp_path / "r.json"
    students = [
        {"student": f"s{i}", "seed": i, "parts": {"1b": {"status": "correct", "score": 1, "max_score": 1}},
         "score": 1, "max_score": 1}
        for i in range(4)
    ]  # fmt: skip
    results.write_text(json.dumps(students))
    html, numbers = report(run_cli, results, tmp_path, "small")
    assert numbers["test"] is None and "No test" in html


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("[]", "expected the JSON list that 'hw6 check --json' prints"),
        ("{", "not valid JSON"),
        (
            '[{"student": "a", "parts": {}, "score": 1, "max_score": "x"}]',
            "student 1 ('a'): max_score: expected a number",
        ),
        ('[{"student": "a", "seed": -1, "parts": {}, "score": 1, "max_score": 1}]', "seed: expected a non-negative"),
        (
            '[{"student": "a", "parts": {"1b": {"status": "right", "score": 1, "max_score": 1}}, "score": 1, "max_score": 1}]',
            "parts.1b.status: expected one of correct",
        ),
        (
            '[{"student": "a", "parts": {"1b": {"status": "correct", "score": 2, "max_score": 1}}, "score": 1, "max_score": 1}]',
            "parts.1b.score: expected at most max_score",
        ),
    ],
)
def test_bad_results_are_one_line_errors_and_write_nothing(run_cli, tmp_path, content, fragment):
    results = tmp_path / "r.json"
    results.write_text(content)
    code, out, err = run_cli("report", results, "--out", tmp_path / "page.html")
    assert (code, out) == (2, "") and fragment in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "page.html").exists()


def test_holm_adjustment():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == [1.0, 1.0]


def test_variant_test_needs_two_tested_variants():
    assert variant_test([1.0, 2.0, 3.0, 4.0], ["a", "a", "a", "b"]) is None
    result = variant_test([1.0, 2.0, 3.0, 9.0, 9.0, 9.5], ["a", "a", "a", "b", "b", "b"], shuffles=200)
    assert result is not None and result.tested_students == 6 and 0 < result.p_value <= 1


def test_one_students_object_is_read_as_a_class_of_one(run_cli, tmp_path):
    results = tmp_path / "one.json"
    part = {"status": "incorrect", "score": 0, "max_score": 2, "feedback": "has the wrong sign", "mistake": 0}
    results.write_text(json.dumps({"student": "a", "seed": None, "parts": {"1b": part}, "score": 0, "max_score": 2}))
    _, numbers = report(run_cli, results, tmp_path, "one")
    assert numbers["variants"] == {"default key": 1} and numbers["test"] is None
    assert numbers["parts"][0]["mistakes"] == [
        {"index": 0, "count": 1, "share": 1.0, "feedback": "has the wrong sign", "wordings": 1}
    ]
