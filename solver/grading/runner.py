"""Grading many answers under a per-answer time limit, in worker processes.

Limits in the parser stop what can be recognised in advance; the time limit
stops the rest. It must hold inside SymPy's C-level and big-integer work,
where a signal handler never runs, so every answer is graded in a worker
process: the parent waits at most ``time_limit`` seconds for each result and
kills a worker that overruns (or dies), marks that answer ``invalid`` and
starts a fresh worker for the answers still queued. A batch never crashes.

Each worker gets one student's answers at a time and reports after every part,
so the limit applies to each part, not to the whole student.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .feedback import NO_ANSWER
from .graders import Grader
from .kinds import compile_part, is_graded
from .verdicts import UNGRADED, Verdict, invalid

TIME_LIMIT = 2.0  # seconds per answer
# What one answer value may be before it is sent to a worker (pickling a deeper value fails,
# and str() of an integer over 4,300 digits raises): past these it is invalid without grading.
MAX_ANSWER_DEPTH = 50
MAX_ANSWER_ITEMS = 100_000
MAX_ANSWER_CHARACTERS = 4 * 2**20
MAX_INTEGER_BITS = 14_000  # about 4,200 decimal digits

Task = tuple[int, str, Any]  # (task id, part id, answer)


@dataclass(frozen=True)
class Oversized:
    """An answer too large to keep (a CSV cell over the limit): only its size is kept."""

    characters: int


def answer_problem(value: Any) -> str | None:
    """Why an answer value cannot be graded at all, or None; never recurses, never raises."""
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

    def __init__(self, parts: Mapping[str, Mapping[str, Any]]):
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


def compile_key(parts: Mapping[str, Mapping[str, Any]]) -> Graders:
    return Graders(parts)


def grade_answer(graders: Mapping[str, Grader], part_id: str, answer: Any) -> Verdict:
    """One answer, in this process and without a time limit; never raises."""
    try:
        problem = answer_problem(answer)
        return invalid(problem) if problem is not None else graders[part_id].grade(answer)
    except Exception as error:  # a grader bug must not sink the batch  # noqa: BLE001
        return invalid(f"could not be graded ({type(error).__name__}); please report this answer")


def grade_submissions(
    parts: Mapping[str, Mapping[str, Any]],
    submissions: Sequence[Submission],
    *,
    jobs: int = 1,
    time_limit: float = TIME_LIMIT,
    grade: Callable[[Mapping[str, Grader], str, Any], Verdict] = grade_answer,
    graders: Mapping[str, Grader] | None = None,
) -> list[StudentResult]:
    """Every submission against every part, ``jobs`` worker processes at a time."""
    graders = graders if graders is not None else compile_key(parts)
    verdicts: dict[int, Verdict] = {}
    task_count = 0
    chunks: list[list[Task]] = []
    layout: list[list[tuple[str, int | Verdict]]] = []  # per student: (part, task id or verdict)
    for submission in submissions:
        chunk: list[Task] = []
        row: list[tuple[str, int | Verdict]] = []
        for part_id, spec in parts.items():
            if submission.error is not None:
                row.append((part_id, invalid("the answer file cannot be read (see the note)")))
            elif not is_graded(spec.get("kind")):
                row.append((part_id, graders[part_id].grade(None)))  # ungraded: the reference
            elif submission.answers.get(part_id) is None:
                row.append((part_id, invalid(NO_ANSWER)))
            elif (problem := answer_problem(submission.answers[part_id])) is not None:
                row.append((part_id, invalid(problem)))
            else:
                chunk.append((task_count, part_id, submission.answers[part_id]))
                row.append((part_id, task_count))
                task_count += 1
        if chunk:
            chunks.append(chunk)
        layout.append(row)
    if chunks:
        for part_id in {task[1] for chunk in chunks for task in chunk}:
            graders[part_id]  # compiled once here, so that forked workers share it
        verdicts = WorkerPool(graders, jobs, time_limit, grade).run(chunks)
    results = []
    for submission, row in zip(submissions, layout, strict=False):
        by_part = {}
        for part_id, slot in row:
            verdict = slot if isinstance(slot, Verdict) else verdicts[slot]
            by_part[part_id] = _result(part_id, verdict, parts[part_id])
        notes = ([submission.error] if submission.error else []) + list(submission.notes)
        results.append(StudentResult(submission.student, by_part, notes))
    return results


def _result(part_id: str, verdict: Verdict, spec: Mapping[str, Any]) -> PartResult:
    if verdict.status == UNGRADED:
        return PartResult(part_id, UNGRADED, 0, 0, verdict.feedback)
    points = spec.get("points", 1)
    score = _round(Fraction(str(points)) * verdict.credit)
    mistake = _mistake_index(verdict, spec)
    return PartResult(part_id, verdict.status, score, points, verdict.feedback, verdict.method, mistake)


def _mistake_index(verdict: Verdict, spec: Mapping[str, Any]) -> int | None:
    """Which modelled mistake the feedback names: graders lead with its text (then '; ' details)."""
    if verdict.status != "incorrect":
        return None
    texts = [m.get("feedback", "") for m in spec.get("mistakes") or () if isinstance(m, Mapping)]
    matches = [i for i, t in enumerate(texts) if t and (verdict.feedback == t or verdict.feedback.startswith(t + "; "))]
    return max(matches, key=lambda i: len(texts[i])) if matches else None


def _round(value: Any) -> float | int:
    value = round(float(value), 4)
    return int(value) if value == int(value) else value


# --------------------------------------------------------------------------- worker processes


def _serve(connection, graders: Mapping[str, Grader], grade: Callable) -> None:
    """Worker loop: grade each task of a chunk, sending each verdict as soon as it is known."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for task_id, part_id, answer in chunk:
            connection.send((task_id, grade(graders, part_id, answer)))


