"""hw6's output is UTF-8 whatever the locale (issue 28): under ``LC_ALL=tr_TR.ISO-8859-9`` or
``LC_ALL=C`` with a stream encoding that cannot hold a name, a check's JSON and table, and an
error naming a file, come out whole, never as a ``UnicodeEncodeError`` traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT, SKIP_NAMES

LOCALES = [
    {"LC_ALL": "tr_TR.ISO-8859-9", "PYTHONIOENCODING": "ISO-8859-9"},
    {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
]


def hw6(tmp_path, locale: dict, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUTF8", "PYTHONIOENCODING", "LANG", "LC_ALL")}
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)],
        cwd=tmp_path,
        env={**env, **locale},
        capture_output=True,
    )


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "zoë-张.yaml"
    path.write_text('student: "Zoë O\'Brien 张"\n1b: w\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("locale", LOCALES)
def test_check_json_is_utf8_under_any_locale(tmp_path, answers, locale, session_cache):
    done = hw6(tmp_path, locale, "check", answers, "--seed", "0", *SKIP_NAMES, "--json", "--cache-dir", session_cache)
    assert b"Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    result = json.loads(done.stdout.decode("utf-8"))
    assert "Zoë O'Brien 张" in result["student"]


@pytest.mark.parametrize("locale", LOCALES)
def test_check_table_is_utf8_under_any_locale(tmp_path, answers, locale, session_cache):
    done = hw6(tmp_path, locale, "check", answers, "--seed", "0", *SKIP_NAMES, "--cache-dir", session_cache)
    assert b"Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    assert "Zoë O'Brien 张" in done.stdout.decode("utf-8")


@pytest.mark.parametrize("locale", LOCALES)
def test_an_error_naming_a_file_is_one_utf8_line(tmp_path, locale, session_cache):
    done = hw6(
        tmp_path, locale, "check", tmp_path / "ñandú-张.yaml", "--seed", "0", *SKIP_NAMES, "--cache-dir", session_cache
    )
    err = done.stderr.decode("utf-8").strip().splitlines()
    assert done.returncode == 2 and len(err) == 1 and "ñandú-张.yaml" in err[0], err


def test_the_module_is_run_from_the_checkout():
    assert (ROOT / "solver" / "cli.py").is_file()
