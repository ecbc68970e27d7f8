"""Grading the code submission: the ``submission_log.json`` Problem 4's notebook writes.

The student hands in a log of their own training run (format 3, described in the
problem's ``log`` module and agreed with the notebook). The grader trusts none of
its numbers: it recomputes the accuracy and the balanced accuracy from the log's
``predictions`` (one ``[name, language]`` per test name) against the test set of
the answer key's ``code_submission`` section, and scores them against the staff's
thresholds. Reported figures (``final``) are only shown beside the recomputed ones.

Scoring: full points when both thresholds are met, half when exactly one is, none
otherwise; a log trained on other data or another split (its fingerprint or split
seed differ from the key's) scores nothing, since its predictions are not for the
key's test names. Everything is exact: accuracies are fractions of counts compared
with the thresholds as decimals.

Stdlib only: this runs inside the Gradescope autograder, which installs no torch
and must not need NumPy for it. Nothing here raises on a student's file: every
problem is one line (:class:`LogError`) or a line of feedback.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypedDict

from .verdicts import CORRECT, EXACT, INCORRECT, INVALID, Verdict

LOG_FORMAT = 3
MAX_LOG_BYTES = 5 * 2**20  # the agreed limit: a log of ~2,000 test names is ~100 KB
MAX_DEPTH = 40  # nesting of a log's JSON; the notebook's is 4 deep
MAX_PREDICTIONS = 100_000
EXAMPLES = 3  # names quoted per kind of problem
REPORTED_TOLERANCE = 0.0005  # a reported figure further than this from the recomputed one is shown
LOG_TITLE = "The code submission (submission_log.json)"


class CodeData(TypedDict):
    fingerprint: str  # SHA-256 of the normalised names, labels and languages
    split_seed: int
    languages: list[str]  # the data's languages, in its order


class CodeThresholds(TypedDict):
    accuracy: float
    balanced_accuracy: float


class CodeKey(TypedDict):
    """answers.json's ``code_submission``: what a log is graded against."""

    part: str  # the id its result is reported under (and its points set with)
    title: str
    points: float
    format: int  # of the log it grades
    data: CodeData
    test: list[list[Any]]  # [name, [languages...]]: each test name, the language it is counted under first
    thresholds: CodeThresholds


class LogError(Exception):
    """A log that cannot be graded at all: one line saying why."""


def is_log(data: Any) -> bool:
    """Whether a JSON value read from a submission is a training log rather than written answers:
    an object with the log's ``predictions`` or ``log`` field (neither is a part id)."""
    return isinstance(data, Mapping) and ("predictions" in data or "log" in data)


def read_log(path: str | os.PathLike) -> tuple[dict[str, Any], list[str]]:
    """A log file's JSON object and notes on what was forgiven (a byte-order mark).

    Refused with one line (:class:`LogError`): a link or anything but a regular file (never
    followed: it could point at any file), more than :data:`MAX_LOG_BYTES`, text that is not
    UTF-8 or not JSON, NaN or Infinity, a key given twice, nesting deeper than :data:`MAX_DEPTH`,
    or JSON that is not an object."""
    path = Path(path)
    name = path.name
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise LogError(f"{name}: a link, not a file; not read (upload the file itself)")
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LogError(f"{name}: no such file") from None
    except OSError as error:
        raise LogError(f"{name}: cannot be read ({error.strerror or error})") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise LogError(f"{name}: not a regular file; not read")
        raw = handle.read(MAX_LOG_BYTES + 1)
    return parse_log(raw, name)


