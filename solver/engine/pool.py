"""Worker processes that grade tasks under a per-answer time limit.

The limit must hold inside SymPy's C-level and big-integer work, where a signal
handler never runs, so answers are graded in worker processes that the parent
kills when one answer overruns (or that die): that answer is ``invalid`` and a
fresh worker takes the tasks still queued. A batch never crashes.

Hand-off is paid per chunk, not per answer: a chunk holds many students'
answers and its verdicts come back in one message. Each worker publishes, in a
small shared array, which task it is grading and since when, so the parent
applies the limit to each answer and knows whom to blame without a message per
answer. Workers start once per class (forked after every key is compiled, so
they share the compiled graders) and serve every chunk.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .graders import Grader
from .verdicts import Verdict, invalid

Task = tuple[int, int, str, Any]  # (task id, key index, part id, answer)
Grade = Callable[[Mapping[str, Grader], str, Any], Verdict]

IDLE = -1.0
POLL_SECONDS = 0.2  # how often the parent looks at a worker that has not started its chunk yet
CHUNK_TASKS = 256  # at most this many answers per message
_SEND_ERRORS = (pickle.PicklingError, RecursionError, TypeError, ValueError, OverflowError, AttributeError)


def chunked(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Chunks small enough that every worker gets several (the last ones balance the load)."""
    size = max(1, min(CHUNK_TASKS, len(tasks) // (max(1, jobs) * 8) or 1))
    return [list(tasks[start : start + size]) for start in range(0, len(tasks), size)]


def _serve(connection, keys: Sequence[Mapping[str, Grader]], grade: Grade, progress) -> None:
    """Worker loop: grade a chunk, saying in ``progress`` which task runs since when, then reply once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    # A forked worker inherits the parent's SIGTERM handler (hw6 raises Stopped there); the parent's terminate()
    # must end a worker quietly wherever it is, waiting in recv() included, not print its traceback.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent around the fork (see _forked_quietly)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        verdicts = []
        for task_id, key, part_id, answer in chunk:
            progress[1] = time.monotonic()  # the start before the id: a reader never sees an id with an older start
            progress[0] = task_id
            verdicts.append(grade(keys[key], part_id, answer))
        progress[0] = IDLE
        connection.send(verdicts)


_STOPPING = {signal.SIGINT, signal.SIGTERM}


def _forked_quietly(process: Any) -> None:
    """Start ``process`` with SIGINT and SIGTERM held back until the fork is done.

    A Python signal handler that raises (hw6 stops on these signals) would otherwise run inside the fork's
    own hooks, where the exception is printed and swallowed, in the parent and in the child alike: the
    parent would miss its signal. Held back, a signal reaches the parent once ``start`` returns, and the
    child when its worker loop has put its own handlers in place."""
    if not hasattr(signal, "pthread_sigmask"):
        process.start()
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _Worker:
    def __init__(self, context: Any, keys: Sequence[Mapping[str, Grader]], grade: Grade) -> None:
        self.connection, child = context.Pipe()
        self.progress = context.RawArray("d", [IDLE, 0.0])
        self.process = context.Process(target=_serve, args=(child, keys, grade, self.progress), daemon=True)
        _forked_quietly(self.process)
        child.close()
        self.pending: list[Task] = []
        self.dead = False

    def running(self) -> tuple[int, float] | None:
        """The task this worker grades and when it started, or None between tasks."""
        task_id, started = self.progress[0], self.progress[1]
        return None if task_id == IDLE else (int(task_id), started)

    def send(self, chunk: list[Task]) -> None:
        self.progress[0] = IDLE
        self.pending = chunk
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

    def __init__(self, keys: Sequence[Mapping[str, Grader]], jobs: int, time_limit: float, grade: Grade):
        methods = multiprocessing.get_all_start_methods()
        # fork shares the compiled graders for free; elsewhere they are pickled to each worker.
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.keys, self.grade = list(keys), grade
        self.jobs, self.time_limit = max(1, jobs), time_limit

    def run(self, chunks: list[list[Task]]) -> dict[int, Verdict]:
        queue: deque[list[Task]] = deque(chunks)
        results: dict[int, Verdict] = {}
        workers = [self._start() for _ in range(min(self.jobs, len(queue)))]
        try:
            while queue or any(w.pending for w in workers):
                for worker in workers:
                    if not worker.pending and queue:
                        self._send(worker, queue.popleft(), results)
                busy = [w for w in workers if w.pending]
                if not busy:
                    continue
                ready = multiprocessing.connection.wait([w.connection for w in busy], timeout=self._wait(busy))
                for worker in busy:
                    if worker.connection in ready:
                        self._receive(worker, results)
                for index, worker in enumerate(workers):
                    if worker.pending and self._overdue(worker):
                        workers[index] = self._replace(worker, queue, results)
        finally:
            for worker in workers:
                worker.stop(force=bool(worker.pending))
        return results

    def _start(self) -> _Worker:
        return _Worker(self.context, self.keys, self.grade)

    def _send(self, worker: _Worker, chunk: list[Task], results: dict[int, Verdict]) -> None:
        """Send a chunk; an answer that cannot be pickled is invalid alone, the rest still go."""
        try:
            worker.send(chunk)
            return
        except _SEND_ERRORS:
            pass
        sendable = []
        for task in chunk:
            try:
                pickle.dumps(task)
                sendable.append(task)
            except _SEND_ERRORS:
                results[task[0]] = invalid("the answer could not be sent to a grader")
        worker.pending = []
        if sendable:
            worker.send(sendable)

    def _wait(self, busy: list[_Worker]) -> float:
        now, wait = time.monotonic(), POLL_SECONDS
        for worker in busy:
            if (running := worker.running()) is not None:
                wait = min(wait, max(0.0, running[1] + self.time_limit - now))
        return wait

    def _overdue(self, worker: _Worker) -> bool:
        if worker.dead:  # its connection closed: see _receive
            return True
        running = worker.running()
        if running is None or time.monotonic() - running[1] <= self.time_limit:
            return False
        try:
            return not worker.connection.poll()  # verdicts that just arrived still count
        except (EOFError, OSError):
            return True

    def _receive(self, worker: _Worker, results: dict[int, Verdict]) -> None:
        try:
            verdicts = worker.connection.recv()
        except (EOFError, OSError):
            worker.dead = True  # killed by the system, out of memory, a crash in C code
            return
        assert len(verdicts) == len(worker.pending), "worker answered another chunk"
        for task, verdict in zip(worker.pending, verdicts, strict=True):
            results[task[0]] = verdict
        worker.pending = []

    def _replace(self, worker: _Worker, queue: deque, results: dict[int, Verdict]) -> _Worker:
        """Give up on the answer being graded, requeue the rest of the chunk, start afresh."""
        running = worker.running()
        if worker.dead:
            message = "grading this answer stopped the grader; the answer is invalid"
        else:
            message = f"took longer than {self.time_limit:g} s to grade; the answer is too complex"
        blamed = running[0] if running is not None else worker.pending[0][0]
        results[blamed] = invalid(message)
        rest = [task for task in worker.pending if task[0] != blamed and task[0] not in results]
        if rest:
            queue.appendleft(rest)
        worker.pending = []
        worker.stop(force=True)
        return self._start()
