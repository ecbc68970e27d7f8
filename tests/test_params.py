"""Reading parameters: exact numbers, strict keys and types, clear messages."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.build.pipeline import params_from_data, read_params
from solver.io.files import dump_json, parse_structured
from solver.kernel.errors import InputFileError, ParamsError
from solver.kernel.exact import exact_json, exact_text, to_rational


@pytest.mark.parametrize(
    "raw, expected",
    [
        (3, sp.Integer(3)),
        ("0.5", sp.Rational(1, 2)),
        (Decimal("-0.36"), sp.Rational(-9, 25)),
        (0.1, sp.Rational(1, 10)),
        ("1/3", sp.Rational(1, 3)),
        (" -2 / 6 ", sp.Rational(-1, 3)),
        ("1e-3", sp.Rational(1, 1000)),
        ("\u22122", sp.Integer(-2)),
        (Fraction(2, 4), sp.Rational(1, 2)),
    ],
)
def test_numbers_are_read_exactly(raw, expected):
    assert to_rational(raw, "x") == expected


@pytest.mark.parametrize(
    "raw", [True, None, "abc", "1/0", float("nan"), float("inf"), "1e999999", [1], "2**3", "__import__('os')"]
)
def test_bad_numbers_name_the_field(raw):
    with pytest.raises(ParamsError) as info:
        to_rational(raw, "conv.signal[2]")
    assert str(info.value).startswith("conv.signal[2]: expected")


@pytest.mark.parametrize(
    "value, text, json_value",
    [
        (sp.Rational(-9, 25), "-0.36", "-0.36"),
        (sp.Rational(1, 3), "1/3", "1/3"),
        (sp.Integer(-4), "-4", -4),
        (sp.Rational(1, 8), "0.125", "0.125"),
    ],
)
def test_exact_text_round_trips(value, text, json_value):
    assert exact_text(value) == text
    assert exact_json(value) == json_value
    assert to_rational(text, "x") == value


def test_yaml_decimals_stay_exact():
    data = parse_structured("a: 0.1\nb: -0.36\nc: 1_000.5\n", "p.yaml")
    assert data == {"a": Decimal("0.1"), "b": Decimal("-0.36"), "c": Decimal("1000.5")}


def test_defaults_are_the_homework_values():
    assert read_params(None)["rnn_backprop"].steps == 3


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"rnn_backprop": {"steps": "three"}}, "rnn_backprop.steps: expected an integer from 1 to 1000, got 'three'"),
        ({"rnn_backprop": {"steps": 0}}, "rnn_backprop.steps: expected an integer from 1 to 1000, got 0"),
        ({"rnn_backprop": {"steps": 1001}}, "rnn_backprop.steps: expected an integer from 1 to 1000, got 1001"),
        (
            {"rnn_backprop": {"steps": Decimal("2.5")}},
            "rnn_backprop.steps: expected an integer from 1 to 1000, got Decimal('2.5')",
        ),
        ({"rnn_backprop": {"steps": True}}, "rnn_backprop.steps: expected an integer"),
        ({"rnn_backprop": {"steps": None}}, "rnn_backprop.steps: expected an integer"),
        ({"rnn_backprop": {"stepz": 3}}, "rnn_backprop.stepz: expected no such key; rnn_backprop takes steps"),
        ({"rnn_backprop": [3]}, "rnn_backprop: expected a mapping with keys steps"),
        ({"rnn_backprob": {}}, "rnn_backprob: expected a known section: rnn_backprop"),
        ([1, 2], "parameters: expected a mapping whose keys are sections"),
    ],
)
def test_bad_parameters_get_one_clear_message(raw, message):
    with pytest.raises(ParamsError) as info:
        params_from_data(raw)
    assert str(info.value).startswith(message)


def test_missing_sections_and_empty_file_take_defaults():
    assert params_from_data(None)["rnn_backprop"].steps == 3
    assert params_from_data({"rnn_backprop": None})["rnn_backprop"].steps == 3


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("p.yaml", "rnn_backprop: {steps: [}", "not valid YAML"),
        ("p.json", '{"rnn_backprop": {"steps": 3,}}', "not valid JSON"),
        ("p.json", '{"rnn_backprop": {"steps": NaN}}', "rnn_backprop.steps: NaN is not a number hw6 accepts"),
        ("p.yaml", "a: &x [1]\nb: *x\n", "aliases"),
        ("p.yaml", "a: 1\na: 2\n", "duplicate key"),
        ("p.yaml", "!!python/object/apply:os.system ['true']", "not valid YAML"),
    ],
)
def test_malformed_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputFileError) as info:
        read_params(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_params(tmp_path / "missing.yaml")
    with pytest.raises(InputFileError, match="is a folder"):
        read_params(tmp_path)
    binary = tmp_path / "p.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputFileError, match="not UTF-8"):
        read_params(binary)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200)
@given(json_values)
def test_dump_json_reads_back_to_the_same_data(value):
    text = dump_json(value)
    assert text.endswith("\n") and json.loads(text) == value
