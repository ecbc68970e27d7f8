"""``hw6 export moodle``: the file's structure as Moodle's importer reads it, determinism, no answer
where students look, and Cloze conformance: every box's numeric rule, evaluated as Moodle does,
gives the score hw6's own grader gives (key, each modelled mistake, near misses, invalid input).
The STACK side runs in real Maxima: tests/test_export_moodle_maxima.py."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
import sympy as sp

from solver import __version__
from solver.engine.kinds import compile_part
from solver.export import moodle, selection
from solver.export.maxima import key_expression, to_maxima
from solver.export.moodle_cloze import cloze_part, escape, subquestion
from solver.kernel.problem import BuildContext

from .conftest import copy_of_batch
from .moodle_reading import cloze_boxes, cloze_score, moodle_numeric, questions, split_unescaped, unescape

VARIANTS = int(os.environ.get("HW6_MOODLE_VARIANTS", "3"))  # seeds 1..N
FILE = "hw6-moodle.xml"
STACK_REQUIRED = (
    "name/text",
    "questiontext/text",
    "questionvariables/text",
    "specificfeedback/text",
    "questionnote/text",
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, session_cache):
    """The export of seeds 1..3 through the command line, and the variants it was made from."""
    from solver.cli import main

    base = tmp_path_factory.mktemp("moodle")
    context = BuildContext(cache_dir=session_cache)
    variants = selection.seed_variants(range(1, VARIANTS + 1), None, context)
    assert (
        main(
            [
                *("export", "moodle", "--variants", str(VARIANTS), "--start", "1"),
                "--out",
                str(base / FILE),
                "--cache-dir",
                str(session_cache),
            ]
        )
        == 0
    )
    data = (base / FILE).read_bytes()
    return variants, data, ET.fromstring(data)


def test_the_command_writes_what_moodle_xml_gives_the_same_bytes_each_time(exported):
    variants, data, _ = exported
    assert moodle.moodle_xml(variants)[0] == data
    assert moodle.moodle_xml(variants)[0] == data


def test_the_file_names_its_version_and_seeds(exported):
    _, data, root = exported
    head = data[:400].decode()
    assert f"hw6 {__version__}" in head and ", ".join(f"seed {n}" for n in range(1, VARIANTS + 1)) in head
    for _, question in questions(root):
        name = question.findtext("name/text") or ""
        assert name.startswith(f"hw6 {__version__} · Problem ") and re.search(r"seed \d+\Z", name), name


def test_one_category_per_problem_and_one_question_per_variant_in_each(exported):
    _, _, root = exported
    by_category: dict[str, list[str]] = {}
    for category, question in questions(root):
        assert category.startswith(f"$course$/top/hw6 {__version__}/Problem "), category
        by_category.setdefault(category, []).append(question.get("type") or "")
    assert len(by_category) == 4  # Problem 1 (STACK), 3 and 6b, 6c (Cloze); 2 is not exported
    for category, types in by_category.items():
        assert len(types) == VARIANTS and len(set(types)) == 1, (category, types)
    assert {types[0] for types in by_category.values()} == {"stack", "cloze"}


def test_every_part_sharing_a_problems_numbers_is_in_that_problems_one_question(exported):
    variants, _, root = exported
    stack = [q for _, q in questions(root) if q.get("type") == "stack"]
    for variant, question in zip(variants, stack, strict=True):
        graded = [p for p, spec in variant.parts.items() if p.startswith("1") and spec.get("points", 1)]
        assert len(question.findall("prt")) == len(graded)


def test_stack_questions_have_what_the_importer_reads_and_consistent_references(exported):
    _, _, root = exported
    for _, question in questions(root):
        if question.get("type") != "stack":
            continue
        for path in STACK_REQUIRED:
            assert question.find(path) is not None, path
        inputs = {i.findtext("name"): i for i in question.findall("input")}
        trees = {p.findtext("name"): p for p in question.findall("prt")}
        variables = question.findtext("questionvariables/text") or ""
        defined = set(re.findall(r"^(\w+):", variables, re.M))
        text = question.findtext("questiontext/text") or ""
        assert set(re.findall(r"\[\[input:(\w+)\]\]", text)) == set(inputs)
        assert set(re.findall(r"\[\[validation:(\w+)\]\]", text)) == set(inputs)
        assert set(re.findall(r"\[\[feedback:(\w+)\]\]", text)) == set(trees)
        for name, element in inputs.items():
            assert re.fullmatch(r"[a-z]+\d+", name or "") and element.findtext("type") == "algebraic"
            assert element.findtext("tans") in defined
        for name, prt in trees.items():
            numbers = {int(n.findtext("name") or "") for n in prt.findall("node")}
            assert numbers == set(range(len(numbers)))
            for node in prt.findall("node"):
                assert node.findtext("answertest") == "AlgEquiv"
                for branch in ("true", "false"):
                    assert int(node.findtext(f"{branch}nextnode") or "") in numbers | {-1}
                    assert node.findtext(f"{branch}scoremode") in ("=", "+")
                    assert (node.findtext(f"{branch}answernote") or "").startswith(f"{name}-")
        assert question.findall("deployedseed") and question.findall("qtest")
        for qtest in question.findall("qtest"):
            assert {t.findtext("name") for t in qtest.findall("testinput")} <= set(inputs)
            assert {e.findtext("name") for e in qtest.findall("expected")} <= set(trees)
        assert float(question.findtext("defaultgrade") or "") == sum(
            float(p.findtext("value") or "") for p in trees.values()
        )


def test_no_answer_is_where_students_look(exported):
    """Question text, names and general feedback (shown after an attempt) hold no key: STACK's
    keys are in question variables, Cloze's inside the subquestion markup Moodle replaces by boxes."""
    variants, _, root = exported
    for _, question in questions(root):
        assert not (question.findtext("generalfeedback/text") or "").strip()
        text = question.findtext("questiontext/text") or ""
        assert "{@" not in text  # STACK would print a CAS value there
        shown = re.sub(r"\{\d+:NUMERICAL:(?:\\.|[^\\}])*\}", "[box]", text)
        variant = next(v for v in variants if (question.findtext("name/text") or "").endswith(v.label))
        for part_id, spec in variant.parts.items():
            values = spec.get("value") if isinstance(spec.get("value"), list) else [spec.get("value")]
            for value in values:
                if spec.get("kind") == "expr" or spec.get("kind") == "expr_list":
                    written = to_maxima(key_expression(value, spec.get("symbols") or []))
                    assert len(written) < 5 or written not in shown, (part_id, written)
                elif spec.get("kind") == "numbers" and len(str(value)) >= 5:  # a measured value, as a number
                    assert not re.search(rf"(?<![\d.]){re.escape(str(value))}(?!\d)", shown), (part_id, value)


