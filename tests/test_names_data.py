"""Loading the surnames: normalisation, malformed files, the stratified split."""

from __future__ import annotations

import os

import numpy as np
import pytest

from solver.kernel.errors import InputFileError
from solver.problems.names_classifier.data import NamesData, encode, load_names, name_split, stratified_split, to_ascii
from solver.problems.names_classifier.evaluation import Evaluation

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


def test_hidden_and_irregular_files_are_skipped_and_said(tmp_path):
    (tmp_path / "Good.txt").write_text("Smith\nJones\nBrown\n", encoding="utf-8")
    (tmp_path / "Other.txt").write_text("Le\nPham\nTran\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Aa\nBb\nCc\nDd\n", encoding="utf-8")
    (tmp_path / "._Good.txt").write_bytes(b"\x00\x05\x16\x07Mac OS X")  # a macOS zip leftover
    (tmp_path / "Folder.txt").mkdir()
    os.mkfifo(tmp_path / "Pipe.txt")  # read, it would wait forever
    (tmp_path / "Gone.txt").symlink_to(tmp_path / "missing.txt")
    data = load_names(tmp_path)
    assert data.languages == ("Good", "Other") and ".hidden" not in data.languages
    assert data.skipped == {
        "file .hidden.txt (hidden)": 1,
        "file ._Good.txt (hidden)": 1,
        "file Folder.txt (not a regular file)": 1,
        "file Pipe.txt (not a regular file)": 1,
        "file Gone.txt (not a regular file)": 1,
    }
    assert "file .hidden.txt (hidden) skipped" in data.skipped_text()


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


def test_name_split_puts_each_name_in_one_part_and_counts_held_out_names_once():
    names = ("Abel", "Abel", "Smith", "Ivanov", "Petrov", "Sokolov", "Orlov", "Young", "Black", "Brown", "Grey")
    labels = np.array([0, 1, 0, 2, 2, 2, 2, 0, 1, 0, 1])
    data = NamesData(names, labels, ("English", "French", "Russian"))
    assert data.listed_under["Abel"] == (0, 1)
    assert data.primary[0] == data.primary[1] == 1  # French has fewer names than English
    split = name_split(data, (0.5, 0.25, 0.25), seed=4)
    parts = [{names[i] for i in part} for part in (split.train, split.validation, split.test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert set().union(*parts) == set(names)
    held_out = np.concatenate([split.validation, split.test])
    assert len({names[i] for i in held_out}) == len(held_out)  # one pair per held-out name ...
    assert all(labels[i] == data.primary[i] for i in held_out)  # ... that of its primary language
    if "Abel" in parts[0]:
        assert {0, 1} <= set(split.train.tolist())  # a training name trains with all its languages


def test_a_name_of_two_languages_is_right_when_called_either():
    listed = np.array([[True, True, False], [False, False, True], [True, False, False]])
    chances = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.1, 0.8, 0.1]])
    evaluation = Evaluation(np.array([1, 2, 0]), chances, listed)
    assert evaluation.targets.tolist() == [0, 2, 0]  # the first counts under English, where it was named
    assert evaluation.accuracy == 1 / 3
    assert evaluation.confusion.tolist() == [[1, 1, 0], [0, 0, 0], [1, 0, 0]]
    assert Evaluation(np.array([1, 2, 0]), chances).accuracy == 0.0  # without the lists: only the primary
