"""The PrairieLearn export: its server.py, run as PrairieLearn runs it in an interpreter with only the
standard library, numpy and sympy, gives every exported variant's key, modelled mistakes and unreadable
inputs the scores hw6's own ``check`` gives; its test() agrees with its grade(); generate() picks the
variant from PrairieLearn's seed; the fragment is deterministic, well-formed and shows no answer."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from solver.engine.runner import Submission, grade_submissions
from solver.grading.keycache import checked_parts
from solver.kernel.problem import BuildContext
from solver.variants.draw import draw

from .conftest import ROOT

SEEDS = (1, 2, 3)
VARIANT_SEEDS = (0, 1, 2, 5, 2**31 - 1, 2**53 + 7)  # PrairieLearn's variant seeds, for generate()
TEST_REPEATS = 4  # per test type and variant: "Test 100 times" in miniature
ISOLATED_PACKAGES = ("numpy", "numpy.libs", "sympy", "mpmath")
# Answers that ran for minutes or were echoed as HTML (issue 28), sent to the string inputs.
TOWERS = ("9**9**9", "9^9^9", "10^10^10", "(999999/999998)^1000 ^ 1000", "O(9^9^9)", "2^2^2^2^2^2^2")
TOWER_PARTS = ("2e", "1b")
HTML_ANSWERS = (
    "<img src=x onerror=alert(1)>" + "1" * 40,
    "<script>alert(1)</script>",
    "w & <b>u</b>",
)


def export(*args) -> int:
    from solver.cli import main

    return main(["export", "prairielearn", *map(str, args)])


@pytest.fixture(scope="session")
def exported(tmp_path_factory, session_cache, solved_homework):  # Problem 3 solved once
    base = tmp_path_factory.mktemp("prairielearn")
    cache = session_cache
    assert (
        export("--variants", len(SEEDS), "--start", SEEDS[0], "--out", base / "hw6-pl.zip", "--cache-dir", cache) == 0
    )
    course = base / "course"
    with zipfile.ZipFile(base / "hw6-pl.zip") as archive:
        archive.extractall(course)
    return base, course, cache


@pytest.fixture(scope="session")
def run(exported):
    """The driver's result: every question's server.py through generate, parse, grade and test."""
    base, course, _ = exported
    site = base / "site"
    site.mkdir()
    import numpy

    packages = Path(numpy.__file__).resolve().parent.parent
    for name in ISOLATED_PACKAGES:
        if (packages / name).exists():
            (site / name).symlink_to(packages / name)
    request = {
        "site": str(site),
        "course": str(course),
        "questions": [str(p) for p in sorted((course / "questions" / "hw6").iterdir())],
        "variant_seeds": list(VARIANT_SEEDS),
        "test_repeats": TEST_REPEATS,
        "hostile": {"texts": list(HTML_ANSWERS), "towers": list(TOWERS), "tower_parts": list(TOWER_PARTS)},
    }
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", str(ROOT / "tests" / "prairielearn_driver.py")],
        input=json.dumps(request), capture_output=True, text=True, timeout=900, cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def keys(exported):
    """hw6's own keys of the exported seeds, drawn again here."""
    _, _, cache = exported
    context = BuildContext(cache_dir=cache)
    return {seed: checked_parts(drawn.solved, drawn.variant, None) for seed in SEEDS for drawn in [draw(seed, context)]}


def answers_of(raw: dict, inputs: list[dict]) -> dict:
    """What a student's answers file holds for these PrairieLearn inputs: texts, lists, lists of rows."""
    answers = {}
    for spec in inputs:
        if spec["element"] == "string":
            answers[spec["part"]] = raw[spec["name"]]
            continue
        cells = [raw[cell] for cell in spec["cells"]]
        if spec["element"] == "matrix" and not spec["flat"]:
            width = spec["columns"]
            cells = [cells[r * width : (r + 1) * width] for r in range(spec["rows"])]
        answers[spec["part"]] = cells
    return answers