def test_the_maxima_printer_writes_what_sympy_means():
    u1, w = sp.symbols("u1 w")
    cases = {
        3 * u1 * w**2 + u1: "u1 + (3*u1*(w^2))",
        -w: "(-1)*w",
        sp.Rational(-3, 4) * w**-2: "(-3/4)*(w^(-2))",
        (w + 1) ** sp.Rational(1, 2): "(1 + w)^(1/2)",
        sp.exp(-w): "exp((-1)*w)",
    }
    for expr, text in cases.items():
        assert to_maxima(expr) == text
    with pytest.raises(ValueError):
        to_maxima(sp.Symbol("pi"))
    with pytest.raises(ValueError):
        to_maxima(w ** sp.Symbol("u1"))


def test_cloze_escaping_round_trips_every_special_character():
    text = 'a } b # c ~ d / e " f \\ g < h & i'
    escaped = escape(text)
    assert split_unescaped(escaped, "~") == [escaped] and split_unescaped(escaped, "#") == [escaped]
    assert unescape(escaped) == 'a } b # c ~ d / e " f \\ g &lt; h &amp; i'


def _responses(part_id: str, spec: dict, key, answer=None) -> list[str]:
    """One response per box: a part's answer laid out as the export lays out its boxes (the
    same text in every box when the answer is one unreadable text)."""
    answer = key if answer is None else answer
    flat = (lambda value: [v for row in value for v in row]) if spec["kind"] == "matrix" else list
    if isinstance(answer, str):
        return [answer] * len(flat(key))
    return [str(v) for v in flat(answer)]


def _hw6_total(parts: dict, answers: dict) -> Fraction:
    earned = total = Fraction(0)
    for part_id, answer in answers.items():
        points = Fraction(str(parts[part_id].get("points", 1)))
        earned += points * compile_part(part_id, parts[part_id]).grade(answer).credit
        total += points
    return earned / total