def parse_log(raw: bytes, name: str = "submission_log.json") -> tuple[dict[str, Any], list[str]]:
    """:func:`read_log` on bytes already read."""
    notes = []
    if len(raw) > MAX_LOG_BYTES:
        raise LogError(f"{name}: larger than {MAX_LOG_BYTES // 2**20} MiB; the notebook's log is far smaller")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        notes.append(f"{name}: a byte-order mark at its start was ignored")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LogError(f"{name}: not UTF-8 text (byte {error.start}); upload the file the notebook wrote") from None
    if not text.strip():
        raise LogError(f"{name}: empty; upload the file the notebook's last cell wrote")
    too_deep = f"{name}: nested more than {MAX_DEPTH} levels deep; not a log the notebook wrote"
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_unique_keys)
    except LogError as error:
        raise LogError(f"{name}: {error}") from None
    except json.JSONDecodeError as error:
        raise LogError(f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:  # deeper than the parser's stack: far deeper than MAX_DEPTH
        raise LogError(too_deep) from None
    except (ValueError, MemoryError) as error:
        raise LogError(f"{name}: cannot be read as JSON ({type(error).__name__})") from None
    if _deeper_than(data, MAX_DEPTH):
        raise LogError(too_deep)
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "null"
        raise LogError(f"{name}: expected one JSON object (the notebook's log), got {_json_type(got)}")
    return data, notes


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether JSON data nests lists and objects more than ``limit`` deep (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _no_constant(name: str) -> Any:
    raise LogError(f"holds {name}, which JSON does not allow; a number must be finite")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise LogError(f"holds the number {text[:20]}, too large to be finite")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    counts = Counter(key for key, _ in pairs)
    twice = [key for key, n in counts.items() if n > 1]
    if twice:
        raise LogError(f"the key {_quoted(twice[0])} is given twice in one object")
    return dict(pairs)


def _json_type(python: str) -> str:
    return {"list": "a list", "str": "a string", "int": "a number", "float": "a number", "bool": "true or false"}.get(
        python, python
    )


@dataclass(frozen=True)
class Scores:
    """The recomputed figures of one log."""

    right: int
    total: int  # the key's test names
    per_language: dict[str, tuple[int, int]]  # language -> (right, counted): languages with test names only

    @property
    def accuracy(self) -> Fraction:
        return Fraction(self.right, self.total) if self.total else Fraction(0)

    @property
    def balanced_accuracy(self) -> Fraction:
        shares = [Fraction(right, counted) for right, counted in self.per_language.values() if counted]
        return sum(shares, Fraction(0)) / len(shares) if shares else Fraction(0)


def score_predictions(test: list[list[Any]], languages: list[str], predicted: Mapping[str, str]) -> Scores:
    """Accuracy and per-language counts of ``predicted`` (test name -> language; a name left out is wrong).

    A name is right when the predicted language is any of its languages. For the balanced accuracy
    each name is counted under the predicted language when it is one of its languages, otherwise
    under its first listed language (the key lists the one it is split under first)."""
    right = 0
    per_language = {language: [0, 0] for language in languages}
    for name, listed in test:
        guess = predicted.get(name)
        hit = guess is not None and guess in listed
        counted: str = guess if hit and guess is not None else listed[0]
        tally = per_language.setdefault(counted, [0, 0])
        tally[1] += 1
        if hit:
            right += 1
            tally[0] += 1
    kept = {language: (r, n) for language, (r, n) in per_language.items() if n}
    return Scores(right, len(test), kept)


@dataclass
class Graded:
    """A log's verdict with the lines that explain it (the first says the score's reason)."""

    verdict: Verdict
    lines: list[str] = field(default_factory=list)
    scores: Scores | None = None


def grade_log(log: Any, key: CodeKey, notes: list[str] | None = None) -> Graded:
    """The verdict on one log (already read as JSON) against the key's ``code_submission``."""
    lines = list(notes or [])
    try:
        predicted, problems = _predictions(log, key)
    except LogError as error:
        return Graded(Verdict(INVALID, Fraction(0), _joined([str(error), *lines])), [str(error), *lines])
    other = _other_data(log, key)
    if other:
        text = (
            f"{other}: the predictions are for another test set than the key's, so they cannot be graded; "
            "train on the notebook's data and split without changing them"
        )
        lines = [text, *problems, *lines]
        return Graded(Verdict(INCORRECT, Fraction(0), _joined(lines), EXACT), lines)
    scores = score_predictions(key["test"], list(key["data"]["languages"]), predicted)
    accuracy_line, accuracy_met = _against("accuracy", scores.accuracy, key["thresholds"]["accuracy"])
    balanced_line, balanced_met = _against(
        "balanced accuracy", scores.balanced_accuracy, key["thresholds"]["balanced_accuracy"]
    )
    met = accuracy_met + balanced_met
    credit = Fraction(met, 2)
    summary = {
        2: "both thresholds met",
        1: "one threshold of two met: half the points",
        0: "neither threshold met",
    }[met]
    counts = f"{scores.right} of {scores.total} test names right"
    lines = [f"{summary} ({counts})", accuracy_line, balanced_line, *problems, *_reported(log, scores), *lines]
    if met < 2:
        lines += _weakest(scores)
    status = CORRECT if met == 2 else INCORRECT
    return Graded(Verdict(status, credit, _joined(lines), EXACT), lines, scores)


def _joined(lines: list[str]) -> str:
    return "\n".join(lines)


def _predictions(log: Any, key: CodeKey) -> tuple[dict[str, str], list[str]]:
    """The log's predictions by test name, and one line per kind of problem among them."""
    if not isinstance(log, Mapping):
        raise LogError("the log is not a JSON object")
    fmt = log.get("format")
    if type(fmt) is not int or fmt != key["format"]:
        shown = "missing" if "format" not in log else _quoted(fmt)
        raise LogError(f"format: expected {key['format']} (the notebook's submission log), got {shown}")
    rows = log.get("predictions")
    if rows is None:
        raise LogError("predictions: missing; the notebook's last cell writes one [name, language] per test name")
    if not isinstance(rows, list):
        raise LogError(f"predictions: expected a list of [name, language] pairs, got {_json_type(type(rows).__name__)}")
    if len(rows) > MAX_PREDICTIONS:
        raise LogError(f"predictions: {len(rows):,} entries, more than {MAX_PREDICTIONS:,}")
    declared = _declared_languages(log)
    for index, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row)):
            raise LogError(f"predictions[{index}]: expected [name, language], two strings; got {_quoted(row)}")
    test = {name: listed for name, listed in key["test"]}
    known = set(key["data"]["languages"])
    unknown_names, unknown_languages, outside_declared = [], [], []
    seen: dict[str, str] = {}
    conflicting: list[str] = []
    repeated: list[str] = []
    for name, language in rows:
        if name not in test:
            unknown_names.append(name)
            continue
        if language not in known:
            unknown_languages.append(language)
        elif declared is not None and language not in declared:
            outside_declared.append(language)
        if name in seen:
            (repeated if seen[name] == language else conflicting).append(name)
            continue
        seen[name] = language
    ambiguous = set(conflicting)
    predicted = {name: language for name, language in seen.items() if name not in ambiguous}
    problems = []
    if unknown_names:
        problems.append(_problem(unknown_names, "name not in the test set", "names not in the test set", "ignored"))
    if conflicting:
        problems.append(
            _problem(
                conflicting,
                "test name predicted more than once, with different languages",
                "test names predicted more than once, with different languages",
                "counted wrong",
            )
        )
    if repeated:
        problems.append(
            _problem(repeated, "test name listed more than once", "test names listed more than once", "counted once")
        )
    if unknown_languages:
        problems.append(
            _problem(
                unknown_languages,
                "prediction is not a language of the data",
                "predictions are not languages of the data",
                "counted wrong",
            )
        )
    if outside_declared:
        problems.append(
            _problem(
                outside_declared, "prediction is not in data.languages", "predictions are not in data.languages", ""
            )
        )
    missing = [name for name, _ in key["test"] if name not in seen]
    if missing:
        problems.append(
            _problem(missing, "test name has no prediction", "test names have no prediction", "counted wrong")
        )
    return predicted, problems