def test_every_variant_key_mistake_and_invalid_input_scores_as_hw6_check_scores(run, keys):
    graded = agreeing = 0
    for folder, question in run["questions"].items():
        for seed in SEEDS:
            inputs = question["inputs"][str(seed)]
            cases = [c for c in question["cases"] if c["seed"] == seed]
            labels = {c["label"].split()[-1] for c in cases}
            assert {"key", "invalid"} <= labels and (labels & {"0", "wrong"}), f"{folder} seed {seed}: {sorted(labels)}"
            submissions = [Submission(c["label"], answers_of(c["raw"], inputs)) for c in cases]
            results = grade_submissions(keys[seed], submissions, jobs=1)
            for case, result in zip(cases, results, strict=True):
                graded += 1
                where = f"{folder} seed {seed} {case['label']}"
                shown = case if case["gradable"] else case["forced"]  # what grade() gives, graded or not
                scores = shown["partial_scores"]
                points = 0.0
                for spec in inputs:
                    part = result.parts[spec["part"]]
                    points += part.max_score
                    several = spec["element"] == "number"  # one number input per entry, each a share of the points
                    flagged = spec["cells"][0] if several else spec["name"]
                    assert (part.status == "invalid") == (flagged in case["format_errors"]), (where, spec, part)
                    entries = [scores[name] for name in (spec["cells"] if several else [spec["name"]])]
                    earned = sum(entry["score"] * entry["weight"] for entry in entries)
                    assert earned == pytest.approx(part.score, abs=1e-4), (where, spec, part, entries)
                    if part.status != "invalid":
                        expected = html.escape(part.feedback or part.status.capitalize() + ".", quote=False)
                        assert {entry["feedback"] for entry in entries} == {expected}, (where, part, entries)
                        assert shown["feedback"][spec["name"]] == expected, where
                hw6_total = sum(result.parts[spec["part"]].score for spec in inputs)
                pl_total = case["score"] if case["gradable"] else case["forced"]["score"]
                assert pl_total * points == pytest.approx(hw6_total, abs=1e-4), where
                assert case["gradable"] == (case["label"].split()[-1] != "invalid"), where
                if case["label"] == "key":
                    assert case["score"] == 1, where
                agreeing += 1
    assert graded == agreeing and graded >= 100, graded
    print(f"\nPrairieLearn conformance: {graded} submissions over {len(SEEDS)} variants, all as hw6 check grades them")


def test_pasted_answers_score_as_the_key_through_server_py(run):
    """Issue 27's forms through PrairieLearn's runtime: $…$ expressions, edges split by semicolons,
    hypotheses in braces with arrows, 5-digit measured numbers score full; a looser big-O half."""
    seen = set()
    for question in run["questions"].values():
        for case in question["cases"]:
            label = case["label"].split()
            if label[-1] == "pasted":
                assert case["gradable"] and case["score"] == 1, case
            elif label[-1] == "looser":
                assert case["gradable"] and 0 < case["score"] < 1, case
            else:
                continue
            seen.add(label[0])
    assert {"1b", "1d.edges", "2a", "2e", "3a", "3b"} <= seen, sorted(seen)


def test_no_phase_changes_what_prairielearn_forbids_it_to_change(run):
    assert run["violations"] == []


def test_the_isolated_interpreter_loaded_nothing_beyond_stdlib_numpy_and_sympy(run):
    assert not {"yaml", "jinja2", "matplotlib", "torch", "solver"} & set(run["modules"]), run["modules"]
    assert {"sympy", "mpmath", "hw6grading", "hw6_prairielearn"} <= set(run["modules"])
    assert not [p for p in run["sys_path"][2:] if "site-packages" in p], run["sys_path"]


