"""Output that is all-old or all-new whatever happens, and output errors on one line (issue 13)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from solver.io.staging import StagedOutput, remove_leftovers

from .conftest import ROOT, SKIP_NAMES

NEW_PARAMS = "rnn_backprop:\n  steps: 4\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the cache, by relative path."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith((".hw6-staging-", ".hw6-old-")))


def hw6(*args, env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "solver", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


#: Stages ``count`` files named after the generation, pausing between writes, then swaps them in:
#: the mechanism ``hw6 build`` uses, in a process that starts in milliseconds instead of seconds.
WRITER = """
import sys, time
from solver.io import staging
from solver.io.staging import StagedOutput
out, generation, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if sys.argv[4:] == ["rename-aside"]:  # as on a system without an atomic exchange
    staging._exchange = lambda first, second: False
with StagedOutput(out) as staged:
    for index in range(count):
        staged.write_text(("figures/" if index % 3 else "") + f"{generation}-{index}.json", f"{generation} {index}")
        time.sleep(0.002)
    staged.commit()
"""


def writer(out: Path, generation: str, count: int, env: dict | None = None, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out), generation, str(count), *extra],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> int:
    """The exit code of a process run to its end, its pipe closed."""
    process.communicate()
    return process.returncode


def kill_at(process: subprocess.Popen, kind: str, when) -> None:
    if kind == "random":
        try:
            process.wait(timeout=when)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    else:  # at a step of the swap, where HW6_TEST_PAUSE_IN_SWAP holds the process
        for line in process.stderr:
            if line.strip() == f"hw6-test: swap {when}":
                break
        process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()


SWAP_STEPS = ("start", "swapped", "carried")


def test_a_killed_swap_leaves_the_old_output_or_the_new_one(tmp_path):
    """SIGKILL at 60 random moments of staging and swapping and 3 times at each step of the swap
    (the rename-aside fallback's too);
    --out holds one generation entirely each time, the cache inside it survives, and the next
    run removes what the killed ones left."""
    out, count = tmp_path / "out", 40
    assert finished(writer(out, "g0", count)) == 0
    (out / ".cache").mkdir()
    (out / ".cache" / "entry").write_text("kept")
    expected = {
        f"g{n}": {("figures/" if i % 3 else "") + f"g{n}-{i}.json": f"g{n} {i}".encode() for i in range(count)}
        for n in (0, 1)
    }
    started = time.monotonic()
    assert finished(writer(tmp_path / "timing", "g1", count)) == 0
    duration = time.monotonic() - started
    rng = random.Random(13)
    plan = [("random", rng.uniform(0.0, 1.2) * duration) for _ in range(60)]
    plan += [("swap", step) for step in SWAP_STEPS for _ in range(3)]
    plan += [("swap", "aside")] * 3  # between the two renames of a system without the exchange
    state, outcomes = "g0", {"g0": 0, "g1": 0}
    for trial, (kind, when) in enumerate(plan, start=1):
        target = "g1" if state == "g0" else "g0"
        env = {"HW6_TEST_PAUSE_IN_SWAP": when} if kind == "swap" else None
        kill_at(writer(out, target, count, env, *(["rename-aside"] if when == "aside" else [])), kind, when)
        if when == "aside":  # --out is missing until the next run puts the old folder back
            assert not out.exists()
            remove_leftovers(out)
        now = snapshot(out)
        matches = [name for name, files in expected.items() if now == files]
        assert matches, f"trial {trial} ({kind} {when}): --out is a mix of {sorted(now)[:5]}..."
        state = matches[0]
        outcomes[state] += 1
        if kind == "swap" and when == "start":
            assert state != target, "killed before the exchange, yet the new files are in"
    assert sum(outcomes.values()) == len(plan) == 72 and min(outcomes.values()) > 0, outcomes
    assert not (out / ".cache").exists() or (out / ".cache" / "entry").read_text() == "kept"
    assert finished(writer(out, "g0", count)) == 0
    assert snapshot(out) == expected["g0"] and leftovers(out) == []


@pytest.mark.slow
def test_a_killed_build_leaves_the_old_output_or_the_new_one(tmp_path):
    """The same with hw6 build itself, killed mid-build and at each step of its swap."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    (tmp_path / "new.yaml").write_text(NEW_PARAMS)
    args = {
        name: ("build", *SKIP_NAMES, "--no-pdf", "--cache-dir", cache, "--params", tmp_path / f"{name}.yaml")
        for name in ("old", "new")
    }
    (tmp_path / "old.yaml").write_text("{}\n")
    expected = {}
    for name in ("old", "new"):
        assert finished(hw6(*args[name], "--out", tmp_path / name)) == 0
        expected[name] = snapshot(tmp_path / name)
    assert finished(hw6(*args["old"], "--out", out)) == 0
    state = "old"
    for kind, when in [("random", 2.0), *(("swap", step) for step in SWAP_STEPS)]:
        target = "new" if state == "old" else "old"
        env = {"HW6_TEST_PAUSE_IN_SWAP": when} if kind == "swap" else None
        kill_at(hw6(*args[target], "--out", out, env=env), kind, when)
        matches = [name for name, files in expected.items() if snapshot(out) == files]
        assert matches, f"{kind} {when}: --out is a mix"
        state = matches[0]
    assert finished(hw6(*args["old"], "--out", out)) == 0
    assert snapshot(out) == expected["old"] and leftovers(out) == []


def test_files_the_new_build_does_not_make_go_with_the_old_build(run_cli, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)[0] == 0
    (out / "solutions.pdf").write_bytes(b"%PDF- an earlier build's")
    (out / ".cache").mkdir()
    (out / ".cache" / "entry").write_text("kept")
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)[0] == 0
    assert not (out / "solutions.pdf").exists() and (out / ".cache" / "entry").read_text() == "kept"
    assert leftovers(out) == []


