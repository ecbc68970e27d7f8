"""The Gradescope autograder end to end: export the zip, unpack it into a temporary
AUTOGRADER_ROOT, run its setup.sh into a fresh virtual environment (once per session), then
run_autograder on submissions, checking every results.json against the specification's schema."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from solver.engine.kinds import is_graded
from solver.kernel.problem import BuildContext
from solver.variants.batch import run_batch

from .conftest import ROOT, SKIP_NAMES

SCHEMA = json.loads((ROOT / "tests" / "data" / "gradescope_results.schema.json").read_text(encoding="utf-8"))
ROSTER = "id,name,email,sid\nann,Ann A,ann@uni.edu,1001\nbob,Bob B,bob@uni.edu,1002\ncat,Cat C,cat@uni.edu,1003\n"
TYPES = {"object": dict, "array": list, "string": str, "number": (int, float), "boolean": bool}


def schema_errors(value, schema, where="results") -> list[str]:
    """The JSON-Schema subset the fixture uses: type, enum, minimum, properties, required, items."""
    errors = []
    types = schema.get("type")
    if types is not None:
        wanted = tuple(t for name in ([types] if isinstance(types, str) else types) for t in _types(name))
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            return [f"{where}: expected {types}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        errors.append(f"{where}: {value} is below {schema['minimum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: {key!r} is not a field of the specification")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{index}]")
    return errors


def _types(name: str) -> tuple:
    found = TYPES[name]
    return found if isinstance(found, tuple) else (found,)


def test_the_schema_check_can_fail():
    assert schema_errors({"score": 1, "tests": []}, SCHEMA) == []
    bad = {"score": -1, "tests": [{"visibility": "secret", "score": "1", "answer": 3}], "stdout_visibility": 1}
    errors = schema_errors(bad, SCHEMA)
    assert len(errors) == 5, errors


def fill(template: str, parts: dict) -> str:
    """The template with each part's key value after its colon (JSON is YAML)."""
    lines = []
    for line in template.splitlines():
        if line and not line.startswith("#"):
            label = line.split(":   #")[0]
            part_id = json.loads(label) if label.startswith('"') else label
            line = f"{label}: {json.dumps(parts[part_id]['value'])}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def pasted(parts: dict) -> dict[str, str]:
    """Each numeric, list and sequence part's key as a student pastes it from a notebook (issue 27):
    NumPy rows, torch prints to 4 decimals, MATLAB rows, edges one per semicolon, beam hypotheses with
    arrows. Parts whose key has no such form (a family of solutions) keep the key's JSON."""
    forms: dict[str, str] = {}
    for part_id, spec in parts.items():
        kind, value = spec["kind"], spec["value"]
        if kind == "numbers" and "min_digits" in spec:
            forms[part_id] = "tensor([" + ", ".join(f"{float(v):.4f}" for v in spec["exact"]) + "])"
        elif kind == "vector" and isinstance(value, list):
            forms[part_id] = "[" + "  ".join(str(v) for v in value) + "]"
        elif kind == "matrix":
            forms[part_id] = "[" + "; ".join(" ".join(str(v) for v in row) for row in value) + "]"
        elif kind == "expr_list":
            forms[part_id] = "; ".join(value)
        elif kind == "sequences":
            forms[part_id] = ", ".join(" → ".join(entry["sequence"]) for entry in value)
    return forms


def fill_pasted(template: str, parts: dict) -> str:
    """The template filled with :func:`pasted` forms (quoted as YAML strings), else the key's JSON."""
    forms = pasted(parts)
    lines = []
    for line in template.splitlines():
        if line and not line.startswith("#"):
            label = line.split(":   #")[0]
            part_id = json.loads(label) if label.startswith('"') else label
            given = (
                json.dumps(forms[part_id], ensure_ascii=False)
                if part_id in forms
                else json.dumps(parts[part_id]["value"])
            )
            line = f"{label}: {given}"
        lines.append(line)
    return "\n".join(lines) + "\n"


