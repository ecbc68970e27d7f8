"""Loading the surnames: normalisation, malformed files, the stratified split."""

from __future__ import annotations

import numpy as np
import pytest

from solver.core.errors import InputFileError
from solver.problems.names_classifier.data import encode, load_names, stratified_split, to_ascii

from .conftest import NAMES_DIR

needs_names = pytest.mark.skipif(not NAMES_DIR.is_dir(), reason="shared names data set not present")


def test_normalises_like_the_tutorial():
    assert to_ascii("Ślusàrski") == "Slusarski"
    assert to_ascii("Béringer") == "Beringer"
    assert to_ascii("O'Néal-Smith") == "O'NealSmith"
    assert to_ascii("张") == ""


@needs_names
def test_the_shared_data_set():
    data = load_names(NAMES_DIR)
    assert len(data.languages) == 18 and data.languages[0] == "Arabic"
    assert len(data.names) + data.duplicates == 20074
    assert not data.skipped
    assert data.counts()["Russian"] > data.counts()["Vietnamese"]


def test_malformed_files_are_counted_not_fatal(tmp_path):
    (tmp_path / "Good.txt").write_text("Smith\nJones\nSmith\nBrown\n", encoding="utf-8")
    (tmp_path / "Odd.txt").write_bytes(b"Nguy\xffen\nTran\n\x00\x01bin\n\xe5\xbc\xa0\n\n  \nLe\nPham\n")
    (tmp_path / "Tiny.txt").write_text("Ng\nNg\nLi\n", encoding="utf-8")  # two names: too few to split
    (tmp_path / "Empty.txt").write_bytes(b"")
    (tmp_path / "notes.md").write_text("not a language")
    data = load_names(tmp_path)
    assert data.languages == ("Good", "Odd")
    assert sorted(data.names) == ["Brown", "Jones", "Le", "Pham", "Smith", "Tran"]
    assert data.duplicates == 2
    assert data.skipped == {
        "not UTF-8": 1,
        "control characters": 1,
        "no letters after normalising": 1,
        "file with no usable names (Empty.txt)": 1,
        "file with fewer than 3 names (Tiny.txt)": 1,
    }


@pytest.mark.parametrize(
    "setup, message",
    [("missing", "no such folder"), ("empty", "no <Language>.txt files"), ("one", "at least two languages")],
)
def test_unusable_folders(tmp_path, setup, message):
    folder = tmp_path / "names"
    if setup != "missing":
        folder.mkdir()
    if setup == "one":
        (folder / "Only.txt").write_text("Smith\n")
    with pytest.raises(InputFileError, match=message):
        load_names(folder)


def test_stratified_split_keeps_every_language_in_every_part():
    labels = np.repeat(np.arange(4), [100, 10, 3, 1])
    split = stratified_split(labels, (0.8, 0.1, 0.1), seed=0)
    everything = np.concatenate([split.train, split.validation, split.test])
    assert sorted(everything) == list(range(len(labels)))
    assert set(labels[split.test]) == {0, 1, 2, 3}
    assert abs(np.mean(labels[split.train] == 0) - 100 / 114) < 0.05
    again = stratified_split(labels, (0.8, 0.1, 0.1), seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(split.__dict__.values(), again.__dict__.values(), strict=False))


def test_encode_pads_and_reports_lengths():
    codes, lengths = encode(["ab", "abc"])
    assert codes.shape == (2, 3) and list(lengths) == [2, 3] and codes[0, 2] == 0
