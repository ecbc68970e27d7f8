"""Grading a class: every submission against its key, under a per-answer time limit.

Limits in the parser stop what can be recognised in advance; the time limit
stops the rest, in the worker processes of :mod:`.pool` (one pool per class,
whatever the number of variants). What needs no grader (unanswered parts,
ungraded parts, answers over the size limits) is settled here, once per part
where it is the same for everyone; an answer several students gave to the same
part of the same key is graded once (a class repeats its right answers).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .code_log import check_key, grade_log
from .feedback import NO_ANSWER
from .graders import Grader
from .keyspec import Parts, PartSpec
from .kinds import compile_part, is_graded
from .pool import Task, WorkerPool, chunked
from .verdicts import UNGRADED, Verdict, invalid

TIME_LIMIT = 2.0  # seconds per answer
# What one answer value may be before it is sent to a worker (pickling a deeper value fails,
# and str() of an integer over 4,300 digits raises): past these it is invalid without grading.
MAX_ANSWER_DEPTH = 50
MAX_ANSWER_ITEMS = 100_000
MAX_ANSWER_CHARACTERS = 4 * 2**20
MAX_INTEGER_BITS = 14_000  # about 4,200 decimal digits


@dataclass(frozen=True)
class Oversized:
    """An answer too large to keep (a CSV cell over the limit): only its size is kept."""

    characters: int


def answer_problem(value: Any) -> str | None:
    """Why an answer value cannot be graded at all, or None; never recurses, never raises."""
    if type(value) is str and len(value) <= MAX_ANSWER_CHARACTERS:  # most answers: nothing to walk
        return None
    stack, items = [(value, 0)], 0
    while stack:
        item, depth = stack.pop()
        items += 1
        if depth > MAX_ANSWER_DEPTH:
            return f"the answer is nested deeper than {MAX_ANSWER_DEPTH} levels"
        if items > MAX_ANSWER_ITEMS:
            return f"the answer has more than {MAX_ANSWER_ITEMS:,} entries"
        if isinstance(item, Oversized):
            return f"the answer is {item.characters:,} characters long; the limit is {MAX_ANSWER_CHARACTERS:,}"
        if isinstance(item, str) and len(item) > MAX_ANSWER_CHARACTERS:
            return f"the answer is {len(item):,} characters long; the limit is {MAX_ANSWER_CHARACTERS:,}"
        if isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > MAX_INTEGER_BITS:
            return "the answer holds an integer of more than 4,000 digits"
        if isinstance(item, Mapping):
            stack.extend((child, depth + 1) for pair in item.items() for child in pair)
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend((child, depth + 1) for child in item)
    return None


@dataclass
class Submission:
    """One student's answers as read from their file or CSV row (see :mod:`.submissions`)."""

    student: str
    answers: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # the whole submission is unreadable: every part is invalid with this
    seed: int | None = None  # graded against this variant's key; None: the default key
    refused: str | None = None  # one line for staff when a manifest cannot vouch for this submission
    # A code submission handed in besides the answers (Problem 4's log, see .code_log): the log
    # and notes read_log gives, or the one line why it cannot be read; None: none handed in.
    handed_in: tuple[dict[str, Any], list[str]] | str | None = None


@dataclass(frozen=True)
class PartResult:
    part: str
    status: str
    score: float
    max_score: float
    feedback: str = ""
    method: str = ""  # how the verdict was reached (see verdicts.py)
    mistake: int | None = None  # index of the key's modelled mistake the answer matched


@dataclass
class StudentResult:
    student: str
    parts: dict[str, PartResult]
    notes: list[str] = field(default_factory=list)
    seed: int | None = None  # the variant graded against; None: the default key

    @property
    def score(self) -> float:
        return _round(sum(p.score for p in self.parts.values()))

    @property
    def max_score(self) -> float:
        return _round(sum(p.max_score for p in self.parts.values()))


class Graders(Mapping):
    """One grader per part of the answer key (``parts`` as in answers.json), each compiled
    on first use: a long key (T = 1000) has thousands of parts a class may never answer."""

    def __init__(self, parts: Parts):
        self.parts = parts
        self._compiled: dict[str, Grader] = {}

    def __getitem__(self, part_id: str) -> Grader:
        if part_id not in self._compiled:
            self._compiled[part_id] = compile_part(part_id, self.parts[part_id])
        return self._compiled[part_id]

    def __iter__(self):
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    def compiled(self) -> dict[str, Grader]:
        return dict(self._compiled)

    def __getstate__(self) -> dict:  # a spawned worker compiles its own
        return {"parts": self.parts, "_compiled": {}}