class Autograder:
    """An unpacked autograder with its venv; each ``run`` grades one submission in a fresh root."""

    def __init__(self, zip_path: Path, base: Path, venv: Path | None = None):
        self.zip_path, self.base, self.runs = zip_path, base, 0
        self.source = base / "source"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(self.source)
        for script in ("setup.sh", "run_autograder"):
            (self.source / script).chmod(0o755)
        self.config = json.loads((self.source / "config.json").read_text())
        if venv is None:
            setup = subprocess.run(
                ["bash", str(self.source / "setup.sh")],
                env={**os.environ, "AUTOGRADER_ROOT": str(base), "PYTHON": sys.executable},
                capture_output=True,
                text=True,
            )
            assert setup.returncode == 0, setup.stdout + setup.stderr
            venv = base / "hw6-venv"
        self.venv = venv
        self.cache = base / "hw6-cache"

    def run(
        self,
        files: dict[str, bytes | str],
        users: list[dict] | None = None,
        *,
        source: Path | None = None,
        links: dict[str, Path] | None = None,
        fifos: tuple[str, ...] = (),
    ):
        self.runs += 1
        root = self.base / f"run{self.runs}"
        (root / "submission").mkdir(parents=True)
        for name, target in (links or {}).items():
            (root / "submission" / name).symlink_to(target)
        for name in fifos:
            os.mkfifo(root / "submission" / name)
        (root / "source").symlink_to(source or self.source)
        (root / "hw6-venv").symlink_to(self.venv)
        if self.cache.exists():
            (root / "hw6-cache").symlink_to(self.cache)
        for name, content in files.items():
            target = root / "submission" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)
        metadata = {"id": 1, "users": users if users is not None else [{"email": "x@uni.edu", "id": 7, "name": "X"}]}
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
        done = subprocess.run(
            [str(self.source / "run_autograder")],
            cwd=root,
            env={"AUTOGRADER_ROOT": str(root), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        results = json.loads((root / "results" / "results.json").read_text())
        assert schema_errors(results, SCHEMA) == []
        assert not [t for t in results["tests"] if t.get("visibility") == "hidden"]  # would hide the total
        assert results["stdout_visibility"] == "hidden"
        return results, done.stdout


#: What needs the real autograder (its setup.sh makes a virtual environment, installs hw6's wheel and
#: its grading dependencies, and verifies every shipped key): the export solves every variant once.
autograder_setup = pytest.mark.slow


@pytest.fixture(scope="session")
def batch(tmp_path_factory, session_cache):
    base = tmp_path_factory.mktemp("batch")
    roster = base / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    run_batch(roster, base / "out", pdf=False, context=BuildContext(cache_dir=session_cache), progress=False)
    return base / "out"


def export(*args) -> int:
    from solver.cli import main

    return main(["export", "gradescope", *map(str, args)])


@pytest.fixture(scope="session")
def graders(batch, tmp_path_factory, session_cache):
    """The batch's autograder (set up into a fresh venv) and the homework's, sharing that venv."""
    base = tmp_path_factory.mktemp("autograder")
    cache = session_cache
    assert export("--manifest", batch / "manifest.csv", "--out", base / "roster.zip", "--cache-dir", cache) == 0
    assert export("--out", base / "homework.zip", "--cache-dir", cache) == 0
    roster = Autograder(base / "roster.zip", base / "roster")
    homework = Autograder(base / "homework.zip", base / "homework", venv=roster.venv)
    homework.cache = roster.cache
    return roster, homework


def total(parts: dict) -> float:
    return sum(spec["points"] for spec in parts.values() if is_graded(spec["kind"]))


def student(batch: Path, student_id: str) -> tuple[str, dict]:
    folder = batch / student_id
    key = json.loads((folder / "answers.json").read_text())
    return (folder / "answers-template.yaml").read_text(), key["parts"]


USERS = {
    "ann": [{"email": "someone@else.org", "sid": "1001", "id": 11, "name": "Ann"}],  # by sid
    "bob": [{"email": "Bob@Uni.edu", "id": 12, "name": "Bob"}],  # by email
    "cat": [{"email": "", "sid": "cat", "id": 13, "name": "Cat"}],  # by id
}


@autograder_setup
@pytest.mark.parametrize("who", ["ann", "bob", "cat"])
def test_answers_pasted_from_the_notebook_score_full_marks(graders, batch, who):
    """NumPy, torch and MATLAB prints, edges split by semicolons, hypotheses with arrows (issue 27)."""
    roster, _ = graders
    template, parts = student(batch, who)
    assert {"3a", "3b", "3c", "1d.edges", "6c"} <= set(pasted(parts))
    results, _ = roster.run({"answers-template.yaml": fill_pasted(template, parts)}, USERS[who])
    assert results["score"] == total(parts) > 0, [t for t in results["tests"] if t["score"] != t["max_score"]]


@autograder_setup
@pytest.mark.parametrize("who", ["ann", "bob", "cat"])
def test_each_variant_students_filled_template_scores_full_marks(graders, batch, who):
    roster, _ = graders
    template, parts = student(batch, who)
    results, _ = roster.run({"answers-template.yaml": fill(template, parts)}, USERS[who])
    assert results["score"] == total(parts) > 0
    seed = next(line for line in (batch / "manifest.csv").read_text().splitlines() if line.startswith(who + ","))
    assert str(results["extra_data"]["seed"]) in seed and results["extra_data"]["version"]
    graded = [t for t in results["tests"] if t["max_score"] > 0]
    assert graded and all(t["status"] == "passed" for t in graded)
    staff = [t for t in results["tests"] if t["max_score"] == 0]
    assert staff and all("course staff" in t["output"] for t in staff)


@autograder_setup
def test_the_homework_template_scores_full_marks(graders, tmp_path, run_cli):
    _, homework = graders
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", tmp_path, "--cache-dir", homework.cache)[0] == 0
    parts = json.loads((tmp_path / "answers.json").read_text())["parts"]
    filled = fill((tmp_path / "answers-template.yaml").read_text(), parts)
    results, _ = homework.run({"answers.yaml": filled})
    assert results["score"] == total(parts) > 0


@autograder_setup
def test_a_modelled_mistake_gets_its_feedback_and_never_the_answer(graders, batch):
    roster, _ = graders
    template, parts = student(batch, "ann")
    mistake = parts["1b"]["mistakes"][0]
    filled = fill(template, parts).replace(f"1b: {json.dumps(parts['1b']['value'])}", f"1b: {mistake['value']}")
    results, _ = roster.run({"a.yaml": filled}, USERS["ann"])
    test = next(t for t in results["tests"] if t["name"].startswith("1b:"))
    assert test["score"] == 0 and test["status"] == "failed" and mistake["feedback"] in test["output"]
    assert results["score"] == total(parts) - parts["1b"]["points"]
    assert parts["1b"]["value"] not in json.dumps(results)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"answers.yaml": ""}, "is empty"),
        ({"a.yaml": "1b: w\n", "b.json": "{}"}, "More than one answers file"),
        ({"answers.yaml": b"\xff\xfe\x00garbage\x80"}, "cannot be read"),
        ({"notes.txt": "my answers"}, "No answers file"),
        ({}, "No answers file"),
    ],
)
@autograder_setup
def test_an_unusable_submission_scores_zero_with_a_visible_reason(graders, batch, files, expected):
    roster, _ = graders
    _, parts = student(batch, "ann")
    results, _ = roster.run(files, USERS["ann"])
    assert results["score"] == 0 and expected in results["output"]
    (test,) = results["tests"]
    assert test["visibility"] == "visible" and expected in test["output"]
    assert test["max_score"] == total(parts)  # 0 out of the assignment's points


