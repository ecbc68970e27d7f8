"""``hw6 export qti``: the Canvas package's structure and determinism, and Canvas's grading of it,
modelled from the XML alone (:mod:`tests.qti_canvas`), compared with hw6's own grading of the same answers.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from solver import __version__
from solver.build.pipeline import answer_key
from solver.cli import main
from solver.engine.runner import Graders, compile_key, grade_answer
from solver.kernel.problem import BuildContext
from solver.variants.draw import draw

from .conftest import copy_of_batch
from .qti_canvas import NS, canvas_blanks_score, canvas_range_score, field

SEEDS = (0, 1, 2)
ZIP = "hw6-canvas-qti.zip"
INVALID = "not a number"


@pytest.fixture(scope="module")
def exported(tmp_path_factory, session_cache, solved_homework):  # Problem 3 solved once
    base = tmp_path_factory.mktemp("qti")
    for name in ("one", "two"):
        args = ["export", "qti", "--variants", len(SEEDS), "--start", SEEDS[0], "--out", base / name / ZIP]
        assert main([str(a) for a in [*args, "--cache-dir", session_cache]]) == 0
    keys = {seed: answer_key(draw(seed, BuildContext(cache_dir=session_cache)).solved)["parts"] for seed in SEEDS}
    return base, keys


def _zip(base: Path, name: str = "one") -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((base / name / ZIP).read_bytes()))


def _assessment(base: Path) -> ET.Element:
    archive = _zip(base)
    name = next(n for n in archive.namelist() if n.endswith(".xml") and "/" in n and "meta" not in n)
    return ET.fromstring(archive.read(name))


def _items(base: Path) -> dict[str, ET.Element]:
    return {item.get("title"): item for item in _assessment(base).iter(f"{{{NS['q']}}}item")}


# --- hw6's side -----------------------------------------------------------------------------------

PART_OF_BLANK = (("h", "3a"), ("y", "3b"), ("loss", "3c"), ("f", "6b"), ("r", "6c"))


def _part(blank: str) -> str:
    return next(part for prefix, part in PART_OF_BLANK if re.fullmatch(rf"{prefix}\d+(_\d+)?", blank))


@pytest.fixture(scope="module")
def graders(exported) -> dict[int, Graders]:
    """Each seed's key compiled once: a test grades thousands of texts against a few keys, and
    compiling a part costs more than grading with it."""
    _, keys = exported
    return {seed: compile_key(parts) for seed, parts in keys.items()}


def hw6_score(graders: Graders, typed: dict[str, str]) -> Fraction:
    """hw6's points for the same texts, each part's blanks in order as its answer."""
    parts, total = graders.parts, Fraction(0)
    for part in sorted({_part(b) for b in typed}):
        entries = [text for blank, text in typed.items() if _part(blank) == part]
        value = parts[part]["value"]
        answer = entries
        if parts[part]["kind"] == "matrix" and value and isinstance(value[0], list):
            width = len(value[0])
            answer = [entries[i : i + width] for i in range(0, len(entries), width)]
        total += grade_answer(graders, part, answer).credit * Fraction(str(parts[part]["points"]))
    return total


def _blank_names(item: ET.Element) -> list[str]:
    return [lid.get("ident").removeprefix("response_") for lid in item.iterfind("q:presentation/q:response_lid", NS)]


def _flat(value) -> list[str]:
    return [str(v) for row in value for v in row] if value and isinstance(value[0], list) else [str(v) for v in value]


def _submissions(item: ET.Element, parts: dict) -> tuple[list[dict[str, str]], int]:
    """The key, each modelled mistake that fits the blanks, and an invalid answer; and how many
    mistakes have another shape (they cannot be typed into these blanks)."""
    names = _blank_names(item)
    owned = sorted({_part(n) for n in names})
    key = {}
    for part in owned:
        key.update(zip([n for n in names if _part(n) == part], _flat(parts[part]["value"]), strict=True))
    answers, other_shape = [key, dict.fromkeys(names, INVALID)], 0
    for part in owned:
        mine = [n for n in names if _part(n) == part]
        for mistake in parts[part].get("mistakes", []):
            flat = _flat(mistake["value"])
            if len(flat) != len(mine) or (isinstance(mistake["value"][0], list)) != isinstance(
                parts[part]["value"][0], list
            ):
                other_shape += 1
                continue
            answers.append({**key, **dict(zip(mine, flat, strict=True))})
    return answers, other_shape


def test_canvas_grades_every_variant_as_hw6_does(exported, graders):
    base, keys = exported
    items = _items(base)
    compared = other_shape = 0
    for seed in SEEDS:
        for title in ("Problem 3 (a)-(c)", "Problem 6 (b)", "Problem 6 (c)"):
            item = items[f"{title}, variant {seed}"]
            answers, skipped = _submissions(item, keys[seed])
            other_shape += skipped
            full = Fraction(field(item, "points_possible"))
            several = len({_part(n) for n in _blank_names(item)}) > 1
            for typed in answers:
                expected, canvas = hw6_score(graders[seed], typed), canvas_blanks_score(item, typed)
                if several:  # Canvas splits the points over the blanks, not by part (a difference the docs state):
                    # it agrees on what is wholly right and wholly wrong, and never gives full marks to a mistake
                    assert (canvas == full) == (expected == full) and (canvas == 0) == (expected == 0), (seed, typed)
                else:
                    assert canvas == expected, (seed, title, typed, expected)
                compared += 1
            assert canvas_blanks_score(item, answers[0]) == full > 0, "the key earns every point"
            assert canvas_blanks_score(item, answers[1]) == 0, "an invalid answer earns nothing"
    assert compared >= len(SEEDS) * 3 * 2 and other_shape < compared


def test_every_text_a_blank_accepts_is_right_for_hw6_and_near_misses_are_wrong(exported, graders):
    base, keys = exported
    items = _items(base)
    for seed in SEEDS:
        for title in ("Problem 3 (a)-(c)", "Problem 6 (b)", "Problem 6 (c)"):
            item = items[f"{title}, variant {seed}"]
            key = _submissions(item, keys[seed])[0][0]
            full = Fraction(field(item, "points_possible"))
            for lid in item.iterfind("q:presentation/q:response_lid", NS):
                blank = lid.get("ident").removeprefix("response_")
                texts = [
                    label.findtext("q:material/q:mattext", namespaces=NS)
                    for label in lid.iter(f"{{{NS['q']}}}response_label")
                ]
                assert key[blank] in texts, f"{blank}: the key's own text is accepted"
                for text in texts:
                    typed = {**key, blank: text.upper()}
                    assert canvas_blanks_score(item, typed) == full == hw6_score(graders[seed], typed), (blank, text)
                off = _last_digit_up(key[blank])
                typed = {**key, blank: off}
                assert canvas_blanks_score(item, typed) < full and hw6_score(graders[seed], typed) < full, (blank, off)


def _last_digit_up(text: str) -> str:
    """Two units up in the last digit: past hw6's width (one unit of the last digit around the
    exact value, which the key's correctly rounded text is within half a unit of)."""
    value = Decimal(text)
    step = Decimal(1).scaleb(value.as_tuple().exponent) if "/" not in text else Decimal(1)
    return str(value + 2 * step)