def format_problems(log: Any) -> list[str]:
    """What makes a log ungradable against any key (``hw6 validate`` says it before a grader would):
    another format, predictions that are not [name, language] pairs, data fields missing."""
    if not isinstance(log, Mapping):
        return ["the log is not a JSON object"]
    problems = []
    fmt = log.get("format")
    if type(fmt) is not int or fmt != LOG_FORMAT:
        problems.append(f"format: expected {LOG_FORMAT}, got {'nothing' if 'format' not in log else _quoted(fmt)}")
    rows = log.get("predictions")
    if not isinstance(rows, list):
        problems.append("predictions: expected a list of [name, language] pairs")
    else:
        bad = [
            i
            for i, row in enumerate(rows)
            if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row))
        ]
        if bad:
            problems.append(f"predictions[{bad[0]}]: expected [name, language], two strings ({len(bad)} such entries)")
    data = log.get("data")
    if not isinstance(data, Mapping) or not isinstance(data.get("fingerprint"), str):
        problems.append("data.fingerprint: missing (the notebook writes the data's SHA-256)")
    split = data.get("split") if isinstance(data, Mapping) else None
    if not isinstance(split, Mapping) or type(split.get("seed")) is not int:
        problems.append("data.split.seed: missing (the notebook writes the split's seed)")
    if _declared_languages(log) is None:
        problems.append("data.languages: expected the list of the data's languages")
    return problems


