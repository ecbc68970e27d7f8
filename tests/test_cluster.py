"""hw6 on a real Dask cluster: a scheduler and workers on 127.0.0.1, started and stopped here.

Batches, stress runs and class grading through the cluster must write exactly
what a local run writes, also when a worker dies half-way.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from solver.variants.batch import run_batch
from solver.variants.stress import run_stress

from .conftest import ROOT, SKIP_NAMES, needs_latex

distributed = pytest.importorskip("distributed") if os.environ.get("CI") != "true" else __import__("distributed")
pytestmark = [pytest.mark.cluster, pytest.mark.slow]  # processes of a cluster cannot start fast


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes on the loopback address."""

    def __init__(self, folder: Path, workers: int = 2):
        self.folder = folder
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "DASK_DISTRIBUTED__WORKER__DAEMON": "False",  # graders start time-limiting processes
        }
        self.processes: list[subprocess.Popen] = []
        scheduler_file = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", scheduler_file)  # fmt: skip
        self.address = self._wait_for(lambda: json.loads(scheduler_file.read_text())["address"])
        self.workers = [self.add_worker() for _ in range(workers)]

    def _start(self, *args) -> subprocess.Popen:
        with (self.folder / f"{args[0]}-{len(self.processes)}.log").open("wb") as log:  # the child keeps its copy
            process = subprocess.Popen(
                [sys.executable, "-m", "dask", *map(str, args)], cwd=self.folder, env=self.env, stdout=log, stderr=log
            )
        self.processes.append(process)
        return process

    def add_worker(self) -> subprocess.Popen:
        """A worker process of its own (no nanny), so killing it kills the worker."""
        before = self.worker_count()
        worker = self._start("worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-nanny",
                             "--no-dashboard", "--host", "127.0.0.1")  # fmt: skip
        self._wait_for(lambda: self.worker_count() > before or None)
        return worker

    def worker_count(self) -> int:
        with distributed.Client(self.address, timeout="30s") as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])

    def _wait_for(self, probe, seconds: float = 240):
        deadline = time.monotonic() + seconds
        while True:
            try:
                value = probe()
                if value:
                    return value
            except (OSError, ValueError, KeyError):
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes[:1]):
                logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in self.folder.glob("*.log"))
                raise AssertionError(f"the Dask cluster did not start:\n{logs}")
            time.sleep(0.5)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def local_batch(tmp_path_factory):
    """A roster of 20 students and their batch built here, without PDFs."""
    folder = tmp_path_factory.mktemp("local")
    students = roster(folder / "roster.csv", 20)
    result = run_batch(students, folder / "batch", pdf=False, progress=False)
    assert len(result.built) == 20
    return students, folder / "batch"