def compile_key(parts: Parts) -> Graders:
    return Graders(parts)


def grade_answer(graders: Mapping[str, Grader], part_id: str, answer: Any) -> Verdict:
    """One answer, in this process and without a time limit; never raises."""
    try:
        problem = answer_problem(answer)
        return invalid(problem) if problem is not None else graders[part_id].grade(answer)
    except Exception as error:  # a grader bug must not sink the batch  # noqa: BLE001
        return invalid(f"could not be graded ({type(error).__name__}); please report this answer")


def grade_submissions(
    parts: Parts,
    submissions: Sequence[Submission],
    *,
    jobs: int = 1,
    time_limit: float = TIME_LIMIT,
    grade: Callable[[Mapping[str, Grader], str, Any], Verdict] = grade_answer,
    graders: Mapping[str, Grader] | None = None,
) -> list[StudentResult]:
    """Every submission against every part of one key, ``jobs`` worker processes at a time."""
    key = KeyGroup(parts, graders if graders is not None else compile_key(parts), list(submissions))
    return grade_groups([key], jobs=jobs, time_limit=time_limit, grade=grade)[0]


@dataclass
class KeyGroup:
    """The submissions graded against one key (one variant)."""

    parts: Parts
    graders: Mapping[str, Grader]
    submissions: list[Submission]


def grade_groups(
    groups: Sequence[KeyGroup],
    *,
    jobs: int = 1,
    time_limit: float = TIME_LIMIT,
    grade: Callable[[Mapping[str, Grader], str, Any], Verdict] = grade_answer,
) -> list[list[StudentResult]]:
    """Every group's submissions against its own key, in one pool of workers for the class."""
    tasks: list[Task] = []
    first: dict[tuple[int, str, Hashable], int] = {}  # an answer seen before: graded once, its verdict shared
    layouts = []  # per group, per student: (part, task id or verdict)
    for index, group in enumerate(groups):
        settled: dict[tuple[str, str], Verdict] = {}  # verdicts that are the same for every student
        graded_parts = {part_id: is_graded(spec.get("kind")) for part_id, spec in group.parts.items()}
        rows: list[list[tuple[str, int | Verdict]]] = []
        for submission in group.submissions:
            row: list[tuple[str, int | Verdict]] = []
            for part_id, automatic in graded_parts.items():
                answer = submission.answers.get(part_id)
                if submission.error is not None:
                    case = "refused" if submission.error.startswith("not graded") else "unreadable"
                    row.append((part_id, _settled(settled, case, part_id, _unreadable, case)))
                elif not automatic:  # ungraded: the reference, the same for all
                    row.append((part_id, _settled(settled, "ungraded", part_id, group.graders[part_id].grade, None)))
                elif answer is None:
                    row.append((part_id, _settled(settled, "unanswered", part_id, invalid, NO_ANSWER)))
                elif (problem := answer_problem(answer)) is not None:
                    row.append((part_id, invalid(problem)))
                elif (same := _identity(answer)) is not None and (index, part_id, same) in first:
                    row.append((part_id, first[(index, part_id, same)]))
                else:
                    if same is not None:
                        first[(index, part_id, same)] = len(tasks)
                    row.append((part_id, len(tasks)))
                    tasks.append((len(tasks), index, part_id, answer))
            rows.append(row)
        layouts.append(rows)
    verdicts: dict[int, Verdict] = {}
    if tasks:
        for _, index, part_id, _ in tasks:
            groups[index].graders[part_id]  # compiled once here, before the workers fork
        keys = [group.graders for group in groups]
        verdicts = WorkerPool(keys, jobs, time_limit, grade).run(chunked(tasks, jobs))
    graded = []
    for group, rows in zip(groups, layouts, strict=True):
        scores = _Scores(group.parts)
        results = []
        for submission, row in zip(group.submissions, rows, strict=True):
            by_part = {}
            for part_id, slot in row:
                by_part[part_id] = scores.result(part_id, slot if isinstance(slot, Verdict) else verdicts[slot])
            notes = ([submission.error] if submission.error else []) + list(submission.notes)
            results.append(StudentResult(submission.student, by_part, notes))
        graded.append(results)
    return graded