def test_generate_picks_the_variant_from_prairielearns_seed(run, exported):
    _, course, _ = exported
    for folder, question in run["questions"].items():
        assert question["chosen"] == {str(s): SEEDS[s % len(SEEDS)] for s in VARIANT_SEEDS}, folder
    beam = json.loads((course / "questions/hw6/beam_search/hw6-variants.json").read_text(encoding="utf-8"))
    for variant in beam["variants"]:
        vocabulary = [entry["sequence"] for entry in variant["parts"]["2a"]["value"]]
        assert {token for sequence in vocabulary for token in sequence} <= set(
            variant["display"]["vocabulary"].split(", ")
        )


def test_test_agrees_with_grade_as_prairielearns_question_tests_compare_them(run):
    count = 0
    for folder, question in run["questions"].items():
        for test in question["tests"]:
            expected, got = test["expected"], test["got"]
            where = f"{folder} seed {test['seed']} {test['type']}"
            assert expected["gradable"] == got["gradable"] == (test["type"] != "invalid"), where
            assert sorted(expected["format_errors"]) == sorted(got["format_errors"]), where
            if expected["gradable"]:
                assert expected["partial_scores"] == got["partial_scores"], where
                assert expected["score"] == got["score"], where
            if test["type"] == "correct":
                assert got["score"] == 1, where
            if test["type"] == "incorrect":
                assert got["score"] < 1, where
            count += 1
    assert count == len(run["questions"]) * len(SEEDS) * 3 * TEST_REPEATS


def test_info_files_follow_prairielearns_schema_and_keep_their_uuids(exported, tmp_path):
    _, course, cache = exported
    folders = sorted((course / "questions" / "hw6").iterdir())
    assert [f.name for f in folders] == ["beam_search", "conv_filter", "rnn_backprop", "rnn_lstm", "transpose_conv"]
    infos = {}
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == [
            "hw6-variants.json",
            "info.json",
            "question.html",
            "server.py",
        ]
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        assert {"uuid", "type", "title", "topic"} <= set(info) and info["type"] == "v3"
        assert str(uuid.UUID(info["uuid"])) == info["uuid"] and info["showCorrectAnswer"] is False
        assert (
            info["tags"] == ["hw6", folder.name] and "seeds 1 to 3" in info["comment"] and "hw6 0." in info["comment"]
        )
        infos[folder.name] = info["uuid"]
    assert len(set(infos.values())) == len(infos)
    assessment = json.loads((course / "courseInstances/hw6/assessments/hw6/infoAssessment.json").read_text("utf-8"))
    assert {"uuid", "type", "title", "set", "number"} <= set(assessment) and assessment["type"] == "Homework"
    zone = assessment["zones"][0]["questions"]
    assert sorted(q["id"] for q in zone) == [f"hw6/{name}" for name in sorted(infos)]
    for entry in zone:
        keys = json.loads((course / "questions" / entry["id"] / "hw6-variants.json").read_text(encoding="utf-8"))
        assert entry["autoPoints"] == sum(p["points"] for p in keys["variants"][0]["parts"].values())
    assert export("--variants", 1, "--start", 7, "--out", tmp_path / "other.zip", "--cache-dir", cache) == 0
    with zipfile.ZipFile(tmp_path / "other.zip") as archive:
        for name, value in infos.items():
            assert json.loads(archive.read(f"questions/hw6/{name}/info.json"))["uuid"] == value


def test_the_export_is_deterministic(exported, tmp_path):
    base, _, cache = exported
    again = tmp_path / "again.zip"
    assert export("--variants", len(SEEDS), "--start", SEEDS[0], "--out", again, "--cache-dir", cache) == 0
    assert again.read_bytes() == (base / "hw6-pl.zip").read_bytes()