def test_training_losses_are_ranges_graded_as_hw6_grades_them(exported):
    base, keys = exported
    items = _items(base)
    spec = keys[SEEDS[0]]["3k"]
    questions = [items[f"Problem 3 (k), {label}"] for label in spec["order"]]
    key = [str(v) for v in spec["value"]]
    targets = [str(b) for b in spec["below"]]
    cases = [key, [INVALID, INVALID], targets, ["0", "0"], ["-0.001", key[1]], [key[0], targets[1]]]
    cases += [[str(Decimal(t) - Decimal("0.0001")) for t in targets], [key[0], INVALID]]
    for typed in cases:
        canvas = sum(canvas_range_score(q, text) for q, text in zip(questions, typed, strict=True))
        graders = compile_key(keys[SEEDS[0]])
        verdict = grade_answer(graders, "3k", typed)
        if INVALID in typed and typed != [INVALID, INVALID]:
            # hw6 refuses the whole answer as unreadable; Canvas leaves that blank empty and grades the other
            assert verdict.status == "invalid" and canvas == Fraction(1, 2), typed
            continue
        assert canvas == verdict.credit * Fraction(str(spec["points"])), (typed, canvas, verdict)


def test_the_package_has_canvas_structure(exported):
    base, _ = exported
    archive = _zip(base)
    names = archive.namelist()
    assert names[0] == "imsmanifest.xml" and len(set(names)) == len(names)
    documents = {name: ET.fromstring(archive.read(name)) for name in names}  # every file is well-formed XML
    manifest = documents["imsmanifest.xml"]
    resources = manifest.findall("m:resources/m:resource", NS)
    identifiers = [r.get("identifier") for r in resources]
    assert len(set(identifiers)) == len(identifiers) == 2
    for resource in resources:
        hrefs = [f.get("href") for f in resource.findall("m:file", NS)] + (
            [resource.get("href")] if resource.get("href") else []
        )
        assert hrefs and all(h in names for h in hrefs), hrefs
        for dependency in resource.findall("m:dependency", NS):
            assert dependency.get("identifierref") in identifiers
    assert {r.get("type") for r in resources} == {
        "imsqti_xmlv1p2",
        "associatedcontent/imscc_xmlv1p1/learning-application-resource",
    }
    assessment = _assessment(base)
    ident = assessment.find("q:assessment", NS).get("ident")
    meta = next(r for r in resources if r.get("type").endswith("learning-application-resource"))
    assert meta.get("href") == f"{ident}/assessment_meta.xml", "Canvas finds the settings by the assessment's ident"
    tags = (f"{{{NS['q']}}}{tag}" for tag in ("assessment", "section", "item"))
    idents = [e.get("ident") for tag in tags for e in assessment.iter(tag)]
    assert len(set(idents)) == len(idents), "assessment, section and item identifiers are unique"
    for item in assessment.iter(f"{{{NS['q']}}}item"):
        labels = [label.get("ident") for label in item.iter(f"{{{NS['q']}}}response_label")]
        responses = [r.get("ident") for r in item.find("q:presentation", NS) if r.get("ident")]
        assert len(set(labels)) == len(labels) and len(set(responses)) == len(responses), item.get("ident")
    root = assessment.find("q:assessment/q:section", NS)
    assert root.get("ident") == "root_section"
    for group in root.findall("q:section", NS):
        assert group.findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=NS) == "1"
        points = group.findtext(
            "q:selection_ordering/q:selection/q:selection_extension/q:points_per_item", namespaces=NS
        )
        items = group.findall("q:item", NS)
        assert len(items) == len(SEEDS) and {field(i, "points_possible") for i in items} == {points}
    for item in assessment.iter(f"{{{NS['q']}}}item"):
        kind = field(item, "question_type")
        assert kind in ("fill_in_multiple_blanks_question", "numerical_question")
        text = item.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
        if kind == "fill_in_multiple_blanks_question":
            assert re.findall(r"\[([^\]]*)\]", text) == _blank_names(item), "every [blank] has its response, in order"
            labels = {label.get("ident") for label in item.iter(f"{{{NS['q']}}}response_label")}
            tested = {v.text for v in item.iter(f"{{{NS['q']}}}varequal")}
            assert tested == labels, "every accepted text is tested and every test names a label"


