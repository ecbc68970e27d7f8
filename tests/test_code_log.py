"""The code submission's grader: submission_log.json (format 3) against the key's test set.

Accuracies are recomputed from the predictions (hypothesis: they equal a direct count, and the
balanced accuracy equals Problem 4's own NumPy evaluation); hostile logs are one line each.
"""

from __future__ import annotations

import json
import os
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.engine import code_log
from solver.engine.code_log import LogError, grade_log, parse_log, read_log, score_predictions
from solver.engine.verdicts import CORRECT, INCORRECT, INVALID

from .conftest import NAMES_DIR

LANGUAGES = ["Arabic", "English", "Irish", "Scottish", "Czech"]
TEST = [
    ["Abbas", ["Arabic"]],
    ["Nader", ["Arabic"]],
    ["Smith", ["English"]],
    ["Jones", ["English"]],
    ["Walsh", ["Irish", "English"]],
    ["Brown", ["Scottish", "English", "Irish"]],
    ["Novak", ["Czech"]],
    ["Dvorak", ["Czech"]],
]
FINGERPRINT = "ab" * 32


def make_key(test=TEST, languages=LANGUAGES, accuracy=0.75, balanced=0.6) -> code_log.CodeKey:
    return {
        "part": "4.code",
        "title": "code",
        "points": 2,
        "format": 3,
        "data": {"fingerprint": FINGERPRINT, "split_seed": 0, "languages": list(languages)},
        "test": [[name, list(listed)] for name, listed in test],
        "thresholds": {"accuracy": accuracy, "balanced_accuracy": balanced},
    }


def make_log(predictions, *, fingerprint=FINGERPRINT, seed=0, languages=LANGUAGES, final=None) -> dict:
    """A log as the notebook writes it (format 3), with these predictions."""
    return {
        "log": "hw6 submission log: character-level surname classifier (Homework 6, Problem 4)",
        "format": 3,
        "data": {
            "source": "https://download.pytorch.org/tutorial/data.zip (data/names/*.txt)",
            "fingerprint": fingerprint,
            "languages": list(languages),
            "split": {"by": "distinct name", "seed": seed, "counts": {"train": 1, "validation": 1, "test": 1}},
        },
        "config": {},
        "model": {},
        "epochs": [{"epoch": 1, "loss": 1.5}],
        "final": final or {"accuracy": 0.0, "balanced_accuracy": 0.0},
        "samples": [],
        "predictions": [list(p) for p in predictions],
    }


def right_answers(test=TEST) -> list[list[str]]:
    return [[name, listed[-1]] for name, listed in test]  # any listed language is right


# --------------------------------------------------------------------------- scoring


def test_all_right_is_full_marks_and_says_so():
    graded = grade_log(make_log(right_answers()), make_key())
    assert graded.verdict.status == CORRECT and graded.verdict.credit == 1
    assert graded.scores is not None and graded.scores.accuracy == 1 and graded.scores.balanced_accuracy == 1
    assert graded.lines[0] == "both thresholds met (8 of 8 test names right)"


def test_one_threshold_met_is_half_and_names_what_falls_short():
    predictions = right_answers()
    predictions[6] = ["Novak", "English"]  # Czech: 1 of 2
    predictions[7] = ["Dvorak", "English"]  # Czech: 0 of 2 -> accuracy 6/8 = 75% (met)
    graded = grade_log(make_log(predictions), make_key(accuracy=0.75, balanced=0.9))
    assert graded.verdict.status == INCORRECT and graded.verdict.credit == Fraction(1, 2)
    assert graded.scores is not None and graded.scores.accuracy == Fraction(3, 4)
    assert "accuracy 75.0%, at least 75.0% needed: met" in graded.lines
    # Walsh and Brown are counted under their predictions (English, Irish): no Scottish name is left
    assert graded.scores.balanced_accuracy == Fraction(3, 4)  # Arabic 1, English 1, Irish 1, Czech 0
    assert "balanced accuracy 75.0%, at least 90.0% needed: short by 15.0%" in graded.lines
    assert any(line.startswith("weakest languages (right/counted): Czech 0/2") for line in graded.lines)


