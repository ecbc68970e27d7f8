"""The item-analysis page in headless Chromium: it opens without console errors, fetches nothing,
and a screenshot shows its bar charts (the flagged variant's bar in its own colour)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from solver.analysis.svg import FILL, FLAGGED_FILL

FLAGS = [
    "--headless",
    "--no-sandbox",  # tests may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (scripts/bootstrap --dev installs it)")
        pytest.skip("chromium is not installed")
    return path


def browse(chromium: str, page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """A report of three variants of five students, the third much weaker, and two parts."""
    from solver.cli import main

    root = tmp_path_factory.mktemp("page")
    students = []
    for seed in (1, 2, 3):
        for number in range(5):
            right = number % 2 == 0 if seed == 3 else number != 4
            parts = {
                "1b": {"status": "correct", "score": 1, "max_score": 1, "feedback": ""}
                if right
                else {"status": "incorrect", "score": 0, "max_score": 1, "feedback": "this is y itself", "mistake": 3},
                "6b": {"status": "correct" if seed != 3 else "incorrect", "score": 3 if seed != 3 else number % 2,
                       "max_score": 3, "feedback": "" if seed != 3 else "entry 2 is wrong"},
            }  # fmt: skip
            score = sum(p["score"] for p in parts.values())
            students.append(
                {"student": f"s{seed}-{number}", "seed": seed, "parts": parts, "score": score, "max_score": 4}
            )
    results = root / "results.json"
    results.write_text(json.dumps(students))
    out = root / "report.html"
    assert main(["report", str(results), "--out", str(out)]) == 0
    return out


def test_page_is_self_contained(page):
    html = page.read_text()
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", html)) - {"http://www.w3.org/2000/svg"}
    assert addresses == set() and " src=" not in html and "<script" not in html


def test_page_opens_without_console_errors_and_shows_every_chart(chromium, page, tmp_path):
    shot = tmp_path / "shot.png"
    run = browse(chromium, page, tmp_path, "--window-size=1200,2400", f"--screenshot={shot}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    from PIL import Image

    pixels = Image.open(shot).convert("RGB")
    colours = dict((colour, count) for count, colour in pixels.getcolors(maxcolors=1 << 20))
    bars = colours.get(_rgb(FILL), 0)
    flagged = colours.get(_rgb(FLAGGED_FILL), 0)
    assert bars > 2000 and flagged > 300, (bars, flagged)  # the bars were painted, the flagged one in red

    dom = browse(chromium, page, tmp_path, "--dump-dom")
    assert dom.returncode == 0
    assert dom.stdout.count("<svg") == page.read_text().count("<svg") == 4  # total, variants, two parts
    assert "<parsererror" not in dom.stdout


def test_console_errors_are_detected(chromium, tmp_path):
    """The check above can fail: a page that logs an error and throws is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><script>console.error("planted")</script><script>missing()</script>')
    messages = console_messages(browse(chromium, bad, tmp_path, "--dump-dom").stderr)
    assert len(messages) == 2 and "planted" in messages[0] and "missing is not defined" in messages[1]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