def _identity(answer: Any) -> Hashable | None:
    """What makes two answers the same answer (a verdict depends only on the key, the part and
    the answer): the text itself, or a list's pickled bytes (equal bytes rebuild equal values,
    and ``1``, ``1.0`` and ``True`` differ); None when it cannot be told."""
    if type(answer) is str:
        return answer
    try:
        return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not shared, graded on its own (and refused there if it cannot be sent)
        return None


def _unreadable(case: str) -> Verdict:
    if case == "refused":  # a manifest cannot vouch for the submission
        return invalid("not graded (see the note)")
    return invalid("the answer file cannot be read (see the note)")


def _settled(
    cache: dict[tuple[str, str], Verdict], case: str, part_id: str, make: Callable[..., Verdict], *args: Any
) -> Verdict:
    if (case, part_id) not in cache:
        cache[(case, part_id)] = make(*args)
    return cache[(case, part_id)]


class _Scores:
    """Part results of one key; the points of a part are read once, a score once per credit."""

    def __init__(self, parts: Parts):
        self.parts = parts
        self._cache: dict[tuple[str, Verdict], PartResult] = {}

    def result(self, part_id: str, verdict: Verdict) -> PartResult:
        cached = self._cache.get((part_id, verdict))
        if cached is None:
            cached = self._cache[(part_id, verdict)] = _result(part_id, verdict, self.parts[part_id])
        return cached


def _result(part_id: str, verdict: Verdict, spec: PartSpec) -> PartResult:
    if verdict.status == UNGRADED:
        return PartResult(part_id, UNGRADED, 0, 0, verdict.feedback)
    points = spec.get("points", 1)
    score = _round(Fraction(str(points)) * verdict.credit)
    mistake = _mistake_index(verdict, spec)
    return PartResult(part_id, verdict.status, score, points, verdict.feedback, verdict.method, mistake)


def _mistake_index(verdict: Verdict, spec: PartSpec) -> int | None:
    """Which modelled mistake the feedback names: graders lead with its text (then '; ' details)."""
    if verdict.status != "incorrect":
        return None
    texts = [m.get("feedback", "") for m in spec.get("mistakes") or () if isinstance(m, Mapping)]
    matches = [i for i, t in enumerate(texts) if t and (verdict.feedback == t or verdict.feedback.startswith(t + "; "))]
    return max(matches, key=lambda i: len(texts[i])) if matches else None


def code_result(handed_in: tuple[dict[str, Any], list[str]] | str | None, key: Mapping[str, Any]) -> PartResult:
    """The code submission's result against answers.json's ``code_submission`` section: ``handed_in``
    as :attr:`Submission.handed_in` (None: nothing handed in, which is invalid like an unanswered part)."""

    if handed_in is None:
        verdict = invalid("no submission_log.json handed in")
    elif isinstance(handed_in, str):
        verdict = invalid(handed_in)
    else:
        verdict = grade_log(handed_in[0], check_key(key), handed_in[1]).verdict
    points = key.get("points", 1)
    score = _round(Fraction(str(points)) * verdict.credit)
    return PartResult(str(key["part"]), verdict.status, score, points, verdict.feedback, verdict.method)


def with_part(parts: dict[str, PartResult], added: PartResult) -> dict[str, PartResult]:
    """``parts`` with ``added`` after the last part of its problem (``4.code`` after ``4a``)."""
    number = _problem_number(added.part)
    items = [(part_id, part) for part_id, part in parts.items() if part_id != added.part]
    same = [i for i, (part_id, _) in enumerate(items) if number and _problem_number(part_id) == number]
    at = same[-1] + 1 if same else len(items)
    return dict([*items[:at], (added.part, added), *items[at:]])


def _problem_number(part_id: str) -> str:
    match = re.match(r"\d+", part_id)
    return match.group(0) if match else ""


def _round(value: Any) -> float | int:
    value = round(float(value), 4)
    return int(value) if value == int(value) else value


def summary(results: Sequence[StudentResult]) -> dict[str, int]:
    """How many answers got each status, over all students."""
    counts: dict[str, int] = {}
    for result in results:
        for part in result.parts.values():
            counts[part.status] = counts.get(part.status, 0) + 1
    return counts
