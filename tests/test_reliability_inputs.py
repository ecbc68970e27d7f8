"""Odd files at every input (FIFOs, devices, tags, huge numbers), batch locks and folder
collisions: one line on stderr and exit 2, nothing written (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from solver.variants.lock import LOCK_NAME, folder_lock

from .conftest import SKIP_NAMES


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "fifo.yaml"
    os.mkfifo(path)
    return path


def one_line(code: int, err: str, fragment: str) -> None:
    assert code == 2 and err.startswith("hw6: error: ") and err.count("\n") == 1, err
    assert fragment in err and "Traceback" not in err, err


@pytest.mark.parametrize("device", ["fifo", "/dev/zero", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("use", ["params", "options", "answers", "roster", "class csv", "manifest"])
def test_devices_and_pipes_are_refused_before_reading(run_cli, tmp_path, fifo, device, use):
    path = fifo if device == "fifo" else Path(device)
    if use == "class csv":
        path = tmp_path / "class.csv"
        os.mkfifo(path)
    answers = tmp_path / "a.yaml"
    answers.write_text("1b: w\n")
    args = {
        "params": ("key", *SKIP_NAMES, "--params", path),
        "options": ("build", *SKIP_NAMES, "--seed", 1, "--variant-options", path, "--no-pdf", "--out", tmp_path / "o"),
        "answers": ("check", path),
        "roster": ("batch", *SKIP_NAMES, "--roster", path, "--out", tmp_path / "o"),
        "class csv": ("check", path),
        "manifest": ("check", answers, "--manifest", path),
    }[use]
    code, _, err = run_cli(*args)
    by_name = use == "answers" and device != "fifo"  # refused by its name before it is opened
    one_line(code, err, "expected a .yaml, .yml, .json or .csv file" if by_name else "not a regular file")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("1b: !!int abc\n", "1b: 'abc' is not a valid !!int value"),
        ("1b: !!float x\n", "!!float"),
        ("1b: !!bool maybe\n", "!!bool"),
        ("1b: !!timestamp nope\n", "!!timestamp"),
        ("1b: " + "7" * 5000 + "\n", "1b: a number written with 5,000 characters"),
        ("1b: !!python/object:os.system x\n", "is not allowed"),
    ],
)
def test_an_answers_file_with_bad_values_is_one_line(run_cli, tmp_path, content, fragment):
    answers = tmp_path / "a.yaml"
    answers.write_text(content)
    code, out, err = run_cli("check", answers)
    one_line(code, err, fragment)
    assert "line 1" in err and out == ""


def test_roster_ids_that_share_a_folder_are_an_input_error(run_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nAlice\nalice\n")
    code, _, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", tmp_path / "o", "--no-pdf")
    one_line(code, err, "lines 2 and 3: the ids 'Alice' and 'alice' would share the folder")
    assert not (tmp_path / "o").exists()


def test_a_second_batch_finds_the_folder_busy(run_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\n")
    out = tmp_path / "o"
    out.mkdir()
    with folder_lock(out):  # as a batch running in another process would
        code, _, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf")
    one_line(code, err, f"busy: another hw6 batch (pid {os.getpid()})")
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


def test_a_lock_left_by_a_dead_batch_is_taken_over(run_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\n")
    out = tmp_path / "o"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK_NAME).write_text(f"{dead.pid}\n")
    code, _, err = run_cli("batch", *SKIP_NAMES, "--roster", roster, "--out", out, "--no-pdf")
    assert code == 0, err
    assert (out / "ann" / "answers.json").exists() and (out / "manifest.csv").exists()


def test_a_lock_held_by_another_process_is_respected(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom solver.variants.lock import folder_lock\n"
         "with folder_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n", str(out)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        from solver.kernel.errors import OutputError

        with pytest.raises(OutputError, match=f"pid {holder.pid}"), folder_lock(out):
            pass
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with folder_lock(out):  # the kernel released it with its owner
        assert (out / LOCK_NAME).read_text() == f"{os.getpid()}\n"