def roster(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        writer.writerows((f"s{i:03d}", f"Student {i}") for i in range(count))
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_files(local: Path, remote: Path) -> None:
    here, there = tree(local), tree(remote)
    assert sorted(here) == sorted(there)
    differ = [name for name in here if here[name] != there[name]]
    assert not differ, f"files that differ between the local and the cluster batch: {differ[:10]}"


def test_a_batch_on_the_cluster_writes_what_a_local_batch_writes(cluster, local_batch, tmp_path):
    students, local = local_batch
    remote = run_batch(students, tmp_path / "remote", pdf=False, progress=False, scheduler=cluster.address)
    assert len(remote.built) == 20 and not remote.failed
    assert_same_files(local, tmp_path / "remote")
    again = run_batch(students, tmp_path / "remote", pdf=False, progress=False, scheduler=cluster.address)
    assert (len(again.built), len(again.skipped)) == (0, 20)  # a rerun resumes: nothing left to do


@needs_latex
def test_pdfs_from_the_cluster_are_the_local_pdfs(cluster, tmp_path):
    students = roster(tmp_path / "roster.csv", 2)
    run_batch(students, tmp_path / "local", progress=False)
    run_batch(students, tmp_path / "remote", progress=False, scheduler=cluster.address)
    assert_same_files(tmp_path / "local", tmp_path / "remote")
    assert (tmp_path / "remote" / "s001" / "solutions.pdf").read_bytes().startswith(b"%PDF")


def test_a_worker_killed_half_way_costs_only_a_retry(cluster, local_batch, tmp_path):
    students, local = local_batch
    doomed = cluster.add_worker()
    outcome: dict = {}
    thread = threading.Thread(
        target=lambda: outcome.update(
            result=run_batch(students, tmp_path / "remote", pdf=False, progress=False, scheduler=cluster.address)
        )
    )
    thread.start()
    deadline = time.monotonic() + 600
    while len(list((tmp_path / "remote").glob("*/.hw6-done"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert doomed.poll() is None, "the worker to kill had already stopped"
    doomed.kill()
    thread.join()
    assert len(outcome["result"].built) == 20 and not outcome["result"].failed
    assert_same_files(local, tmp_path / "remote")


def test_stress_on_the_cluster_reports_what_a_local_run_reports(cluster):
    local = run_stress(6, start=100, progress=False)
    remote = run_stress(6, start=100, progress=False, scheduler=cluster.address)
    assert (remote.failures, remote.features, remote.attempts) == (local.failures, local.features, local.attempts)
    assert len(remote.seconds) == len(local.seconds) == 6


def test_grading_a_class_of_1000_on_the_cluster_gives_the_local_json(cluster, tmp_path):
    answers = ["3 w^2 u1 + 2 w u2 + u3", "u3 + w u2 + w^2 u1", "9**9**9", "", "w"]
    path = tmp_path / "class.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "1b", "1d.total"])
        writer.writerows((f"student{i:04d}", answers[i % 5], answers[(i // 5) % 5]) for i in range(1000))
    command = [sys.executable, "-m", "solver", "check", path, "--json"]
    local = subprocess.run([*command, "--jobs", "2"], capture_output=True, text=True, env=cluster.env, cwd=tmp_path)
    remote = subprocess.run(
        [*command, "--scheduler", cluster.address], capture_output=True, text=True, env=cluster.env, cwd=tmp_path
    )
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert len(json.loads(local.stdout)) == 1000
    assert remote.stdout == local.stdout


def test_a_bad_scheduler_is_one_line_and_exit_2(run_cli, tmp_path):
    code, _, err = run_cli("stress", *SKIP_NAMES, "--count", "1", "--scheduler", "http://nowhere")
    assert code == 2 and err.count("\n") == 1 and "--scheduler: expected tcp://HOST:PORT or local:N" in err


def test_without_dask_the_scheduler_option_says_how_to_install_it(run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    code, _, err = run_cli("stress", *SKIP_NAMES, "--count", "1", "--scheduler", "local:1")
    assert code == 2 and err.count("\n") == 1 and "pip install 'hw6[dask]'" in err


def test_a_worker_with_another_hw6_version_refuses_the_task():
    from solver.variants import cluster

    with pytest.raises(RuntimeError, match="this worker runs hw6 .*, the client hw6 0.0.0-other"):
        cluster._on_worker("0.0.0-other", cluster._nothing, 1)
    assert cluster._on_worker(cluster.__version__, cluster._nothing, 7) == 7


def test_a_scheduler_lost_mid_batch_is_one_line_and_exit_2(local_batch, tmp_path):
    """The scheduler killed while a batch runs on it: hw6 says so in one line (none of distributed's
    log or tracebacks), exits 2, and the students finished keep their folders."""
    students, _ = local_batch
    (tmp_path / "cluster").mkdir()
    doomed = Cluster(tmp_path / "cluster")
    try:
        out = tmp_path / "remote"
        batch = subprocess.Popen(
            [sys.executable, "-m", "solver", "batch", *SKIP_NAMES, "--roster", students, "--out", out, "--no-pdf",
             "--scheduler", doomed.address],
            cwd=tmp_path, env=doomed.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        while not list(out.glob("*/.hw6-done")) and batch.poll() is None:
            time.sleep(0.05)
        assert batch.poll() is None, batch.communicate()
        doomed.scheduler.kill()
        _, err = batch.communicate()
    finally:
        doomed.stop()
    assert batch.returncode == 2, err
    assert err.startswith("hw6: error: --scheduler: lost the connection to ") and err.count("\n") == 1, err
    assert list(out.glob("*/.hw6-done"))


def test_a_batch_whose_only_worker_dies_is_one_line_and_exit_2(local_batch, tmp_path):
    """The scheduler would wait for a new worker forever; hw6 gives up after HW6_NO_WORKER_SECONDS without one,
    says so in one line, exits 2, and the students finished keep their folders."""
    students, _ = local_batch
    (tmp_path / "cluster").mkdir()
    lonely = Cluster(tmp_path / "cluster", workers=1)
    try:
        out = tmp_path / "remote"
        batch = subprocess.Popen(
            [sys.executable, "-m", "solver", "batch", *SKIP_NAMES, "--roster", students, "--out", out, "--no-pdf",
             "--scheduler", lonely.address],
            cwd=tmp_path, env={**lonely.env, "HW6_NO_WORKER_SECONDS": "3"}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        while not list(out.glob("*/.hw6-done")) and batch.poll() is None:
            time.sleep(0.05)
        assert batch.poll() is None, batch.communicate()
        lonely.workers[0].kill()
        _, err = batch.communicate(timeout=600)
    finally:
        lonely.stop()
    assert batch.returncode == 2, err
    assert err.startswith("hw6: error: --scheduler: ") and "has had no worker for 3 s" in err, err
    assert err.count("\n") == 1, err
    assert list(out.glob("*/.hw6-done"))