def test_neither_threshold_is_zero():
    graded = grade_log(make_log([[name, "Arabic"] for name, _ in TEST]), make_key())
    assert graded.verdict.status == INCORRECT and graded.verdict.credit == 0
    assert graded.lines[0].startswith("neither threshold met (2 of 8")


def test_a_threshold_met_exactly_counts_as_met():
    predictions = right_answers()
    predictions[0] = ["Abbas", "Czech"]  # 7/8 = 0.875 exactly
    graded = grade_log(make_log(predictions), make_key(accuracy=0.875, balanced=0.0))
    assert graded.verdict.credit == 1


def test_the_reported_figures_are_shown_never_used():
    log = make_log([[name, "Arabic"] for name, _ in TEST], final={"accuracy": 0.99, "balanced_accuracy": 0.98})
    graded = grade_log(log, make_key())
    assert graded.verdict.credit == 0
    assert any("final.accuracy: the log reports 0.9900, its predictions give 0.2500" in line for line in graded.lines)


def test_a_listed_language_counts_under_itself_and_a_miss_under_the_first():
    scores = score_predictions(make_key()["test"], LANGUAGES, {"Brown": "Irish", "Walsh": "Czech"})
    assert scores.per_language["Irish"] == (1, 2)  # Brown right as Irish; Walsh wrong, counted under Irish
    assert "Scottish" not in scores.per_language  # Brown counted under its prediction: no Scottish name left


@given(st.lists(st.sampled_from([*LANGUAGES, None]), min_size=len(TEST), max_size=len(TEST)))
def test_recomputed_accuracy_equals_a_direct_count_and_numpy(guesses):
    """A direct count and Problem 4's NumPy Evaluation (one-hot probabilities) agree with the grader."""
    from solver.problems.names_classifier.evaluation import Evaluation

    predicted = {name: guess for (name, _), guess in zip(TEST, guesses, strict=True) if guess is not None}
    scores = score_predictions(make_key()["test"], LANGUAGES, predicted)
    direct = sum(1 for name, listed in TEST if predicted.get(name) in listed)
    assert scores.accuracy == Fraction(direct, len(TEST))
    labels = np.array([LANGUAGES.index(listed[0]) for _, listed in TEST])
    listed = np.zeros((len(TEST), len(LANGUAGES)), dtype=bool)
    for row, (_, names) in enumerate(TEST):
        listed[row, [LANGUAGES.index(n) for n in names]] = True
    probabilities = np.full((len(TEST), len(LANGUAGES)), 0.0)
    for row, guess in enumerate(guesses):
        if guess is None:  # no prediction: a language that is never right for that name
            wrong = next(i for i in range(len(LANGUAGES)) if not listed[row, i])
            probabilities[row, wrong] = 1.0
        else:
            probabilities[row, LANGUAGES.index(guess)] = 1.0
    evaluation = Evaluation(labels, probabilities, listed)
    assert float(scores.accuracy) == pytest.approx(evaluation.accuracy, abs=1e-12)
    assert float(scores.balanced_accuracy) == pytest.approx(evaluation.balanced_accuracy, abs=1e-12)


# --------------------------------------------------------------------------- what the predictions hold


def test_unknown_duplicate_and_missing_names_are_each_one_line():
    predictions = right_answers()[2:]  # Abbas and Nader missing
    predictions += [["Zzz", "Arabic"], ["Yyy", "Arabic"], ["Smith", "English"], ["Jones", "Irish"]]
    graded = grade_log(make_log(predictions), make_key())
    text = "\n".join(graded.lines)
    assert '2 names not in the test set ("Zzz", "Yyy"); ignored' in text
    assert '1 test name listed more than once ("Smith"); counted once' in text
    assert '1 test name predicted more than once, with different languages ("Jones"); counted wrong' in text
    assert '2 test names have no prediction ("Abbas", "Nader"); counted wrong' in text
    assert graded.scores is not None and graded.scores.right == 5  # Jones counted wrong