def test_a_problem_s_parts_stay_in_one_question(exported):
    base, _ = exported
    for title, item in _items(base).items():
        if title.startswith("Problem 3 (a)-(c)"):
            assert {_part(n) for n in _blank_names(item)} == {"3a", "3b", "3c"}


def test_no_answer_where_students_see_it(exported):
    base, keys = exported
    archive = _zip(base)
    meta = ET.fromstring(archive.read(next(n for n in archive.namelist() if n.endswith("assessment_meta.xml"))))
    assert meta.findtext("{http://canvas.instructure.com/xsd/cccv1p0}show_correct_answers") == "false"
    shown = [meta.findtext("{http://canvas.instructure.com/xsd/cccv1p0}description")]
    assessment = _assessment(base)
    assert not list(assessment.iter(f"{{{NS['q']}}}itemfeedback"))
    for item in assessment.iter(f"{{{NS['q']}}}item"):
        shown.append(item.findtext("q:presentation/q:material/q:mattext", namespaces=NS))
        # Texts are only the question, each blank's name, and the accepted texts of a blank's labels
        # (Canvas's format for fill-in-multiple-blanks; it shows those blanks as empty boxes).
        lids = item.findall("q:presentation/q:response_lid", NS)
        labels = item.findall("q:presentation/q:response_lid/q:render_choice/q:response_label/q:material/q:mattext", NS)
        assert len(list(item.iter(f"{{{NS['q']}}}mattext"))) == 1 + len(lids) + len(labels)
        for lid in lids:
            assert lid.findtext("q:material/q:mattext", namespaces=NS) == lid.get("ident").removeprefix("response_")
    measured = {str(v) for seed in SEEDS for part in ("3a", "3b", "3c") for v in keys[seed][part]["value"]}
    hint = [f"first entry of the filter is {keys[s]['6b']['value'][0]}" for s in SEEDS]
    for text in shown:
        assert not [m for m in measured if re.search(rf"(?<![\d.]){re.escape(m)}(?!\d)", text)], text
        assert not [h for h in hint if h in text]


