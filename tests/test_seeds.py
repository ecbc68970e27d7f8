"""One reader of seeds (solver.core.seeds) for the command line, files, answer files and manifests."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver import options
from solver.build.pipeline import variant_from_data
from solver.grading import submissions
from solver.kernel.errors import ParamsError
from solver.kernel.seeds import MAX_SEED, parse_seed, seed_or_none
from solver.variants import draw


@given(st.integers(min_value=0, max_value=MAX_SEED))
def test_a_seed_reads_the_same_as_an_int_as_text_and_on_the_command_line(seed):
    assert seed_or_none(seed) == seed_or_none(str(seed)) == seed_or_none(f" {seed}\n") == seed
    assert parse_seed(str(seed)) == options.seed(str(seed)) == seed


@pytest.mark.parametrize(
    "raw", [-1, MAX_SEED + 1, "-1", str(MAX_SEED + 1), "1e3", "3.0", 3.0, True, None, "", "²", "٣", "0" * 20, [3]]
)
def test_what_is_not_a_seed_is_refused_everywhere(raw):
    assert seed_or_none(raw) is None
    with pytest.raises(ParamsError, match=f"--seed: expected an integer from 0 to {MAX_SEED}"):
        parse_seed(raw)
    if isinstance(raw, str):
        with pytest.raises(argparse.ArgumentTypeError, match="expected a seed"):
            options.seed(raw)


def test_the_readers_are_one():
    assert draw.parse_seed is parse_seed
    assert submissions.seed_or_none is seed_or_none
    assert options.MAX_SEED is MAX_SEED


@pytest.mark.parametrize("raw", ["7", True, -1, MAX_SEED + 1, 7.0])
def test_a_params_files_variant_seed_is_a_json_integer_in_range(raw):
    with pytest.raises(ParamsError, match=f"variant.seed: expected an integer from 0 to {MAX_SEED}, got"):
        variant_from_data({"variant": {"seed": raw}})
    assert variant_from_data({"variant": {"seed": MAX_SEED}}).seed == MAX_SEED
