"""Every documented parameter key, given at least 15 bad values each, is one line on stderr
naming the key and exit 2, never a traceback (issue 13).

The keys are walked from the parameter dataclasses themselves (every problem's ``Params``,
the ``grading`` section, the ``variant`` section of a params.json and the ``--variant-options``
file), so a new field is covered without editing this file. Each bad value is YAML text so that
explicit tags can be tried; the CLI runs in-process and stops at reading, so this stays fast.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest
import sympy as sp

from solver.build.pipeline import OTHER_SECTIONS
from solver.problems import PROBLEMS

from .conftest import SKIP_NAMES

DEEP = "[" * 300 + "]" * 300
TAGGED = ["!!int abc", "!!float x", "!!bool maybe", "!!timestamp nope", "!!binary '***'", "!!python/name:os.system"]
ANY_TYPE = ["{a: 1}", DEEP, "1" * 5000, "-" + "9" * 5000, "1." + "5" * 5000, "2021-01-01", "!!binary aGk=", *TAGGED]


@dataclasses.dataclass(frozen=True)
class Leaf:
    path: tuple[str, ...]
    annotation: object
    minimum: object
    maximum: object

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def leaves(cls: type, path: tuple[str, ...]) -> list[Leaf]:
    hints = typing.get_type_hints(cls)
    found = []
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        if dataclasses.is_dataclass(hints[field.name]):
            found += leaves(hints[field.name], (*path, field.name))
        else:
            meta = field.metadata
            found.append(Leaf((*path, field.name), hints[field.name], meta.get("minimum"), meta.get("maximum")))
    return found


def _numbers_out_of_range(leaf: Leaf, integer: bool) -> list[str]:
    values = []
    if leaf.minimum is not None:
        below = sp.Rational(leaf.minimum) - (1 if integer else sp.Rational(1, 1000))
        values += [str(below) if integer else f'"{below}"', "-1" + "0" * 400]
    if leaf.maximum is not None:
        above = sp.Rational(leaf.maximum) + (1 if integer else sp.Rational(1, 1000))
        values += [str(above) if integer else f'"{above}"', "1" + "0" * 400, "1e5000"]
    return values


def bad_values(leaf: Leaf) -> list[str]:
    """YAML texts that ``leaf`` must refuse, whatever its type."""
    annotation, origin = leaf.annotation, typing.get_origin(leaf.annotation)
    common = ["[1, 2]", *ANY_TYPE]
    if annotation is int:
        return [
            *common,
            '"abc"',
            "true",
            "null",
            "1.5",
            '"3"',
            ".nan",
            ".inf",
            "-.inf",
            *_numbers_out_of_range(leaf, True),
        ]
    if annotation is sp.Rational:
        return [
            *common,
            '"abc"',
            "true",
            "null",
            ".nan",
            ".inf",
            "-.inf",
            '"1/0"',
            '"0x10"',
            *_numbers_out_of_range(leaf, False),
        ]
    if annotation is bool:
        return [*common, "1", "0", '"true"', "null", ".nan", '"maybe"', "[true]"]
    if origin is typing.Literal:
        return [
            *common,
            "3",
            '"nope"',
            "true",
            "null",
            ".nan",
            '""',
            f'"{str(typing.get_args(annotation)[0]).upper()}"',
        ]
    if leaf.dotted == "beam_search.vocabulary":
        huge = "[" + ", ".join(f"w{i}" for i in range(400_000)) + "]"  # about 3 MB
        return [*ANY_TYPE, "5", '"neural network"', "[1, 2]", "[]", "[null]", "[[a]]", '["two words", b]', huge, ".nan"]
    if leaf.dotted == "beam_search.tree":
        return [
            *ANY_TYPE,
            "5",
            '"x"',
            "[1]",
            "null",
            '{"": 5}',
            '{"": {neural: abc}}',
            '{"": {neural: .nan}}',
            '{"": []}',
        ]
    if leaf.dotted == "grading.points":
        return [
            *ANY_TYPE,
            "5",
            '"x"',
            "[1]",
            "{1b: -1}",
            "{1b: 1001}",
            "{1b: abc}",
            "{nope: 1}",
            "{1b: .nan}",
            "{1b: .inf}",
            "{1b: true}",
            "{1b: [1]}",
        ]
    if leaf.dotted.startswith("document."):  # one line of text
        empty = [] if leaf.dotted in ("document.course_name", "document.author") else ['""', '"   "']
        return [*ANY_TYPE, "5", "true", "null", "[a]", '"two\\nlines"', '"tab\\there"', '"' + "x" * 121 + '"', *empty]
    if leaf.dotted == "names_classifier.samples":
        return [*ANY_TYPE, "5", '"x"', "[1]", "[null]", "[[a]]", "[" + ", ".join(["Ng"] * 13) + "]", "[.nan]"]
    # lists of numbers (conv_filter.signal/output) or of rows (transpose_conv.input/filter)
    return [
        *ANY_TYPE,
        "5",
        '"x"',
        "[]",
        "[a]",
        "[.nan]",
        "[1e5000]",
        "[" + ", ".join(["1"] * 17) + "]",
        "[null]",
        "[true]",
        "[[1], [1, 2]]",
        "[[" + "], [".join(["1, 1, 1, 1, 1, 1, 1"] * 7) + "]]",
    ]


PARAMS = [leaf for problem in PROBLEMS for leaf in leaves(problem.params_type, (problem.section,))]
PARAMS += [leaf for name, cls in OTHER_SECTIONS.items() for leaf in leaves(cls, (name,))]
OPTIONS = [leaf for p in PROBLEMS if p.sample_options is not None for leaf in leaves(p.sample_options, (p.section,))]
VARIANT_SECTION = [
    "5",
    "[1]",
    "{}",
    "{seed: -1}",
    '{seed: "x"}',
    "{seed: 9223372036854775808}",
    "{seed: 1, extra: 1}",
    "{seed: .nan}",
    "{seed: 1.5}",
    "{seed: true}",
    "{seed: !!int abc}",
    "{seed: " + "1" * 5000 + "}",
    "{seed: " + DEEP + "}",
    "{seed: 1, options: 5}",
    "{seed: 1, options: {nope: 1}}",
    "{seed: 1, options: {beam_search: {misses_optimum: 3}}}",
]


def nested(path: tuple[str, ...], value: str) -> str:
    lines = [f"{'  ' * depth}{key}:" for depth, key in enumerate(path)]
    return "\n".join(lines) + f" {value}\n"


def assert_one_line_naming(code: int, out: str, err: str, key: str, value: str) -> None:
    shown = value if len(value) < 60 else value[:57] + "..."
    assert code == 2, f"{key} = {shown}: exit {code}, stderr {err!r}"
    assert err.startswith("hw6: error: ") and err.count("\n") == 1, f"{key} = {shown}: {err!r}"
    assert key in err and "Traceback" not in err, f"{key} = {shown}: {err!r}"
    assert out == ""


def test_every_documented_key_is_walked():
    walked = {leaf.dotted for leaf in PARAMS}
    assert {"rnn_backprop.steps", "beam_search.tree", "rnn_lstm.training.dtype", "grading.points"} <= walked
    assert {leaf.dotted for leaf in OPTIONS} == {
        "beam_search.misses_optimum",
        *(f"{section}.structure" for section in ("rnn_backprop", "beam_search", "conv_filter", "transpose_conv")),
    }
    assert all(len(bad_values(leaf)) >= 15 for leaf in PARAMS + OPTIONS)


@pytest.mark.parametrize("leaf", PARAMS, ids=lambda leaf: leaf.dotted)
def test_bad_parameter_values(run_cli, tmp_path: Path, leaf: Leaf):
    params = tmp_path / "p.yaml"
    for value in bad_values(leaf):
        params.write_text(nested(leaf.path, value))
        assert_one_line_naming(*run_cli("key", *SKIP_NAMES, "--params", params), leaf.dotted, value)


@pytest.mark.parametrize("leaf", OPTIONS, ids=lambda leaf: leaf.dotted)
def test_bad_variant_options(run_cli, tmp_path: Path, leaf: Leaf):
    options = tmp_path / "o.yaml"
    for value in bad_values(leaf):
        options.write_text(nested(leaf.path, value))
        result = run_cli(
            "build", *SKIP_NAMES, "--seed", 1, "--variant-options", options, "--no-pdf", "--out", tmp_path / "o"
        )
        assert_one_line_naming(*result, leaf.dotted, value)
        assert not (tmp_path / "o").exists()


def test_bad_variant_sections(run_cli, tmp_path: Path):
    params = tmp_path / "p.yaml"
    for value in VARIANT_SECTION:
        params.write_text(f"variant: {value}\n")
        assert_one_line_naming(*run_cli("key", *SKIP_NAMES, "--params", params), "variant", value)


@pytest.mark.parametrize("value", ["1" * 5000, "NaN", "Infinity", "[" * 300 + "]" * 300, "1." + "2" * 5000])
def test_json_parameters_name_the_key_too(run_cli, tmp_path: Path, value: str):
    params = tmp_path / "p.json"
    params.write_text('{"rnn_lstm": {"study": {"steps": %s}}}' % value)
    assert_one_line_naming(*run_cli("key", *SKIP_NAMES, "--params", params), "rnn_lstm.study.steps", value)
