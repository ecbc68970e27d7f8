"""``hw6 report`` reads what ``hw6 check --json`` writes for a class of 50,000 (issue 28): the limit
follows that size and the file is read one student at a time."""

from __future__ import annotations

import json

import pytest

from solver.analysis.results import MAX_RESULTS_BYTES, read_results
from solver.io.files import json_records, parse_structured
from solver.kernel.errors import InputFileError

from .conftest import SKIP_NAMES

CLASS_SIZE = 50_000


def record(student: str, seed: int | None = 0) -> dict:
    part = {"status": "incorrect", "score": 0, "max_score": 2, "feedback": "has the wrong sign", "mistake": 0}
    return {"student": student, "seed": seed, "parts": {"1b": part}, "score": 0, "max_score": 2}


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " \n[ ]\n",
        json.dumps([record("a"), record("b", None)]),
        json.dumps([record("a"), record("b")], indent=2) + "\n",
        json.dumps(record("one")),
        '[1, 2.50, "x", null, true, {"a": [1e3, -0.0]}]',
    ],
)
def test_records_are_what_the_whole_file_parses_to(text):
    whole = parse_structured(text, "f", json_only=True)
    records = [r for _, r in json_records(text, "f")]
    assert records == (whole if isinstance(whole, list) else [whole])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[{}, ]", "line 1: not valid JSON"),
        ('[{"a": 1}\n{"b": 2}]', "line 2: not valid JSON: Expecting ',' delimiter"),
        ('[{"a": 1}] trailing', "line 1: not valid JSON: Extra data"),
        ('{"a": 1} {"b": 2}', "line 1: not valid JSON: Extra data"),
        ('[{"a": 1},\n{"a": NaN}]', "NaN is not a number hw6 accepts"),
        ('[{"a": 1},\n{"a": ' + "9" * 5000 + "}]", "a number written with 5,000 characters"),
        ("[{}", "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_a_damaged_file_is_one_error_naming_the_line(text, fragment):
    with pytest.raises(InputFileError, match="^f: ") as raised:
        list(json_records(text, "f"))
    assert fragment in str(raised.value)


def test_the_limit_holds_a_class_of_50000_as_check_writes_it(run_cli, tmp_path):
    """One student's record as ``hw6 check --json`` prints it, every part answered wrongly (the
    longest feedback), times 50,000, with room to spare."""
    code, key, _ = run_cli("key", *SKIP_NAMES)
    parts = json.loads(key)["parts"]
    answers = tmp_path / "a-student-with-a-long-name-of-forty-chars.yaml"
    answers.write_text("".join(f'"{part}": "x + 1"\n' for part in parts), encoding="utf-8")
    code, out, _ = run_cli("check", answers, *SKIP_NAMES, "--json")
    one = json.dumps(json.loads(out), indent=2, ensure_ascii=False).encode("utf-8")
    assert CLASS_SIZE * (len(one) + 2) * 2 < MAX_RESULTS_BYTES  # twice the class, for longer ids and answers


def test_a_class_is_read_back(tmp_path):
    path = tmp_path / "class.json"
    path.write_text(json.dumps([record(f"s{i}", i % 7) for i in range(2000)], indent=1), encoding="utf-8")
    students = read_results(path)
    assert [s.student for s in students] == [f"s{i}" for i in range(2000)]
    assert students[3].seed == 3 and students[3].parts["1b"].feedback == "has the wrong sign"