def test_unknown_languages_count_wrong():
    predictions = right_answers()
    predictions[0] = ["Abbas", "Klingon"]
    graded = grade_log(make_log(predictions), make_key())
    assert '1 prediction is not a language of the data ("Klingon"); counted wrong' in graded.lines
    assert graded.scores is not None and graded.scores.right == 7


def test_other_data_or_another_split_scores_zero():
    other = grade_log(make_log(right_answers(), fingerprint="cd" * 32), make_key())
    assert other.verdict.credit == 0 and other.lines[0].startswith("data.fingerprint differs from the key's")
    split = grade_log(make_log(right_answers(), seed=5), make_key())
    assert split.verdict.credit == 0 and split.lines[0].startswith("data.split.seed is 5, the key's is 0")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"format": 2}, "format: expected 3 (the notebook's submission log), got 2"),
        ({"format": True}, "format: expected 3"),
        ({"predictions": None}, "predictions: missing"),
        ({"predictions": {"Abbas": "Arabic"}}, "predictions: expected a list of [name, language] pairs, got dict"),
        ({"predictions": [["Abbas"]]}, 'predictions[0]: expected [name, language], two strings; got ["Abbas"]'),
        ({"predictions": [["Abbas", 3]]}, "predictions[0]: expected [name, language]"),
    ],
)
def test_a_malformed_log_is_invalid_with_one_line(change, fragment):
    log = make_log(right_answers())
    log.update(change)
    if change.get("predictions", 0) is None:
        del log["predictions"]
    graded = grade_log(log, make_key())
    assert graded.verdict.status == INVALID and graded.verdict.credit == 0
    assert graded.lines[0].startswith(fragment)


# --------------------------------------------------------------------------- hostile files


def write(tmp_path: Path, content: bytes, name: str = "submission_log.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "not valid JSON (line 1, column 2"),
        (b"[1, 2]", "expected one JSON object (the notebook's log), got a list"),
        (b'"text"', "got a string"),
        (b"null", "got null"),
        (b"", "empty"),
        (b'{"format": NaN}', "holds NaN, which JSON does not allow"),
        (b'{"format": -Infinity}', "holds -Infinity"),
        (b'{"format": 1e999}', "too large to be finite"),
        (b'{"format": 3, "format": 3}', 'the key "format" is given twice'),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 40 levels deep"),
        (b'{"a": ' + b"[" * 41 + b"]" * 41 + b"}", "nested more than 40 levels deep"),
        (b"\xff\xfe{}", "not UTF-8 text (byte 0)"),
        (b'{"a": "' + b"1" * (code_log.MAX_LOG_BYTES + 1) + b'"}', "larger than 5 MiB"),
    ],
)
def test_hostile_files_are_one_line(tmp_path, content, fragment):
    with pytest.raises(LogError) as raised:
        read_log(write(tmp_path, content))
    message = str(raised.value)
    assert "\n" not in message and message.startswith("submission_log.json: ") and fragment in message


def test_a_byte_order_mark_is_forgiven_with_a_note(tmp_path):
    log, notes = read_log(write(tmp_path, b"\xef\xbb\xbf" + json.dumps(make_log(right_answers())).encode()))
    assert log["format"] == 3 and notes == ["submission_log.json: a byte-order mark at its start was ignored"]
    graded = grade_log(log, make_key(), notes)
    assert graded.verdict.credit == 1 and graded.lines[-1] == notes[0]


def test_links_and_other_files_are_not_read(tmp_path):
    target = write(tmp_path, json.dumps(make_log(right_answers())).encode(), "real.json")
    link = tmp_path / "submission_log.json"
    link.symlink_to(target)
    with pytest.raises(LogError, match="a link, not a file; not read"):
        read_log(link)
    os.mkfifo(tmp_path / "fifo.json")
    with pytest.raises(LogError, match="fifo.json: not a regular file"):
        read_log(tmp_path / "fifo.json")
    with pytest.raises(LogError, match="no such file"):
        read_log(tmp_path / "absent.json")


def test_parse_log_refuses_what_read_log_refuses():
    with pytest.raises(LogError, match="got a number"):
        parse_log(b"3")


# --------------------------------------------------------------------------- the key's side


