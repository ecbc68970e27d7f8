"""One variant per student of a roster: sheets, key and parameters in a folder each.

The Python work (drawing, solving, checking, rendering) runs in this thread;
only LaTeX runs in ``jobs`` parallel workers; with a ``scheduler`` each student
is one task on a Dask cluster (:mod:`.cluster`) that returns the folder's bytes,
written here exactly as a local build writes them. A student's folder is complete
when its ``.hw6-done`` marker records the seed and version that made it; a
rerun skips those and redoes every other student, so an interrupted batch
resumes where it stopped. The manifest is rewritten atomically at the end. A full disk
or an unwritable folder stops the batch at once (one error, exit 2): it would fail every
student alike; what was staged is removed and the finished students resume on a rerun.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..build.pipeline import Sheets, compile_staged, options_json, prepare, stage
from ..build.variant import opaque_label
from ..io.files import StagedOutput, ensure_writable_dir, write_text_atomic
from ..io.progress import Progress
from ..kernel.errors import Hw6Error, OutputError
from ..problems import PROBLEMS, BuildContext
from .cluster import Failed, run_tasks, student_files, worker_folders
from .draw import draw, student_seed
from .lock import folder_lock
from .manifest import text_digest
from .roster import Student, read_roster, spreadsheet_safe

DONE_MARKER = ".hw6-done"
MANIFEST_COLUMNS = ("student_id", "name", "folder", "seed", "label", "version", "variant_options", "params_sha256")
CONTACT_COLUMNS = ("email", "sid")  # written only when the roster has them
SKIPPED_COLUMN = "skipped"  # the problems left out (--skip), written only when there are any


@dataclass
class BatchResult:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    manifest: Path | None = None


def _on_cluster(scheduler, students, pdf, context, options, salt):
    """``(student, seed, files or Failed)`` as the cluster finishes them."""
    folders = worker_folders(context)
    tasks = [
        (seed, student.name or student.id, options, pdf, folders, opaque_label(seed, salt))
        for student, seed in students
    ]
    for index, files in run_tasks(scheduler, student_files, tasks):
        yield (*students[index], files)


def _marker(seed: int, options: str, digest: str) -> str:
    record = {"seed": seed, "version": __version__, "options": options, "params_sha256": digest}
    return json.dumps(record, sort_keys=True) + "\n"


def _finished(folder: Path, seed: int, options: str) -> dict | None:
    """The student's marker when it records this seed, version and drawing options."""
    try:
        marker = json.loads((folder / DONE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (marker.get("seed"), marker.get("version"), marker.get("options", "")) == (seed, __version__, options):
        return marker
    return None


def run_batch(
    roster: str | Path,
    out_dir: str | Path,
    *,
    jobs: int = 1,
    salt: str = "",
    pdf: bool = True,
    context: BuildContext | None = None,
    progress: bool | None = None,
    options: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
) -> BatchResult:
    students = read_roster(roster)  # everything is validated before anything is written
    recorded_options = options_json(options)
    options_text = json.dumps(recorded_options, sort_keys=True) if recorded_options else ""
    skipped = " ".join(p.section for p in PROBLEMS if context is not None and p.section in context.skip)
    marked = options_text + (
        f" skip: {skipped}" if skipped else ""
    )  # a student done without a problem is redone with it
    out = ensure_writable_dir(out_dir)
    result = BatchResult()
    rows: dict[str, dict] = {}
    pending: list[tuple[Student, int, Sheets, StagedOutput, Future]] = []
    remote: list[tuple[Student, int]] = []  # students left for the cluster

    def done(student: Student, seed: int, staged: StagedOutput, params_text: str | bytes) -> None:
        digest = text_digest(params_text)
        staged.write_text(DONE_MARKER, _marker(seed, marked, digest))  # swapped in with the files
        staged.commit()
        rows[student.id] = _row(student, seed, options_text, digest, skipped, label=opaque_label(seed, salt))
        result.built.append(student.id)

    def finish(entry) -> None:
        student, seed, sheets, staged, future = entry
        try:
            future.result()
            done(student, seed, staged, sheets.files["params.json"])
        except Hw6Error as exc:
            staged.discard()
            if isinstance(exc, OutputError):
                raise  # a full disk or an unwritable folder fails every student alike: stop here
            result.failed[student.id] = str(exc)
        except BaseException:  # a signal while waiting for LaTeX
            _drop(staged, future)
            raise
        bar.advance(student.id)

    def abandon() -> None:
        """Stop (an output error, a signal): wait for the LaTeX runs under way, remove what they staged."""
        for _, _, _, staged, future in pending:
            _drop(staged, future)
        pending.clear()

    with (
        folder_lock(out),
        Progress(len(students), "batch", enabled=progress) as bar,
        ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
    ):
        try:  # a full disk, SIGINT or SIGTERM: what is staged is removed before stopping
            for student in students:
                seed = student_seed(salt, student.id)
                folder = out / student.folder
                marker = _finished(folder, seed, marked)
                if marker is not None:
                    digest = marker.get("params_sha256", "")
                    rows[student.id] = _row(
                        student, seed, options_text, digest, skipped, label=opaque_label(seed, salt)
                    )
                    result.skipped.append(student.id)
                    bar.advance(student.id)
                    continue
                if scheduler is not None:
                    remote.append((student, seed))
                    continue
                try:
                    label = opaque_label(seed, salt)
                    drawn = draw(seed, context, student=student.name or student.id, options=options, label=label)
                    sheets = prepare(drawn.solved, drawn.variant, context=context)
                    staged = stage(sheets, folder)
                except Hw6Error as exc:
                    if isinstance(exc, OutputError):
                        raise
                    result.failed[student.id] = str(exc)
                    bar.advance(student.id)
                    continue
                future = (
                    pool.submit(compile_staged, staged, sheets, context.cache_dir if context else None)
                    if pdf
                    else _done_future()
                )
                pending.append((student, seed, sheets, staged, future))
                while len(pending) > 2 * max(1, jobs):  # keep LaTeX busy without staging the whole class
                    finish(pending.pop(0))
            while pending:
                finish(pending.pop(0))
        except BaseException:
            abandon()
            raise
        if scheduler is not None:
            for student, seed, files in _on_cluster(scheduler, remote, pdf, context, options, salt):
                try:
                    if isinstance(files, Failed):
                        raise Hw6Error(files.message)
                    staged = StagedOutput(out / student.folder)
                    for name, data in files.items():
                        staged.write_bytes(name, data)
                    done(student, seed, staged, files["params.json"])
                except OutputError:
                    raise
                except Hw6Error as exc:
                    result.failed[student.id] = str(exc)
                bar.advance(student.id)

        result.manifest = out / "manifest.csv"
        contact = tuple(c for c in CONTACT_COLUMNS if any(getattr(s, c) for s in students))
        contact += (SKIPPED_COLUMN,) if skipped else ()
        write_text_atomic(result.manifest, _manifest_text([rows[s.id] for s in students if s.id in rows], contact))
    return result


def _row(student: Student, seed: int, options: str, digest: str, skipped: str = "", *, label: str = "") -> dict:
    return {
        SKIPPED_COLUMN: skipped,
        "student_id": student.id,
        "name": student.name,
        "folder": student.folder,
        "seed": seed,
        "label": label,
        "version": __version__,
        "variant_options": options,
        "params_sha256": digest,
        "email": student.email,
        "sid": student.sid,
    }


def _manifest_text(rows: list[dict], contact: tuple[str, ...] = ()) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = MANIFEST_COLUMNS + contact
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(row[c]) for c in columns])
    return buffer.getvalue()


def _drop(staged: StagedOutput, future: Future) -> None:
    """Remove a student's staged folder once the LaTeX run writing into it (if any) has ended."""
    future.cancel()
    try:
        future.result()
    except BaseException:  # noqa: BLE001 - what stops the batch is reported, not this run's end
        pass
    staged.discard()


def _done_future() -> Future:
    future: Future = Future()
    future.set_result(None)
    return future