class _Worker:
    def __init__(self, context, graders, grade):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, graders, grade), daemon=True)
        self.process.start()
        child.close()
        self.pending: deque[Task] = deque()
        self.deadline = 0.0
        self.dead = False

    def overdue(self) -> bool:
        if self.dead:
            return True
        if time.monotonic() <= self.deadline:
            return False
        try:
            return not self.connection.poll()  # a verdict that just arrived still counts
        except (EOFError, OSError):
            return True

    def send(self, chunk: list[Task], time_limit: float) -> None:
        self.pending = deque(chunk)
        self.deadline = time.monotonic() + time_limit
        self.connection.send(chunk)

    def stop(self, force: bool = False) -> None:
        if not force:
            try:
                self.connection.send(None)
            except (OSError, ValueError):
                force = True
        if force and self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=None if force else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class WorkerPool:
    """Runs chunks of tasks on ``jobs`` workers, replacing any worker that overruns or dies."""

    def __init__(self, graders: Mapping[str, Grader], jobs: int, time_limit: float, grade: Callable):
        methods = multiprocessing.get_all_start_methods()
        # fork shares the compiled graders for free; elsewhere they are pickled to each worker.
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.graders, self.grade = graders, grade
        self.jobs, self.time_limit = max(1, jobs), time_limit

    def run(self, chunks: list[list[Task]]) -> dict[int, Verdict]:
        queue: deque[list[Task]] = deque(chunks)
        results: dict[int, Verdict] = {}
        workers = [self._start() for _ in range(min(self.jobs, len(queue)))]
        try:
            while queue or any(w.pending for w in workers):
                for worker in workers:
                    while not worker.pending and queue:
                        chunk = queue.popleft()
                        try:
                            worker.send(chunk, self.time_limit)
                        except (pickle.PicklingError, RecursionError, TypeError, ValueError, OverflowError):
                            worker.pending.clear()
                            for task_id, _, _ in chunk:
                                results[task_id] = invalid("the answer could not be sent to a grader")
                if not any(w.pending for w in workers):
                    break
                busy = [w for w in workers if w.pending]
                wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = multiprocessing.connection.wait([w.connection for w in busy], timeout=wait)
                for worker in busy:
                    if worker.connection in ready:
                        self._receive(worker, results)
                for index, worker in enumerate(workers):
                    if worker.pending and worker.overdue():
                        workers[index] = self._replace(worker, queue, results)
        finally:
            for worker in workers:
                worker.stop(force=bool(worker.pending))
        return results

    def _start(self) -> _Worker:
        return _Worker(self.context, self.graders, self.grade)

    def _receive(self, worker: _Worker, results: dict[int, Verdict]) -> None:
        try:
            while worker.pending and worker.connection.poll():
                task_id, verdict = worker.connection.recv()
                expected = worker.pending.popleft()
                assert expected[0] == task_id, "worker answered out of order"
                results[task_id] = verdict
                worker.deadline = time.monotonic() + self.time_limit
        except (EOFError, OSError):
            worker.dead = True  # killed by the system, out of memory, a crash in C code

    def _replace(self, worker: _Worker, queue: deque, results: dict[int, Verdict]) -> _Worker:
        """Give up on the worker's current answer, requeue the rest of its chunk, start afresh."""
        if worker.dead:
            message = "grading this answer stopped the grader; the answer is invalid"
        else:
            message = f"took longer than {self.time_limit:g} s to grade; the answer is too complex"
        task_id = worker.pending.popleft()[0]
        results[task_id] = invalid(message)
        if worker.pending:
            queue.appendleft(list(worker.pending))
        worker.pending.clear()
        worker.stop(force=True)
        return self._start()


def summary(results: Sequence[StudentResult]) -> dict[str, int]:
    """How many answers got each status, over all students."""
    counts: dict[str, int] = {}
    for result in results:
        for part in result.parts.values():
            counts[part.status] = counts.get(part.status, 0) + 1
    return counts