@autograder_setup
def test_a_student_missing_from_the_roster(graders):
    roster, _ = graders
    results, _ = roster.run({"a.yaml": "1b: w\n"}, [{"email": "stranger@uni.edu", "id": 99, "name": "S"}])
    assert results["score"] == 0 and results["tests"][0]["name"] == "Roster"
    assert "stranger@uni.edu" in results["output"]


@autograder_setup
def test_a_group_is_graded_as_its_first_member(graders, batch):
    roster, _ = graders
    template, parts = student(batch, "bob")
    users = USERS["bob"] + USERS["ann"]
    results, _ = roster.run({"answers-template.yaml": fill(template, parts)}, users)
    assert results["score"] == total(parts) and "Group submission" in results["output"]
    with (batch / "manifest.csv").open(encoding="utf-8") as manifest:
        seeds = {row["student_id"]: int(row["seed"]) for row in csv.DictReader(manifest)}
    assert results["extra_data"]["seed"] == seeds["bob"] != seeds["ann"]  # bob's variant, not ann's


@autograder_setup
def test_hostile_and_malformed_answers_are_invalid_and_the_rest_is_graded(graders, batch):
    roster, _ = graders
    template, parts = student(batch, "ann")
    filled = fill(template, parts).replace(f"1b: {json.dumps(parts['1b']['value'])}", "1b: " + "(" * 5000 + "w")
    filled = filled.replace(f"2e: {json.dumps(parts['2e']['value'])}", "2e: 9**9**9**9**9")
    filled += "zz: [1, 2]\n"
    results, _ = roster.run({"a.yaml": filled}, USERS["ann"])
    tests = {t["name"].split(":")[0]: t for t in results["tests"]}
    assert tests["1b"]["output"].startswith("invalid") and tests["2e"]["output"].startswith("invalid")
    assert "Format check of a.yaml: problems found" in results["output"] and "'zz'" in results["output"]
    assert results["score"] == total(parts) - parts["1b"]["points"] - parts["2e"]["points"]