def test_exports_are_byte_identical_and_name_version_and_seeds(exported):
    base, _ = exported
    assert (base / "one" / ZIP).read_bytes() == (base / "two" / ZIP).read_bytes()
    assert {info.date_time for info in _zip(base).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    fields = {
        f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
        for f in _assessment(base).find("q:assessment", NS).iterfind("q:qtimetadata/q:qtimetadatafield", NS)
    }
    assert fields["hw6_version"] == __version__ and fields["hw6_seeds"] == " ".join(map(str, SEEDS))
    manifest = _zip(base).read("imsmanifest.xml").decode()
    assert f"hw6 {__version__}, seeds 0 1 2" in manifest


@pytest.mark.parametrize(
    "args, fragment",
    [
        ((), "give --variants N or --manifest CSV"),
        (("--variants", "2", "--manifest", "m.csv"), "give --variants N or --manifest CSV"),
        (("--variants", "501"), "expected a number of variants from 1 to 500, got '501'"),
        (("--variants", "0"), "expected a number of variants from 1 to 500, got '0'"),
    ],
)
def test_bad_options_are_one_line_errors(capsys, tmp_path, args, fragment):
    try:
        code = main(["export", "qti", "--out", str(tmp_path / "out"), *args])
    except SystemExit as usage:  # argparse's own errors
        code = usage.code
    err = capsys.readouterr().err
    assert code == 2 and re.match(r"hw6( export qti)?: error: ", err) and fragment in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_range_bounds_follow_canvas_rounding():
    assert math.ceil(Fraction("0.01") * 10**4) - 1 == 99  # 0.0099: the last 4-decimal number below 0.01


def test_a_batch_manifest_exports_its_distinct_variants(tmp_path, capsys, session_cache, small_batch):
    import csv

    cache = session_cache
    manifest = copy_of_batch(small_batch, tmp_path / "batch")  # the test edits a variant's parameters

    def export(out: Path) -> int:
        return main(
            [str(a) for a in ("export", "qti", "--manifest", manifest, "--out", out / ZIP, "--cache-dir", cache)]
        )

    assert export(tmp_path / "out") == 0
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seeds = sorted(int(row["seed"]) for row in rows)
    archive = _zip(tmp_path, "out")
    name = next(n for n in archive.namelist() if n.endswith(".xml") and "/" in n and "meta" not in n)
    titles = [item.get("title") for item in ET.fromstring(archive.read(name)).iter(f"{{{NS['q']}}}item")]
    assert sorted(int(t.rsplit(" ", 1)[1]) for t in titles if t.startswith("Problem 6 (c)")) == seeds

    changed = tmp_path / "batch" / rows[0]["folder"] / "params.json"
    changed.write_text(changed.read_text(encoding="utf-8") + " ", encoding="utf-8")  # edited since the batch
    assert export(tmp_path / "again") == 2 and not (tmp_path / "again").exists()
    assert "changed since the batch" in capsys.readouterr().err


def test_the_differences_the_readme_states_are_real(exported, graders):
    """Canvas splits a question's points over its blanks, and rounds a typed number to 4 decimals."""
    base, keys = exported
    items = _items(base)
    parts = keys[SEEDS[0]]
    item = items[f"Problem 3 (a)-(c), variant {SEEDS[0]}"]
    key = _submissions(item, parts)[0][0]
    partly = {blank: text if _part(blank) == "3a" else _last_digit_up(text) for blank, text in key.items()}
    blanks = len(_blank_names(item))
    hidden = sum(_part(blank) == "3a" for blank in key)
    assert (
        hw6_score(graders[SEEDS[0]], partly) == 1
        and canvas_blanks_score(item, partly) == Fraction(3 * hidden, blanks) != 1
    )
    question = items[f"Problem 3 (k), {parts['3k']['order'][0]}"]
    near = str(Decimal(str(parts["3k"]["below"][0])) - Decimal("0.00001"))  # below the target, rounds up to it
    assert canvas_range_score(question, near) == 0
    assert grade_answer(compile_key(parts), "3k", [near, str(parts["3k"]["value"][1])]).status == "correct"
