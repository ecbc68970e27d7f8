"""The exports choose their variants one way: --variants N from --start (default 0), or a batch's manifest."""

from __future__ import annotations

import argparse

import pytest

from solver.export import moodle, prairielearn, qti, selection

FORMATS = (prairielearn, qti, moodle)


def _parse(module, *args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return parser.parse_args(list(args))


@pytest.mark.parametrize("module", FORMATS, ids=lambda m: m.NAME)
def test_every_format_takes_the_same_selection_options(module):
    args = _parse(module, "--out", "x", "--variants", "3")
    assert (args.out, args.variants, args.start, args.manifest, args.variant_options) == ("x", 3, None, None, None)
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    options = {action.dest: (action.metavar, action.default) for action in parser._actions}
    reference = argparse.ArgumentParser()
    selection.add_selection_arguments(reference)
    shared = {action.dest: (action.metavar, action.default) for action in reference._actions}
    assert {dest: options.get(dest) for dest in shared} == shared


def test_n_variants_are_the_seeds_from_start_and_start_defaults_to_0(tmp_path):
    def seeds(*args: str) -> list[int | None]:
        namespace = _parse(qti, "--out", "x", "--cache-dir", str(tmp_path), *args)
        return [variant.seed for variant in selection.selected_variants(namespace)]

    assert seeds("--variants", "2") == [0, 1]
    chosen = selection.selected_variants(
        _parse(moodle, "--out", "x", "--variants", "1", "--start", "5", "--cache-dir", str(tmp_path))
    )
    assert (
        [(v.seed, v.label) for v in chosen] == [(5, "seed 5")]
        and chosen[0].parts
        and len(chosen[0].params_sha256) == 16
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --variants N or --manifest CSV (one of them)"),
        (("--variants", "2", "--manifest", "m.csv"), "give --variants N or --manifest CSV (one of them)"),
        (("--manifest", "m.csv", "--start", "3"), "--start goes with --variants N, not with --manifest CSV"),
        (("--variants", "2", "--start", str(2**63 - 1)), "must be at most 9223372036854775807"),
    ],
)
@pytest.mark.parametrize("module", FORMATS, ids=lambda m: m.NAME)
def test_a_wrong_choice_is_one_line_error_and_writes_nothing(run_cli, tmp_path, module, args, message):
    code, _, err = run_cli("export", module.NAME, "--out", tmp_path / "out.file", *args)
    assert code == 2 and err.startswith("hw6: error: ") and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "out.file").exists()


@pytest.mark.parametrize("module", FORMATS, ids=lambda m: m.NAME)
def test_out_names_the_file_and_a_folder_is_refused(run_cli, tmp_path, module):
    code, _, err = run_cli("export", module.NAME, "--out", tmp_path, "--variants", "1")
    assert code == 2 and f"--out: {tmp_path} is a folder" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["0", "501", "-1", "two", "1e3", ""])
def test_the_number_of_variants_is_checked_once_for_all(text):
    with pytest.raises(argparse.ArgumentTypeError, match=f"from 1 to {selection.MAX_VARIANTS}, got {text!r}"):
        selection.variant_count(text)
    assert selection.variant_count("500") == 500 and selection.variant_count(" 1 ") == 1