@autograder_setup
def test_an_internal_failure_still_writes_results(graders, tmp_path):
    roster, _ = graders
    broken = tmp_path / "source"
    shutil.copytree(roster.source, broken)
    params = broken / "variants" / "ann" / "params.json"
    params.write_text(params.read_text().replace('"steps": ', '"steps": 1'), encoding="utf-8")
    results, stdout = roster.run({"a.yaml": "1b: w\n"}, USERS["ann"], source=broken)
    assert results["tests"][0]["name"] == "autograder error" and results["score"] == 0
    assert "Traceback" in stdout and "digest" in stdout


@autograder_setup
def test_the_zip_is_deterministic_and_ships_each_variants_checked_key(graders, batch, tmp_path, session_cache):
    """The zip holds each variant's key (Gradescope never shows an autograder's files to students, so
    it is as hidden as the parameters) with its SHA-256 in the manifest; it holds no student's answers
    file or template, and the keys are the batch's."""
    roster, _ = graders
    again = tmp_path / "again.zip"
    assert export("--manifest", batch / "manifest.csv", "--out", again, "--cache-dir", session_cache) == 0
    assert again.read_bytes() == roster.zip_path.read_bytes()
    with zipfile.ZipFile(again) as archive:
        names = archive.namelist()
        assert names[:2] == ["setup.sh", "run_autograder"] and not [n for n in names if "answers" in n]
        manifest = archive.read("variants/manifest.csv").decode()
        keys = {who: archive.read(f"variants/{who}/key.json") for who in USERS}
    assert manifest.splitlines()[0] == "student_id,email,sid,params,params_sha256,key_sha256,points"
    assert "ann,ann@uni.edu,1001,ann/params.json," in manifest
    for who, text in keys.items():
        row = next(r.split(",") for r in manifest.splitlines() if r.startswith(f"{who},"))
        assert hashlib.sha256(text).hexdigest() == row[5]
        assert json.loads(text)["parts"] == student(batch, who)[1]