def _declared_languages(log: Mapping[str, Any]) -> set[str] | None:
    data = log.get("data")
    languages = data.get("languages") if isinstance(data, Mapping) else None
    if isinstance(languages, list) and all(isinstance(x, str) for x in languages):
        return set(languages)
    return None


def _other_data(log: Mapping[str, Any], key: CodeKey) -> str:
    """Why the log's run is not on the key's data and split, or ""."""
    data = log.get("data")
    if not isinstance(data, Mapping):
        return "data: missing, so the run's data and split cannot be confirmed"
    fingerprint = data.get("fingerprint")
    if fingerprint != key["data"]["fingerprint"]:
        return (
            "data.fingerprint: missing" if fingerprint is None else "data.fingerprint differs from the key's"
        ) + " (trained on other data)"
    split = data.get("split")
    seed = split.get("seed") if isinstance(split, Mapping) else None
    if type(seed) is not int or seed != key["data"]["split_seed"]:
        shown = "missing" if seed is None else _quoted(seed)
        return f"data.split.seed is {shown}, the key's is {key['data']['split_seed']} (another split)"
    return ""


def _against(what: str, value: Fraction, threshold: float) -> tuple[str, bool]:
    """One line comparing a recomputed figure with its threshold (exactly: the threshold as a decimal)."""
    bound = Fraction(Decimal(repr(threshold)))
    met = value >= bound
    shown = f"{what} {_percent(value)}, at least {_percent(bound)} needed"
    if met:
        return f"{shown}: met", True
    return f"{shown}: short by {_percent(bound - value)}", False


def _percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def _reported(log: Mapping[str, Any], scores: Scores) -> list[str]:
    """The log's own figures, when they differ from the recomputed ones (never used to score)."""
    final = log.get("final")
    if not isinstance(final, Mapping):
        return []
    lines = []
    for field_name, value in (("accuracy", scores.accuracy), ("balanced_accuracy", scores.balanced_accuracy)):
        reported = final.get(field_name)
        if isinstance(reported, bool) or not isinstance(reported, (int, float)):
            continue
        if abs(float(reported) - float(value)) > REPORTED_TOLERANCE:
            lines.append(
                f"final.{field_name}: the log reports {float(reported):.4f}, its predictions give {float(value):.4f} "
                "(the predictions are what is graded)"
            )
    return lines


def _weakest(scores: Scores, count: int = 3) -> list[str]:
    """The languages the predictions do worst on: where to look when a threshold is missed."""
    shares = sorted(
        ((Fraction(r, n), language, r, n) for language, (r, n) in scores.per_language.items() if n),
        key=lambda item: (item[0], item[1]),
    )
    if not shares:
        return []
    worst = ", ".join(f"{language} {r}/{n}" for _, language, r, n in shares[:count])
    return [f"weakest languages (right/counted): {worst}"]


def _problem(names: list[str], one: str, many: str, effect: str) -> str:
    distinct = list(dict.fromkeys(names))  # each counted once, however often it occurs
    examples = ", ".join(_quoted(n) for n in distinct[:EXAMPLES])
    more = ", …" if len(distinct) > EXAMPLES else ""
    what = one if len(distinct) == 1 else many
    tail = f"; {effect}" if effect else ""
    return f"{len(distinct)} {what} ({examples}{more}){tail}"


def _quoted(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 40 else text[:39] + "…"


def check_key(key: Any) -> CodeKey:
    """The ``code_submission`` section as read from JSON, its shape confirmed (it is the build's own)."""
    ok = (
        isinstance(key, Mapping)
        and isinstance(key.get("part"), str)
        and isinstance(key.get("test"), list)
        and isinstance(key.get("data"), Mapping)
        and isinstance(key["data"].get("languages"), list)
        and isinstance(key.get("thresholds"), Mapping)
        and all(isinstance(row, list) and len(row) == 2 and isinstance(row[1], list) and row[1] for row in key["test"])
    )
    if not ok:
        raise ValueError("the key's code_submission section is malformed")
    return key