def test_cloze_boxes_give_hw6s_scores(exported):
    """Key, each modelled mistake, a value just inside and just outside the tolerance, and an
    unreadable part: Moodle's numeric rule on the boxes and hw6's grader give the same score."""
    variants, _, root = exported
    checked = 0
    cloze = [(c, q) for c, q in questions(root) if q.get("type") == "cloze"]
    for category, question in cloze:
        variant = next(v for v in variants if (question.findtext("name/text") or "").endswith(v.label))
        boxes = cloze_boxes(question.findtext("questiontext/text") or "")
        item = next(s for s in variant.solved if category.endswith(f"({s.problem.section})"))
        own = [p for p in item.problem.parts(item.solution) if p in variant.parts]
        exported_parts = [p for p in own if not isinstance(cloze_part(p, variant.parts[p]), str)]
        key = {p: variant.parts[p]["value"] for p in exported_parts}
        cases = [("key", key)]
        for part_id in exported_parts:
            spec = variant.parts[part_id]
            for number, mistake in enumerate(spec.get("mistakes") or (), start=1):
                if len(_responses(part_id, spec, mistake["value"])) == len(_responses(part_id, spec, key[part_id])):
                    cases.append((f"{part_id} mistake {number}", {**key, part_id: mistake["value"]}))
            cases.append((f"{part_id} unreadable", {**key, part_id: "not a number"}))
            if spec["kind"] == "numbers" and "below" not in spec:
                grader = compile_part(part_id, spec)
                first, tolerance = grader.centres[0], grader.box_tolerances[0]
                digits = grader.min_digits or 17  # hw6's width is the stated digits': write that many
                inside = Fraction(9, 10) if grader.min_digits is None else Fraction(0)  # rounding moves it
                for scale, name in ((inside, "inside"), (Fraction(2), "outside")):
                    value = f"{float(first + scale * tolerance):#.{digits}g}"
                    near = [value, *map(str, key[part_id][1:])]
                    cases.append((f"{part_id} {name} the tolerance", {**key, part_id: near}))
        for name, answers in cases:
            responses = [r for p in exported_parts for r in _responses(p, variant.parts[p], key[p], answers[p])]
            moodle_score, hw6_score = cloze_score(boxes, responses), _hw6_total(variant.parts, answers)
            assert abs(moodle_score - hw6_score) < Fraction(1, 10**9), (
                question.findtext("name/text"),
                name,
                moodle_score,
                hw6_score,
            )
            checked += 1
    assert checked >= 2 * len(cloze)
    print(f"\nCloze: {len(cloze)} questions, {checked} answer sets scored as hw6 scores them")


def test_a_below_target_box_takes_zero_to_just_below_the_target():
    spec = {"kind": "numbers", "value": [0.0003], "below": [0.01], "points": 1}
    part = cloze_part("3k", spec)
    assert not isinstance(part, str)
    ((weight, answers),) = cloze_boxes(subquestion(part.boxes[0], 1))
    assert weight == 1 and answers[0].value - answers[0].tolerance == 0
    for response, right in (("0", True), ("0.0099", True), ("0.01", False), ("-0.001", False), ("0.02", False)):
        assert (moodle_numeric(answers, response) == 1) == right, response
        assert (compile_part("3k", {**spec, "value": [0.0003]}).grade([response]).credit == 1) == right, response


def test_a_batch_manifest_exports_each_students_variant_once(tmp_path, run_cli, session_cache, small_batch):
    cache = session_cache
    manifest = copy_of_batch(small_batch, tmp_path / "out")  # the test edits a variant's parameters
    code, out, err = run_cli(
        "export", "moodle", "--manifest", manifest, "--out", tmp_path / "m" / FILE, "--cache-dir", cache
    )
    assert code == 0, err
    assert "2 variant(s)" in out
    root = ET.parse(tmp_path / "m" / FILE).getroot()
    seeds = {re.sub(r".*seed ", "", q.findtext("name/text") or "") for _, q in questions(root)}
    rows = [line.split(",") for line in manifest.read_text(encoding="utf-8").splitlines()[1:]]
    assert seeds == {row[3] for row in rows} and len(rows) == 2
    folders = [row[2] for row in rows]
    params = (tmp_path / "out" / folders[0] / "params.json").read_text(encoding="utf-8")
    (tmp_path / "out" / folders[0] / "params.json").write_text(params.replace("{", "{ ", 1), encoding="utf-8")
    code, _, err = run_cli(
        "export", "moodle", "--manifest", manifest, "--out", tmp_path / "n" / FILE, "--cache-dir", cache
    )
    assert code == 2 and "changed since the batch" in err and not (tmp_path / "n").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x"], "give --variants N or --manifest CSV"),
        (["--out", "x", "--variants", "2", "--manifest", "m.csv"], "give --variants N or --manifest CSV"),
        (["--out", "x", "--variants", "0"], "expected a number of variants from 1 to 500"),
        (["--out", "x", "--manifest", "missing.csv"], "missing.csv"),
    ],
)
def test_wrong_options_are_one_line_errors(run_cli, capsys, tmp_path, args, message):
    args = [str(tmp_path / a) if a in ("x", "m.csv", "missing.csv") else a for a in args]
    try:
        code, _, err = run_cli("export", "moodle", *args)
    except SystemExit as stop:  # argparse's own errors
        code, err = stop.code, capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err, err
    assert "error:" in err.splitlines()[0] and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x").exists()