@pytest.mark.skipif(not NAMES_DIR.is_dir(), reason="shared names data set not present")
def test_the_keys_test_set_is_the_split_by_name_with_the_counted_language_first():
    from solver.problems.names_classifier.code_key import test_set_key
    from solver.problems.names_classifier.data import load_names
    from solver.problems.names_classifier.params import Params
    from solver.problems.names_classifier.training import split_of

    data, params = load_names(NAMES_DIR), Params()
    split = split_of(params.training, data)
    key = test_set_key(data, split, params)
    assert [name for name, _ in key["test"]] == [data.names[i] for i in split.test.tolist()]
    assert len({name for name, _ in key["test"]}) == len(key["test"])  # one row per distinct name
    for (name, listed), index in zip(key["test"], split.test.tolist(), strict=True):
        assert listed[0] == data.languages[data.primary[index]]
        assert sorted(listed) == sorted(data.languages[label] for label in data.listed_under[name])
    assert key["data"]["fingerprint"] == data.fingerprint() and key["data"]["split_seed"] == 0
    full = {"part": "4.code", "title": "", "points": 1, **key}
    right = [[name, listed[-1]] for name, listed in key["test"]]
    log = make_log(right, fingerprint=data.fingerprint(), languages=data.languages)
    assert grade_log(log, code_log.check_key(full)).verdict.credit == 1


def test_default_thresholds_are_no_higher_than_the_notebooks_targets():
    """A run that meets the targets the notebook prints earns full points."""
    from solver.problems.names_classifier import notebook
    from solver.problems.names_classifier.params import AutograderThresholds

    defaults = AutograderThresholds()
    assert float(defaults.accuracy) <= notebook.TARGET_ACCURACY
    assert float(defaults.balanced_accuracy) <= notebook.TARGET_BALANCED


