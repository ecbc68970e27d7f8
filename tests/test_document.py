"""The parameters file's ``document`` section: what page 1 of both sheets says, validated like any parameter."""

from __future__ import annotations

import json

import pytest

from .conftest import SKIP_NAMES


def test_page_one_shows_the_homeworks_own_by_default(shared_build):
    built = shared_build(*SKIP_NAMES, notebooks=False)
    for sheet in ("problems.tex", "solutions.tex"):
        tex = (built / sheet).read_text()
        for text in ("EECS 182", "Deep Neural Networks", "Spring 2023", "Anant Sahai", "Homework 6"):
            assert text in tex, f"{sheet}: {text}"
        assert "Due Friday, March 10, 2023, 10:59 PM" in tex
    assert "document" not in json.loads((built / "params.json").read_text())  # defaults are not recorded


def test_a_course_of_its_own_is_printed_literally_and_recorded(run_cli, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text('document: {course: "CS 189 & co", term: Fall 2024, due: "Monday, 9 AM", author: ""}\n')
    out = tmp_path / "out"
    assert run_cli("build", *SKIP_NAMES, "--params", params, "--no-pdf", "--out", out)[0] == 0
    tex = (out / "problems.tex").read_text()
    assert r"CS 189 \& co" in tex and "Fall 2024" in tex and "Due Monday, 9 AM" in tex and "Anant Sahai" not in tex
    recorded = json.loads((out / "params.json").read_text())["document"]
    assert recorded["course"] == "CS 189 & co" and recorded["author"] == ""
    again = tmp_path / "again"
    assert run_cli("build", "--params", out / "params.json", "--no-pdf", "--out", again)[0] == 0
    assert (again / "problems.tex").read_bytes() == (out / "problems.tex").read_bytes()


@pytest.mark.parametrize(
    "content, message",
    [
        ("document: {course: ''}", "document.course: expected a non-empty line of text"),
        ("document: {term: 2023}", "document.term: expected one line of text"),
        ('document: {due: "a\\nb"}', "document.due: expected one line of text without line breaks"),
        ("document: {title: " + "x" * 121 + "}", "document.title: expected at most 120 characters"),
        ("document: {subtitle: x}", "document.subtitle: expected no such key"),
    ],
)
def test_a_bad_document_field_is_one_line_naming_it(run_cli, tmp_path, content, message):
    params = tmp_path / "p.yaml"
    params.write_text(content + "\n")
    code, out, err = run_cli("key", *SKIP_NAMES, "--params", params)
    assert (code, out) == (2, "") and err.count("\n") == 1 and message in err, err