def test_a_killed_run_is_cleaned_up_by_the_next(run_cli, tmp_path):
    out = tmp_path / "out"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".hw6-staging-out-{dead.pid}-abc").mkdir()
    (tmp_path / f".hw6-staging-out-{os.getpid()}-live").mkdir()  # a live owner's: left alone
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)[0] == 0
    assert leftovers(out) == [f".hw6-staging-out-{os.getpid()}-live"]


def test_an_aside_folder_of_a_killed_swap_is_put_back(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    aside = tmp_path / f".hw6-old-out-{dead.pid}-xyz"
    aside.mkdir()
    (aside / "answers.json").write_text("{}")
    with StagedOutput(tmp_path / "out") as staged:
        staged.discard()
    assert (tmp_path / "out" / "answers.json").read_text() == "{}"


@pytest.mark.parametrize("out, message", [("", "--out: expected a folder name"), ("notes", "holds 'notes.txt'")])
def test_unusable_output_folders(run_cli, tmp_path, monkeypatch, out, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("mine")
    code, stdout, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)
    assert code == 2 and stdout == "" and message in err and err.count("\n") == 1, err
    assert (tmp_path / "notes" / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_on_a_full_device_is_one_line_and_exit_2(solved_homework, session_cache):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "solver", "key", *SKIP_NAMES],
            cwd=session_cache.parent.parent,  # its default cache is the session's, never one in the checkout
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 2
    assert result.stderr == "hw6: error: cannot write the output (No space left on device)\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_line(run_cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", locked / "out")
    finally:
        locked.chmod(0o700)
    assert code == 2 and "cannot write output there" in err and err.count("\n") == 1


def test_a_failing_write_is_one_line(run_cli, tmp_path, monkeypatch):
    """ENOSPC, EROFS, EPERM while staging: one line, exit 2, the old output untouched."""
    import errno

    out = tmp_path / "out"
    assert run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)[0] == 0
    before = snapshot(out)
    for number in (errno.ENOSPC, errno.EROFS, errno.EPERM):

        def fail(self, data, number=number):
            raise OSError(number, os.strerror(number))

        monkeypatch.setattr(Path, "write_bytes", fail)
        code, stdout, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)
        monkeypatch.undo()
        assert code == 2 and os.strerror(number) in err and err.count("\n") == 1, err
        assert snapshot(out) == before and leftovers(out) == []