def test_the_grader_imports_with_the_standard_library_alone():
    """It ships to the platforms' runtimes: no NumPy, SymPy, YAML or torch."""
    probe = (
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('numpy', 'sympy', 'yaml', 'torch', 'jinja2'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib.util\n"
        "spec = importlib.util.spec_from_file_location('solver.engine.code_log', sys.argv[1])\n"
        "verdicts = importlib.util.spec_from_file_location('solver.engine.verdicts', sys.argv[2])\n"
        "import types\n"
        "for name in ('solver', 'solver.engine'):\n"
        "    sys.modules[name] = types.ModuleType(name); sys.modules[name].__path__ = []\n"
        "for name, found in (('solver.engine.verdicts', verdicts), ('solver.engine.code_log', spec)):\n"
        "    module = importlib.util.module_from_spec(found); sys.modules[name] = module\n"
        "    found.loader.exec_module(module)\n"
        "print(sys.modules['solver.engine.code_log'].LOG_FORMAT)\n"
    )
    import subprocess
    import sys

    grading = Path(code_log.__file__).parent
    done = subprocess.run(
        [sys.executable, "-c", probe, str(grading / "code_log.py"), str(grading / "verdicts.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "3"


# --------------------------------------------------------------------------- hw6 check


@pytest.fixture(scope="module")
def tiny_key(tmp_path_factory) -> tuple[Path, dict]:
    """A small run on two tiny languages: its params file, names folder, cache and key's code section."""
    from solver.build.pipeline import answer_key, params_from_data, solve_all
    from solver.kernel.problem import BuildContext

    from .test_names_classifier import SMALL_YAML, tiny_folder

    base = tmp_path_factory.mktemp("code-key")
    tiny_folder(base / "names")
    text = SMALL_YAML + "  autograder: {accuracy: 0.5, balanced_accuracy: 0.75}\ngrading:\n  points: {4.code: 2}\n"
    (base / "p.yaml").write_text(text, encoding="utf-8")
    import yaml

    params = params_from_data(yaml.safe_load(text))
    context = BuildContext(cache_dir=base / "cache", data_folders={"names": base / "names"})
    key = answer_key(solve_all(params, context), None, params["grading"])
    return base, key["code_submission"]


def check_args(base: Path, answers: Path, *extra) -> list:
    options = ["--params", base / "p.yaml", "--names-dir", base / "names", "--cache-dir", base / "cache"]
    return ["check", answers, *options, *extra]


def test_the_key_has_the_code_section_only_with_the_data(tiny_key, run_cli):
    base, code = tiny_key
    assert code["part"] == "4.code" and code["points"] == 2 and code["format"] == 3  # points set like a part's
    assert code["thresholds"] == {"accuracy": 0.5, "balanced_accuracy": 0.75}  # names_classifier.autograder
    assert {language for _, listed in code["test"] for language in listed} == {"Japanese", "Russian"}
    status, out, err = run_cli("key", "--skip", "names_classifier", "--cache-dir", base / "cache")
    assert status == 0, err
    assert "code_submission" not in json.loads(out)


def test_hw6_check_grades_a_log_file(tiny_key, run_cli, tmp_path):
    base, code = tiny_key
    log = tmp_path / "submission_log.json"
    right = [[name, listed[0]] for name, listed in code["test"]]
    log.write_text(
        json.dumps(make_log(right, fingerprint=code["data"]["fingerprint"], languages=["Japanese", "Russian"]))
    )
    status, out, err = run_cli(*check_args(base, log, "--json", "--gradescope", tmp_path / "results.json"))
    assert status == 0, err
    graded = json.loads(out)["parts"]["4.code"]
    assert graded["status"] == "correct" and graded["score"] == graded["max_score"] == 2
    assert graded["feedback"].startswith(f"both thresholds met ({len(right)} of {len(right)} test names right)")
    parts = list(json.loads(out)["parts"])
    assert parts.index("4.code") == parts.index("4a") + 1  # after Problem 4's own parts
    results = json.loads((tmp_path / "results.json").read_text())
    (test,) = [t for t in results["tests"] if t["name"].startswith("4.code: ")]
    assert test["status"] == "passed" and test["score"] == 2 and "both thresholds met" in test["output"]
    log.write_bytes(b"[" * 5000)
    status, out, err = run_cli(*check_args(base, log))
    assert status == 0, err
    (row,) = [line for line in out.splitlines() if line.startswith("4.code ")]
    assert row.split()[1:3] == ["invalid", "0/2"] and "submission_log.json: nested more than 40 levels deep" in row


def test_hw6_check_joins_a_students_log_to_their_answers_in_a_class_folder(tiny_key, run_cli, tmp_path):
    base, code = tiny_key
    folder = tmp_path / "class"
    folder.mkdir()
    wrong = [[name, "Japanese"] for name, _ in code["test"]]
    log = make_log(wrong, fingerprint=code["data"]["fingerprint"], languages=["Japanese", "Russian"])
    (folder / "ann.yaml").write_text("1b: w\n")
    (folder / "ann.submission_log.json").write_text(json.dumps(log))
    (folder / "bob.json").write_text(json.dumps(log))  # a log under another name: told by its fields
    (folder / "cat.yaml").write_text("1b: w\n")  # no log
    (folder / "dan.submission_log.json").write_text("{oops")
    status, out, err = run_cli(*check_args(base, folder, "--json"))
    assert status == 0, err
    students = {s["student"]: s for s in json.loads(out)}
    assert sorted(students) == ["ann", "bob", "cat", "dan"]
    assert students["ann"]["parts"]["1b"]["status"] != "invalid"  # the answers were read too
    assert students["ann"]["parts"]["4.code"]["feedback"].startswith("one threshold of two met")
    assert students["ann"]["parts"]["4.code"]["score"] == 1  # half of 2
    assert students["bob"]["parts"]["4.code"]["score"] == 1
    assert students["cat"]["parts"]["4.code"] == {
        "status": "invalid",
        "score": 0,
        "max_score": 2,
        "feedback": "no submission_log.json handed in",
    }
    assert students["dan"]["parts"]["4.code"]["feedback"].startswith("dan.submission_log.json: not valid JSON")


def test_hw6_check_without_the_data_notes_an_ungraded_log(run_cli, tmp_path):
    log = tmp_path / "submission_log.json"
    log.write_text(json.dumps(make_log(right_answers())))
    status, out, err = run_cli("check", log, "--skip", "names_classifier", "--cache-dir", tmp_path / "cache")
    assert status == 0, err
    assert "1 submission_log.json file(s) not graded: the key has no test set" in err
    assert "4.code" not in out


@pytest.fixture(scope="module")
def real_test_set():
    if not NAMES_DIR.is_dir():
        pytest.skip("shared names data set not present")
    from solver.problems.names_classifier.code_key import test_set_key
    from solver.problems.names_classifier.data import load_names
    from solver.problems.names_classifier.params import Params
    from solver.problems.names_classifier.training import split_of

    data, params = load_names(NAMES_DIR), Params()
    split = split_of(params.training, data)
    return data, split, test_set_key(data, split, params)


@given(st.integers(0, 2**32 - 1), st.floats(0, 1))
def test_on_the_real_test_set_the_grader_agrees_with_problem_4s_evaluation(real_test_set, seed, share_right):
    """Random predictions (a share of them right, some names left out) scored by the stdlib grader and by
    the NumPy Evaluation the sheet's figures come from: the same accuracy and balanced accuracy."""
    from solver.problems.names_classifier.evaluation import Evaluation

    data, split, key = real_test_set
    rng = random.Random(seed)
    languages = list(data.languages)
    predicted, chosen = {}, []
    for name, listed in key["test"]:
        roll = rng.random()
        guess = rng.choice(listed) if roll < share_right else rng.choice(languages)
        if roll > 0.97:  # left out: wrong, counted under its first language
            guess = None
        else:
            predicted[name] = guess
        chosen.append(guess)
    scores = score_predictions(key["test"], languages, predicted)
    assert scores.right == sum(1 for (name, listed) in key["test"] if predicted.get(name) in listed)
    listed = data.listed(split.test)
    probabilities = np.zeros((len(chosen), len(languages)))
    for row, guess in enumerate(chosen):
        column = languages.index(guess) if guess is not None else int(np.flatnonzero(~listed[row])[0])
        probabilities[row, column] = 1.0
    evaluation = Evaluation(data.labels[split.test], probabilities, listed)
    assert float(scores.accuracy) == pytest.approx(evaluation.accuracy, abs=1e-12)
    assert float(scores.balanced_accuracy) == pytest.approx(evaluation.balanced_accuracy, abs=1e-12)


def test_hw6_validate_checks_a_logs_format_without_the_key(run_cli, tmp_path):
    log = tmp_path / "submission_log.json"
    log.write_text(json.dumps(make_log(right_answers())))
    status, out, _ = run_cli("validate", log)
    assert status == 0 and out.strip() == f"{log}: valid submission log (8 predictions)"
    broken = make_log([["Abbas"]])
    broken["format"] = 2
    del broken["data"]["split"]
    (tmp_path / "run.json").write_text(json.dumps(broken))  # told by its fields
    status, out, _ = run_cli("validate", tmp_path / "run.json")
    assert status == 1
    assert out.splitlines()[1:] == [
        "  format: expected 3, got 2",
        "  predictions[0]: expected [name, language], two strings (1 such entries)",
        "  data.split.seed: missing (the notebook writes the split's seed)",
    ]
    log.write_bytes(b"\xef\xbb\xbf{")
    status, out, _ = run_cli("validate", log)
    assert status == 1 and out.strip().startswith(f"{log}: not valid: submission_log.json: not valid JSON (line 1")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@given(st.binary(max_size=300))
def test_any_bytes_are_a_log_or_one_line(raw):
    try:
        log, notes = parse_log(raw)
    except LogError as error:
        assert "\n" not in str(error) and str(error).startswith("submission_log.json: ")
    else:
        assert isinstance(log, dict) and all(isinstance(n, str) for n in notes)


@given(JSON_VALUES, st.sampled_from(["format", "predictions", "data", "final"]))
def test_any_json_in_any_field_is_graded_without_raising(value, field_name):
    log = make_log(right_answers())
    log[field_name] = value
    graded = grade_log(log, make_key())
    assert graded.verdict.status in (CORRECT, INCORRECT, INVALID) and graded.lines
    assert 0 <= graded.verdict.credit <= 1
