"""params.json files written by hw6 0.1.0 (commit 5049f4f, seeds 3 and 41, whose draws 0.2.0 changed)
still rebuild their variants: the same params.json and the same answer key, byte for byte except
the generator's version and the extras the key has gained since (listed in ADDED_SINCE)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver import __version__
from solver.io.files import dump_json

OLD = Path(__file__).parent / "data" / "params-0.1.0"
ADDED_SINCE = {"digits"}  # numbers parts state the significant digits they were rounded to (issue 12)
#: Parameters added since, which a rebuilt params.json states with their defaults (Problem 4's recipe, issue 15).
PARAMS_ADDED_SINCE = {("names_classifier", "training"): {"bidirectional", "dropout", "label_smoothing"}}


def without_added_params(text: str) -> str:
    """params.json without the parameters added since 0.1.0."""
    data = json.loads(text)
    for (section, group), names in PARAMS_ADDED_SINCE.items():
        for name in names:
            data[section][group].pop(name, None)
    return dump_json(data)


@pytest.mark.parametrize("seed", [3, 41])
def test_a_0_1_0_params_file_rebuilds_its_variant(run_cli, tmp_path, seed):
    params = OLD / f"seed{seed}.params.json"
    out = tmp_path / "out"
    code, _, err = run_cli("build", "--no-pdf", "--params", params, "--out", out)
    assert code == 0, err
    written = (out / "params.json").read_text()
    assert without_added_params(written) == without_added_params(params.read_text())
    assert (
        json.loads(written)["names_classifier"]["training"].keys()
        >= PARAMS_ADDED_SINCE[("names_classifier", "training")]
    )
    rebuilt = (out / "answers.json").read_text().replace(f'"version": "{__version__}"', '"version": "0.1.0"', 1)
    old = (OLD / f"seed{seed}.answers.json").read_text()
    new_key, old_parts = json.loads(rebuilt), json.loads(old)["parts"]
    for name in PARAMS_ADDED_SINCE[("names_classifier", "training")]:
        new_key["params"]["names_classifier"]["training"].pop(name)  # the key repeats the parameters
    for part_id, part in new_key["parts"].items():
        for extra in ADDED_SINCE - set(old_parts.get(part_id, {})):
            part.pop(extra, None)
    rebuilt = dump_json(new_key)
    if rebuilt != old:  # name the parts that differ
        new_parts, old_parts = json.loads(rebuilt)["parts"], json.loads(old)["parts"]
        differ = sorted(p for p in set(new_parts) | set(old_parts) if new_parts.get(p) != old_parts.get(p))
        pytest.fail(f"seed {seed}: answers.json differs from 0.1.0's; parts: {differ[:20]}")