def test_the_autograder_imports_no_build_problem_or_notebook():
    """Gradescope's venv has hw6's wheel and its grading dependencies only: grading never solves."""
    probe = textwrap.dedent(
        """
        import importlib.abc, json, sys

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "nbformat", "nbclient", "jupyter_client", "matplotlib", "jinja2"):
                    raise ImportError(f"blocked: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import solver.export.autograder
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("solver."))))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    forbidden = ("solver.build", "solver.problems", "solver.notebooks", "solver.nn", "solver.grading.keycache")
    assert not [m for m in loaded if m.startswith(forbidden)], loaded


def test_validate_checks_format_without_revealing_answers(run_cli, tmp_path):
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", tmp_path / "b")[0] == 0
    parts = json.loads((tmp_path / "b" / "answers.json").read_text())["parts"]
    template = (tmp_path / "b" / "answers-template.yaml").read_text()
    empty, filled, bad = tmp_path / "empty.yaml", tmp_path / "filled.yaml", tmp_path / "bad.yaml"
    empty.write_text(template)
    filled.write_text(fill(template, parts))
    wrong_but_well_formed = fill(template, parts).replace(f"1b: {json.dumps(parts['1b']['value'])}", "1b: w + 1")
    bad.write_text(wrong_but_well_formed.replace("6b: [", "6b: [7, ") + "1q: w\n")
    code, out, _ = run_cli("validate", empty)
    assert code == 0 and "valid (0 of" in out
    code, out, _ = run_cli("validate", filled)
    assert code == 0 and "valid" in out and "not valid" not in out
    code, out, _ = run_cli("validate", bad)
    assert code == 1 and "6b: expected 3 entries, got 4" in out and "'1q'" in out and "1b" not in out
    assert json.dumps(parts["6b"]["value"])[1:-1] not in out


def test_run_autograder_without_its_venv_still_writes_results(tmp_path):
    script = ROOT / "solver" / "export" / "scripts" / "run_autograder"
    done = subprocess.run(["bash", str(script)], env={"AUTOGRADER_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"})
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert done.returncode == 0 and schema_errors(results, SCHEMA) == []
    assert results["tests"][0]["name"] == "autograder error" and results["score"] == 0


def test_the_batch_manifest_carries_email_and_sid(batch):
    header, first = (batch / "manifest.csv").read_text().splitlines()[:2]
    assert header.endswith(",email,sid") and first.endswith(",ann@uni.edu,1001")


def test_validate_finds_a_students_variant_in_the_manifest(run_cli, batch, tmp_path, session_cache):
    template, parts = student(batch, "bob")
    answers = tmp_path / "bob.yaml"
    answers.write_text(fill(template, parts))
    code, out, _ = run_cli("validate", answers, "--manifest", batch / "manifest.csv", "--cache-dir", session_cache)
    assert code == 0 and "valid" in out
    wrong_variant = tmp_path / "cat.yaml"
    wrong_variant.write_text(fill(template, parts))  # bob's answers against cat's variant
    by_manifest = run_cli("validate", wrong_variant, "--manifest", batch / "manifest.csv")
    cat_seed = next(r.split(",")[3] for r in (batch / "manifest.csv").read_text().splitlines() if r.startswith("cat,"))
    by_seed = run_cli("validate", wrong_variant, "--seed", cat_seed)
    assert by_manifest == by_seed
    ghost = tmp_path / "ghost.yaml"  # nobody of that name in the manifest: no variant to check against
    ghost.write_text(fill(template, parts))
    code, _, err = run_cli("validate", ghost, "--manifest", batch / "manifest.csv")
    assert code == 2 and "'ghost'" in err


RIGHT_ELSEWHERE = "right-answers.yaml"


@pytest.mark.parametrize(
    "links",
    [
        {"answers.yaml": Path("/etc/passwd")},
        {"answers.yaml": "RIGHT"},  # a file of right answers elsewhere on the machine
        {"answers.yml": Path("/etc")},
        {"mine": "RIGHT_FOLDER"},  # a linked folder holding the right answers
        {"answers.json": Path("/nonexistent/answers.json")},
    ],
)
@autograder_setup
def test_a_link_in_the_submission_is_refused_and_nothing_it_points_to_is_read(graders, batch, tmp_path, links):
    roster, _ = graders
    template, parts = student(batch, "ann")
    (tmp_path / RIGHT_ELSEWHERE).write_text(fill(template, parts), encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "answers.yaml").write_text(fill(template, parts), encoding="utf-8")
    where = {"RIGHT": tmp_path / RIGHT_ELSEWHERE, "RIGHT_FOLDER": tmp_path / "folder"}
    results, _ = roster.run({}, USERS["ann"], links={n: where.get(str(t), t) for n, t in links.items()})
    assert results["score"] == 0 and "(a link)" in results["output"] and "root:" not in json.dumps(results)
    (test,) = results["tests"]
    assert test["name"] == "Answers file" and test["max_score"] == total(parts)


@autograder_setup
def test_a_fifo_in_the_submission_is_refused_without_waiting_on_it(graders, batch):
    roster, _ = graders
    template, parts = student(batch, "ann")
    results, _ = roster.run({"notes.yaml": fill(template, parts)}, USERS["ann"], fifos=("answers.yaml",))
    assert results["score"] == 0 and "answers.yaml (not a regular file)" in results["output"]


@pytest.mark.parametrize(
    "name",
    [
        "<img src=x onerror=alert(1)>.txt",
        "<script>alert(1)<\\script>.txt",
        "a&amp;<b>bold<\\\\b>.txt",
        "line\nbreak<i>.txt",
        b"\xff\xfe<u>bytes<\\u>.txt",
    ],
)
@autograder_setup
def test_a_file_name_is_shown_escaped(graders, batch, tmp_path, name):
    roster, _ = graders
    file = os.fsdecode(name) if isinstance(name, bytes) else name
    results, _ = roster.run({file: "not answers"}, USERS["ann"])
    shown = results["output"] + results["tests"][0]["output"]
    assert "No answers file" in shown and "<" not in shown and "&lt;" in shown
    assert "\n" not in results["tests"][0]["output"]


@autograder_setup
def test_an_answers_file_named_like_html_is_graded_and_its_name_escaped(graders, batch):
    roster, _ = graders
    template, parts = student(batch, "ann")
    results, _ = roster.run({"<script>alert(1)<\\script>.yml": fill(template, parts)}, USERS["ann"])
    assert results["score"] == total(parts)
    assert "Format check of &lt;script&gt;alert(1)&lt;\\script&gt;.yml: valid." in results["output"]
    assert "<script>" not in json.dumps(results)


@pytest.mark.parametrize(
    "user",
    [
        {"email": "<img src=x onerror=alert(1)>@x.edu", "id": 98},
        {"email": "", "name": "<script>alert(1)</script>", "id": 97},
    ],
)
@autograder_setup
def test_an_unknown_submitters_address_is_shown_escaped(graders, user):
    roster, _ = graders
    results, _ = roster.run({"a.yaml": "1b: w\n"}, [user])
    assert results["tests"][0]["name"] == "Roster" and "&lt;" in results["output"]
    assert "<" not in results["output"] + results["tests"][0]["output"]


@autograder_setup
def test_a_group_members_name_is_shown_escaped(graders, batch):
    roster, _ = graders
    template, parts = student(batch, "bob")
    users = [{**USERS["bob"][0], "name": "<b>Bob</b>"}, *USERS["ann"]]
    results, _ = roster.run({"answers-template.yaml": fill(template, parts)}, users)
    assert results["score"] == total(parts) and "&lt;b&gt;Bob&lt;/b&gt;" in results["output"]


def test_the_answers_file_is_opened_without_following_a_link(tmp_path):
    """A link swapped in after the submission was listed is refused when it is opened."""
    from solver.export.autograder import Refused, read_answers

    (tmp_path / "right.yaml").write_text("1b: w\n", encoding="utf-8")
    (tmp_path / "answers.yaml").symlink_to(tmp_path / "right.yaml")
    with pytest.raises(Refused, match="cannot be read"):
        read_answers(tmp_path / "answers.yaml")
    assert read_answers(tmp_path / "right.yaml") == {"1b": "w"}


# --------------------------------------------------------------------------- the code submission (Problem 4's log)


@pytest.fixture(scope="session")
def code_grader(graders, tmp_path_factory):
    """A zip exported with the surnames (a tiny folder, a small network): it grades submission_log.json too."""
    from .test_code_log import make_log
    from .test_names_classifier import SMALL_YAML, tiny_folder

    roster, _ = graders
    base = tmp_path_factory.mktemp("code-grader")
    names = tiny_folder(base / "names")
    params = base / "p.yaml"
    params.write_text(SMALL_YAML + "  autograder: {accuracy: 0.5, balanced_accuracy: 0.75}\n", encoding="utf-8")
    cache = base / "cache"
    zip_path = base / "code.zip"
    assert export("--params", params, "--names-dir", names, "--out", zip_path, "--cache-dir", cache) == 0
    grader = Autograder(zip_path, base / "grader", venv=roster.venv)
    code = json.loads((grader.source / "variants" / "code_submission.json").read_text())
    right = [[name, listed[0]] for name, listed in code["test"]]
    log = make_log(right, fingerprint=code["data"]["fingerprint"], languages=code["data"]["languages"])
    return grader, code, log, {"params": params, "names": names, "cache": cache}


@autograder_setup
def test_a_log_alone_is_graded_without_a_roster_row(code_grader):
    grader, code, log, _ = code_grader
    assert grader.config["code_submission"]["points"] == code["points"] == 1
    stranger = [{"email": "stranger@uni.edu", "id": 99, "name": "S"}]
    results, _ = grader.run({"submission_log.json": json.dumps(log)}, stranger)
    (test,) = results["tests"]
    assert test["name"].startswith("4.code: ") and test["status"] == "passed"
    assert results["score"] == test["score"] == test["max_score"] == 1
    assert "both thresholds met" in test["output"] and "Code submission submission_log.json" in results["output"]
    half = json.loads(json.dumps(log))
    half["predictions"] = [[name, "Japanese"] for name, _ in code["test"]]  # accuracy met, balanced not
    results, _ = grader.run({"my_run.json": json.dumps(half)})  # a log under another name
    (test,) = results["tests"]
    assert test["score"] == 0.5 and test["status"] == "failed" and "one threshold of two met" in test["output"]


@autograder_setup
def test_answers_and_a_log_are_graded_together(code_grader, run_cli, tmp_path):
    grader, code, log, given = code_grader
    built = run_cli(
        "build", "--no-pdf", "--params", given["params"], "--names-dir", given["names"],
        "--out", tmp_path, "--cache-dir", given["cache"],
    )  # fmt: skip
    assert built[0] == 0, built[2]
    answers = json.loads((tmp_path / "answers.json").read_text())
    assert answers["code_submission"] == code  # the zip's test set is the build's
    filled = fill((tmp_path / "answers-template.yaml").read_text(), answers["parts"])
    results, _ = grader.run({"answers.yaml": filled, "submission_log.json": json.dumps(log)})
    assert results["score"] == total(answers["parts"]) + 1
    names = [t["name"].split(":")[0] for t in results["tests"]]
    assert names.index("4.code") == names.index("4a") + 1


@autograder_setup
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{oops", "submission_log.json: not valid JSON (line 1, column 2"),
        (b'{"format": 2, "predictions": []}', "format: expected 3 (the notebook's submission log), got 2"),
        (b"[" * 100_000, "nested more than 40 levels deep"),
        (b'{"format": NaN}', "holds NaN"),
    ],
)
def test_a_hostile_log_is_one_line_in_a_results_file(code_grader, content, fragment):
    grader, _, _, _ = code_grader
    results, stdout = grader.run({"submission_log.json": content})
    (test,) = results["tests"]
    assert results["score"] == 0 and test["status"] == "failed" and fragment in test["output"]
    assert "Traceback" not in stdout


@autograder_setup
def test_a_log_linked_in_is_not_read(code_grader, tmp_path):
    grader, _, log, _ = code_grader
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(log))
    results, _ = grader.run({}, links={"submission_log.json": target})
    assert results["score"] == 0 and "not plain files" in results["tests"][0]["output"]


@autograder_setup
def test_a_zip_without_the_test_set_refuses_a_log_in_one_line(graders, code_grader):
    _, homework = graders
    _, _, log, _ = code_grader
    results, _ = homework.run({"submission_log.json": json.dumps(log)})
    (test,) = results["tests"]
    assert test["name"] == "Code submission" and "grades the written answers only" in test["output"]
