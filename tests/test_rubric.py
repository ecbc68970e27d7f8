"""Rubrics: every hand-graded part of the key has one, and rubric.md is written from the key."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from solver.engine.kinds import UNGRADED_KINDS
from solver.kernel.problem import Part
from solver.kernel.rubric import Item, rubric_markdown, with_rubric

from .conftest import SKIP_NAMES


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[dict, str]]:
    """The keys of the homework and two variants, from builds without PDFs (their rubric.md kept beside them)."""
    from solver.cli import main

    base = tmp_path_factory.mktemp("rubric")
    found = {}
    for label, which in (("homework", []), ("seed7", ["--seed", "7"]), ("seed123456", ["--seed", "123456"])):
        out = base / label
        args = ["build", *which, *SKIP_NAMES, "--no-pdf", "--out", str(out), "--cache-dir", str(base / "cache")]
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(args) == 0
        parts = json.loads((out / "answers.json").read_text(encoding="utf-8"))["parts"]
        found[label] = (parts, (out / "rubric.md").read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def keys(built) -> dict[str, dict]:
    return {label: parts for label, (parts, _) in built.items()}


def test_every_hand_graded_part_has_a_rubric(keys):
    for label, parts in keys.items():
        hand = [pid for pid, part in parts.items() if part["kind"] in UNGRADED_KINDS]
        missing = [pid for pid in hand if not parts[pid].get("rubric")]
        assert not missing, f"{label}: no rubric for {missing}"
        for pid in hand:
            for item in parts[pid]["rubric"]:
                assert isinstance(item["points"], int) and item["points"] > 0, f"{label}/{pid}: {item}"
                assert item["expected"].strip() and set(item) == {"points", "expected", "accepted", "wrong"}


def test_automatically_graded_parts_carry_no_rubric(keys):
    graded = [pid for pid, part in keys["homework"].items() if part["kind"] not in UNGRADED_KINDS and "rubric" in part]
    assert not graded


def test_beam_rubric_quotes_the_variants_own_verdict(keys):
    for label, parts in keys.items():
        verdict = parts["2d"]["rubric"][0]["expected"]
        returns = parts["2d"]["value"]["returns_optimum"]
        assert verdict.startswith("Yes" if returns else "No:"), f"{label}: {verdict}"
        best = " ".join(parts["2d"]["value"]["beam_best"]["sequence"])
        assert f"[{best}]" in verdict


def test_markdown_lists_each_rubric_with_its_total():
    parts = {
        "9a": with_rubric(Part("written", "x"), Item(2, "first", accepted=["alt"]), Item(1, "second", wrong=["bad"])),
        "9b": Part("expr", "w"),
    }
    text = rubric_markdown({pid: part.to_json() for pid, part in parts.items()}, "Variant Q7")
    assert "## 9a (3 points)" in text and "9b" not in text
    assert "1. **2 points.** first" in text and "   - Also accepted: alt" in text
    assert "2. **1 point.** second" in text and "   - Not accepted: bad" in text
    assert "(Variant Q7)" in text.splitlines()[0]


def test_an_item_is_worth_a_point_at_least():
    with pytest.raises(ValueError):
        Item(0, "nothing")
    with pytest.raises(ValueError):
        with_rubric(Part("written", "x"))


def test_a_build_writes_rubric_md_from_its_key(built):
    for label, (parts, text) in built.items():
        title = text.splitlines()[0]
        assert text == rubric_markdown(parts, title.split("(", 1)[1].rstrip(")")), label
        for pid, part in parts.items():
            assert (f"## {pid} (" in text) == bool(part.get("rubric")), f"{label}: {pid}"
