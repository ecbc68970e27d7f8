"""Opaque variant labels: no student-facing file of a batch names its seed, and only the manifest
ties a label back to its variant (`hw6 key --label`, `hw6 build --label`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from solver.build.variant import LABEL_PATTERN, Variant, normal_label, opaque_label, variant_label
from solver.cli import main
from solver.variants.draw import student_seed

from .conftest import SKIP_NAMES

SALT = "spring-2023 secret"
ROSTER = {"ada": "Ada Lovelace", "bob": "Bob", "cy": ""}
STAFF_FILES = {"answers.json", "params.json", "report.txt", ".hw6-done"}  # what staff keep


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("labels")
    roster = base / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "name"], *ROSTER.items()])
    out = base / "out"
    args = ["batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf", "--salt", SALT]
    assert main([str(a) for a in args]) == 0
    return out


def rows(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_label_is_short_unambiguous_and_keyed():
    label = opaque_label(123456789012345678, SALT)
    assert LABEL_PATTERN.match(label) and len(label) == 9
    assert not set(label) & set("ILOU"), "no letter that reads as a digit or another letter"
    assert label == opaque_label(123456789012345678, SALT), "the same seed and secret give the same label"
    assert label != opaque_label(123456789012345678, "another secret")
    assert label != opaque_label(123456789012345679, SALT)
    assert len({opaque_label(seed, SALT) for seed in range(2000)}) == 2000
    assert normal_label(label.lower().replace("-", "")) == label
    assert normal_label("7kq2-m9xo") == "7KQ2-M9X0" and normal_label("7KQ2-M9X") is None
    assert normal_label("7KQ2 M9XD") is None


def test_the_footer_and_the_template_name_the_label_never_the_seed():
    seed = 1234567890123456789
    variant = Variant(seed=seed, label=opaque_label(seed, SALT))
    assert variant.footer_parts[0] == f"Variant {opaque_label(seed, SALT)}"
    assert variant_label(variant) == f"variant {opaque_label(seed, SALT)}"
    assert str(seed) not in variant.footer and str(seed) not in variant_label(variant)
    assert Variant(seed=seed).shown_label == opaque_label(seed, ""), "unkeyed without a secret, still no seed"
    assert Variant().footer_parts[0] == "Homework" and variant_label(Variant()) == "the homework's own values"


def test_no_student_facing_file_of_a_batch_names_its_seed(batch):
    found = rows(batch)
    assert [row["student_id"] for row in found] == list(ROSTER)
    checked = 0
    for row in found:
        seed = int(row["seed"])
        assert seed == student_seed(SALT, row["student_id"]) and len(row["seed"]) >= 15, "a seed of many digits"
        assert row["label"] == opaque_label(seed, SALT), "the manifest maps the label to the seed"
        folder = batch / row["folder"]
        report = (folder / "report.txt").read_text(encoding="utf-8")
        assert row["seed"] in report and row["label"] in report, "report.txt maps the label to the seed"
        students = [p for p in folder.rglob("*") if p.is_file() and p.name not in STAFF_FILES]
        assert {"problems.tex", "solutions.tex", "answers-template.yaml", "notebook.ipynb"} <= {
            p.name for p in students
        }
        for path in students:
            data = path.read_bytes()
            assert row["seed"].encode() not in data, f"{path.relative_to(batch)} names the seed {row['seed']}"
            checked += 1
        for sheet in ("problems.tex", "solutions.tex"):
            assert f"Variant {row['label']}" in (folder / sheet).read_text(encoding="utf-8")
        first = (folder / "answers-template.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# Answers to Homework 6 (variant {row['label']})."
    assert checked >= 3 * 5


def test_key_by_label_needs_the_manifest_and_gives_that_variants_key(batch, run_cli):
    row = rows(batch)[1]
    code, out, err = run_cli("key", *SKIP_NAMES, "--label", row["label"].lower(), "--manifest", batch / "manifest.csv")
    assert code == 0, err
    expected = json.loads((batch / row["folder"] / "answers.json").read_text(encoding="utf-8"))
    assert json.loads(out)["parts"] == expected["parts"]
    code, out, err = run_cli("key", *SKIP_NAMES, "--label", row["label"])
    assert code == 2 and out == "" and err.count("\n") == 1 and "--label" in err and "--manifest" in err


def test_build_by_label_rebuilds_the_students_sheets(batch, run_cli, tmp_path):
    row = rows(batch)[0]
    manifest = batch / "manifest.csv"
    code, _, err = run_cli(
        "build", *SKIP_NAMES, "--label", row["label"], "--manifest", manifest, "--no-pdf", "--out", tmp_path
    )
    assert code == 0, err
    for name in ("problems.tex", "solutions.tex", "answers-template.yaml", "answers.json", "params.json", "report.txt"):
        assert (tmp_path / name).read_bytes() == (batch / row["folder"] / name).read_bytes(), name


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--label", "ZZZZ-ZZZZ"], "no variant is labelled ZZZZ-ZZZZ"),
        (["--label", "not a label"], "--label: expected a variant label"),
        (["--label", "ZZZZ-ZZZZ", "--seed", "3"], "--label: expected no --seed"),
        (["--salt", "x"], "--manifest: expected --label too"),
    ],
)
def test_bad_label_requests_are_one_line_errors(batch, run_cli, tmp_path, extra, message):
    code, out, err = run_cli(
        "build", *SKIP_NAMES, "--manifest", batch / "manifest.csv", *extra, "--no-pdf", "--out", tmp_path / "o"
    )
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()


def test_a_label_that_names_two_seeds_is_refused(batch, run_cli, tmp_path):
    found = rows(batch)
    found[1]["label"] = found[0]["label"]
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(found[0]))
        writer.writeheader()
        writer.writerows(found)
    code, _, err = run_cli("key", *SKIP_NAMES, "--label", found[0]["label"], "--manifest", manifest)
    assert code == 2 and "lines 2 and 3" in err and "names different seeds" in err


def test_a_single_build_keys_its_label_with_salt_and_warns_without(run_cli, tmp_path):
    seed = 8123456789012345678
    code, _, err = run_cli("build", *SKIP_NAMES, "--seed", seed, "--salt", SALT, "--no-pdf", "--out", tmp_path / "a")
    assert code == 0 and "warning" not in err
    tex = (tmp_path / "a" / "problems.tex").read_text(encoding="utf-8")
    assert f"Variant {opaque_label(seed, SALT)}" in tex and str(seed) not in tex
    code, _, err = run_cli("build", *SKIP_NAMES, "--seed", seed, "--no-pdf", "--out", tmp_path / "b")
    assert code == 0 and "no --salt" in err and opaque_label(seed, "") in err
    # A rebuild from params.json with the same secret gives the same sheets.
    params = tmp_path / "a" / "params.json"
    code, _, err = run_cli(
        "build", *SKIP_NAMES, "--params", params, "--salt", SALT, "--no-pdf", "--out", tmp_path / "c"
    )
    assert code == 0, err
    assert (tmp_path / "c" / "problems.tex").read_bytes() == (tmp_path / "a" / "problems.tex").read_bytes()
