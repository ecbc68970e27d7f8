"""Running one task per student on a Dask cluster (``--scheduler tcp://host:8786`` or ``local:N``).

A task takes only plain data (a seed, a name, options) and returns plain data:
the bytes of the student's files, a stress outcome, a graded result. The
client writes what comes back, so workers need hw6 and TeX Live but no file
system shared with the client. A task whose worker dies is run again
elsewhere by the scheduler; an hw6 error (a bad draw, a LaTeX failure) is a
result, not an exception, so it is reported like a local failure, never retried.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..build.pipeline import compile_staged, prepare, stage
from ..kernel.errors import Hw6Error, SchedulerError
from ..kernel.problem import BuildContext
from .draw import draw

INSTALL_HINT = "--scheduler needs dask.distributed: pip install 'hw6[dask]' (or pip install 'dask[distributed]')"
GRADING_CHUNK = 50  # students per grading task
RETRIES = 3  # an exception other than an hw6 error: the task runs again, at most this often
#: How long tasks may wait on a scheduler that has no worker left before hw6 gives up (seconds; the environment
#: variable HW6_NO_WORKER_SECONDS sets it, for the tests). The scheduler would wait for a new worker forever.
NO_WORKER_SECONDS = 120.0
_POLL_SECONDS = 2.0
_ADDRESS = re.compile(r"^(?:tcp|tls|inproc|ws|wss)://[^\s/]+$")
_LOCAL = re.compile(r"^local:(\d+)$")


@dataclass(frozen=True)
class Failed:
    """What a task returns instead of raising when hw6 rejected the work (one line)."""

    message: str


def check_scheduler(text: str) -> str:
    """``text`` when it names a scheduler (``tcp://host:port``) or a local cluster (``local:N``, N 1-64)."""
    local = _LOCAL.match(text)
    if not ((local and 1 <= int(local.group(1)) <= 64) or (not local and _ADDRESS.match(text))):
        raise SchedulerError(f"--scheduler: expected tcp://HOST:PORT or local:N (N from 1 to 64), got {text!r}")
    try:  # before any work is done
        import distributed  # noqa: F401
    except ImportError:
        raise SchedulerError(INSTALL_HINT) from None
    return text


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler``, closed (with its local cluster) on exit."""
    check_scheduler(scheduler)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise SchedulerError(INSTALL_HINT) from None
    local = _LOCAL.match(scheduler)
    _silence_cluster_logs()
    # Graders time-limit each answer in child processes, which a daemonic worker may not start.
    with dask.config.set({"distributed.worker.daemon": False}):
        try:
            if local:
                cluster = LocalCluster(
                    n_workers=int(local.group(1)), threads_per_worker=1, dashboard_address=None, processes=True
                )
                client = Client(cluster)
            else:
                cluster, client = None, Client(scheduler, timeout="30s")
        except OSError as exc:
            raise SchedulerError(f"--scheduler: cannot reach {scheduler} ({exc})") from None
        try:
            yield client
        finally:
            try:
                client.close()
                if cluster is not None:
                    cluster.close()
            except (OSError, TimeoutError, RuntimeError):  # a scheduler already gone: nothing left to close
                pass


def run_tasks(scheduler: str, function: Callable, arguments: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
    """``(index, function(*arguments[index]))`` for every task, in the order they finish."""
    if not arguments:
        return
    batch = uuid.uuid4().hex[:12]  # keys unique to this run: a shared scheduler may hold others' results
    with connect(scheduler) as client:
        futures = {
            client.submit(
                _on_worker,
                __version__,
                function,
                *args,
                key=f"hw6-{function.__name__}-{batch}-{index}",
                retries=RETRIES,
                pure=False,
            ): index
            for index, args in enumerate(arguments)
        }
        for future in _as_completed_while_workers(client, scheduler, futures):
            index = futures.pop(future)
            try:
                value = future.result()
            except Exception as exc:  # a bug, or a task whose workers kept dying: finished students stay
                message = str(exc).splitlines()[0] if str(exc) else ""
                if _connection_lost(exc, message):
                    raise _lost_connection(scheduler, exc) from None
                raise SchedulerError(f"a task failed on the cluster ({type(exc).__name__}: {message})") from None
            future.release()
            yield index, value


def _as_completed_while_workers(client: Any, scheduler: str, futures: Mapping[Any, int]) -> Iterator[Any]:
    """The futures as they finish, as ``distributed.as_completed`` yields them, but a scheduler left without a
    single worker for ``NO_WORKER_SECONDS`` is an error: the scheduler itself would wait for a worker forever."""
    from distributed import wait

    try:
        limit = float(os.environ.get("HW6_NO_WORKER_SECONDS", NO_WORKER_SECONDS))
    except ValueError:
        limit = NO_WORKER_SECONDS
    pending = set(futures)
    alone_since: float | None = None
    while pending:
        try:
            done, pending = wait(pending, timeout=_POLL_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished in this poll
            done = set()
        except Exception as exc:  # the futures were cancelled: distributed says why in the text
            if _connection_lost(exc, str(exc)):
                raise _lost_connection(scheduler, exc) from None
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise SchedulerError(f"the cluster stopped the work ({type(exc).__name__}: {first})") from None
        yield from sorted(done, key=futures.__getitem__)
        if done or not pending:
            alone_since = None
            continue
        try:
            workers = client.scheduler_info(n_workers=-1).get("workers")
        except Exception as exc:  # the scheduler itself is gone: distributed raises its own comm errors
            raise _lost_connection(scheduler, exc) from None
        if workers:
            alone_since = None
        elif alone_since is None:
            alone_since = time.monotonic()
        elif time.monotonic() - alone_since >= limit:
            raise SchedulerError(
                f"--scheduler: {scheduler} has had no worker for {limit:g} s; what finished is kept, run the "
                "command again once workers are back"
            )


def _lost_connection(scheduler: str, exc: BaseException) -> SchedulerError:
    return SchedulerError(
        f"--scheduler: lost the connection to {scheduler} ({type(exc).__name__}); "
        "what finished is kept, run the command again to go on"
    )


_CLUSTER_LOGGERS = ("distributed", "tornado", "asyncio")


def _silence_cluster_logs() -> None:
    """distributed's log (reconnection attempts, tracebacks of a lost scheduler) is not for the user:
    hw6 says what went wrong in one line. Child loggers its configuration gave levels of their own too."""
    quiet = logging.CRITICAL + 1
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in _CLUSTER_LOGGERS:
            logging.getLogger(name).setLevel(quiet)
    for name in _CLUSTER_LOGGERS:
        logging.getLogger(name).setLevel(quiet)


def _connection_lost(exc: BaseException, message: str) -> bool:
    """Whether a task's failure is the client's lost scheduler rather than the task's own error."""
    names = {type(exc).__name__, *(type(c).__name__ for c in (exc.__cause__, exc.__context__) if c)}
    return "connection-lost" in message or bool(names & {"CommClosedError", "StreamClosedError"})


def _on_worker(version: str, function: Callable, *args: Any) -> Any:
    """``function(*args)`` on a worker that runs the client's hw6 (another would write other bytes)."""
    if version != __version__:
        raise RuntimeError(f"this worker runs hw6 {__version__}, the client hw6 {version}")
    return function(*args)


def worker_folders(context: BuildContext | None) -> dict[str, Any]:
    """The data folders given to the client, as paths the workers read (the same paths on every machine),
    and the problems it skips."""
    if context is None:
        return {"data": {}, "skip": []}
    return {"data": {key: str(path) for key, path in context.data_folders.items()}, "skip": sorted(context.skip)}


def worker_context(folders: Mapping[str, Any]) -> BuildContext:
    """The build context on a worker: ``folders`` (:func:`worker_folders`) names paths on the worker; the
    cache is the worker's own."""
    cache = Path(tempfile.gettempdir()) / "hw6-worker-cache"
    data = {k: Path(v) for k, v in folders.get("data", {}).items()}
    return BuildContext(cache_dir=cache, data_folders=data, progress=False, skip=frozenset(folders.get("skip", ())))


def student_files(
    seed: int,
    label: str,
    options: Mapping[str, Any] | None,
    pdf: bool,
    folders: Mapping[str, Any],
    variant_label: str | None = None,
) -> dict[str, bytes] | Failed:
    """One student's folder as bytes: sheets, key, parameters, figures and (with ``pdf``) the PDFs;
    ``label`` is the student's name on the sheets, ``variant_label`` the variant's opaque label."""
    context = worker_context(folders)
    try:
        drawn = draw(seed, context, student=label, options=options, label=variant_label)
        sheets = prepare(drawn.solved, drawn.variant, context=context)
        files = {name: c if isinstance(c, bytes) else c.encode("utf-8") for name, c in sheets.files.items()}
        if pdf:
            with tempfile.TemporaryDirectory(prefix="hw6-worker-") as tmp:
                staged = stage(sheets, tmp)
                try:
                    compile_staged(staged, sheets, context.cache_dir)
                    for kind in sheets.documents:
                        files[f"{kind}.pdf"] = (staged.staging / f"{kind}.pdf").read_bytes()
                finally:
                    staged.discard()
    except Hw6Error as exc:
        return Failed(str(exc))
    return files


def timed_draw(seed: int, options: Mapping[str, Any] | None, folders: Mapping[str, Any]):
    """A stress outcome for one seed (see :func:`solver.variants.stress.stress_one`)."""
    from .stress import stress_one

    return stress_one(seed, worker_context(folders), options)


def grade_chunk(parts: Mapping[str, Any], submissions: Sequence[Any]) -> Any:
    """Submissions graded against ``parts`` (their key) with the usual per-answer time limit."""
    from ..engine.runner import grade_submissions

    if multiprocessing.current_process().daemon:
        return Failed(
            "a daemonic Dask worker cannot time-limit answers: start it with DASK_DISTRIBUTED__WORKER__DAEMON=False"
        )
    return grade_submissions(parts, list(submissions), jobs=1)


def grade_on_cluster(scheduler: str, work: Sequence[tuple[Mapping[str, Any], Any]]) -> list[Any]:
    """Each ``(key parts, submission)`` graded; the results in ``work``'s order.

    Students are sent in chunks of up to :data:`GRADING_CHUNK` sharing one key:
    grading starts a time-limiting process per task, which costs more than a
    student's answers take to grade.
    """
    chunks: list[list[int]] = []
    for index, (parts, _) in enumerate(work):
        if chunks and len(chunks[-1]) < GRADING_CHUNK and work[chunks[-1][0]][0] is parts:
            chunks[-1].append(index)
        else:
            chunks.append([index])
    tasks = [(work[chunk[0]][0], [work[i][1] for i in chunk]) for chunk in chunks]
    results: list[Any] = [None] * len(work)
    for number, graded in run_tasks(scheduler, grade_chunk, tasks):
        if isinstance(graded, Failed):
            raise SchedulerError(graded.message)
        for index, result in zip(chunks[number], graded, strict=True):
            results[index] = result
    return results


def cluster_compiled_parts(parts: Mapping[str, Mapping[str, Any]], submissions: Sequence[Any]) -> list[str]:
    """The parts a local grading run compiles for these submissions (ungraded ones, and those answered)."""
    from ..engine.kinds import is_graded

    answered = {p for s in submissions if s.error is None for p, a in s.answers.items() if a is not None}
    return [p for p, spec in parts.items() if not is_graded(spec.get("kind")) or p in answered]


def seconds_per_task(scheduler: str, count: int = 200) -> float:
    """The scheduler's overhead: mean wall seconds per task that does nothing (bench and README)."""
    started = time.perf_counter()
    for _ in run_tasks(scheduler, _nothing, [(i,) for i in range(count)]):
        pass
    return (time.perf_counter() - started) / count


def _nothing(index: int) -> int:
    return index