def test_no_answer_is_where_students_see_it(exported, run):
    _, course, _ = exported
    assert not [p for p in course.rglob("*") if p.name.startswith("clientFiles")]
    for folder, question in run["questions"].items():
        keys = json.loads((Path(folder) / "hw6-variants.json").read_text(encoding="utf-8"))
        page = (Path(folder) / "question.html").read_text(encoding="utf-8")
        assert "{{params." in page and "correct-answer" not in page
        for variant in keys["variants"]:
            shown = json.dumps(variant["display"])
            key = next(c["raw"] for c in question["cases"] if c["seed"] == variant["seed"] and c["label"] == "key")
            for spec in question["inputs"][str(variant["seed"])]:
                if spec["element"] != "string":
                    cells = [key[cell] for cell in spec["cells"]]
                    assert ", ".join(cells) not in shown and " & ".join(cells[:2]) not in shown, (folder, spec)
                    assert not [cell for cell in cells if len(cell) >= 6 and cell in shown + page], (folder, spec)
                    continue
                text = key[spec["name"]]
                if len(re.sub(r"\W", "", text)) >= 4:  # a bare symbol such as w is the statement's own
                    assert text not in page and text not in shown, (folder, spec["part"])


def test_the_choice_of_variants_is_checked(run_cli, tmp_path, capsys):
    code, _, err = run_cli("export", "prairielearn", "--out", tmp_path / "x.zip")
    assert code == 2 and err.startswith("hw6: error: ") and "--variants N or --manifest" in err
    code, _, err = run_cli(
        "export", "prairielearn", "--variants", "2", "--manifest", "m.csv", "--out", tmp_path / "x.zip"
    )
    assert code == 2 and "one of them" in err
    with pytest.raises(SystemExit) as stopped:
        run_cli("export", "prairielearn", "--variants", "0", "--out", tmp_path / "x.zip")
    assert (
        stopped.value.code == 2 and "--variants: expected a number of variants from 1 to 500" in capsys.readouterr().err
    )
    assert not (tmp_path / "x.zip").exists()


def test_a_batch_manifest_exports_its_distinct_variants(exported, tmp_path, small_batch):
    import csv

    _, _, cache = exported
    manifest = small_batch
    with open(manifest, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seeds = sorted({int(row["seed"]) for row in rows})
    assert export("--manifest", manifest, "--out", tmp_path / "b.zip", "--cache-dir", cache) == 0
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        record = json.loads(archive.read("serverFilesCourse/hw6-export.json"))
        beam = json.loads(archive.read("questions/hw6/beam_search/hw6-variants.json"))
    assert [v["seed"] for v in record["variants"]] == seeds == [v["seed"] for v in beam["variants"]]
    assert {r["params_sha256"] for r in rows} == {v["params_sha256"] for v in record["variants"]}


@pytest.mark.parametrize(
    "value, text", [(7, "7"), ("-6/5", "-1.2"), ("-1/20", "-0.05"), ("1/3", "1/3"), ("-13/30", "-13/30"), ("0", "0")]
)
def test_statement_numbers_are_exact(value, text):
    from solver.render.mathjax import number_text

    assert number_text(value) == text


def test_a_hostile_answer_is_bounded_in_time_and_scores_nothing(run):
    """Each tower ends (as a format error, or graded wrong), whatever the rest of the answers."""
    towers = [case for case in run["hostile"] if case["text"] in TOWERS]
    assert {case["part"] for case in towers} == set(TOWER_PARTS)
    for case in towers:
        chosen = case if case["gradable"] else case["forced"]
        assert chosen["partial_scores"][case["name"]]["score"] == 0, case
        assert case["score"] < 1, case


def test_nothing_a_student_typed_is_echoed_as_html(run):
    cases = [case for case in run["hostile"] if case["text"] in HTML_ANSWERS]
    assert len(cases) >= len(HTML_ANSWERS) * 3
    for case in cases:
        shown = [*case["format_errors"].values(), *case["feedback"].values()]
        shown += [entry["feedback"] for entry in case["partial_scores"].values()]
        if case["forced"]:
            shown += [*case["forced"]["feedback"].values()]
        assert not [text for text in shown if "<" in text or ">" in text], case
    assert any("&lt;" in text for case in cases for text in case["format_errors"].values())
