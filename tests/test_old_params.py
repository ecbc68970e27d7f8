"""params.json files written by hw6 0.1.0 (commit 5049f4f, seeds 3 and 41, whose draws 0.2.0 changed)
still rebuild their variants: the same params.json and the same answer key, byte for byte except
the generator's version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver import __version__

OLD = Path(__file__).parent / "data" / "params-0.1.0"


@pytest.mark.parametrize("seed", [3, 41])
def test_a_0_1_0_params_file_rebuilds_its_variant(run_cli, tmp_path, seed):
    params = OLD / f"seed{seed}.params.json"
    out = tmp_path / "out"
    code, _, err = run_cli("build", "--no-pdf", "--params", params, "--out", out)
    assert code == 0, err
    assert (out / "params.json").read_bytes() == params.read_bytes()
    rebuilt = (out / "answers.json").read_text().replace(f'"version": "{__version__}"', '"version": "0.1.0"', 1)
    old = (OLD / f"seed{seed}.answers.json").read_text()
    if rebuilt != old:  # name the parts that differ
        new_parts, old_parts = json.loads(rebuilt)["parts"], json.loads(old)["parts"]
        differ = sorted(p for p in set(new_parts) | set(old_parts) if new_parts.get(p) != old_parts.get(p))
        pytest.fail(f"seed {seed}: answers.json differs from 0.1.0's; parts: {differ[:20]}")
