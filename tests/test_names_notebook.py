"""Problem 4's PyTorch notebook: its data step and split against hw6's, its network against the NumPy layers.

The notebook's functions (solver.problems.names_classifier.notebook_code) are
what students read and what the build trains with; hw6's own reading, split
and NumPy layers are the independent second route the build checks them by.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.nn.ngrams import NgramVocabulary
from solver.problems.names_classifier import notebook
from solver.problems.names_classifier.data import encode, folder_facts, load_names, name_split
from solver.problems.names_classifier.params import Params, TrainingConfig
from solver.problems.names_classifier.run import ngram_keys, numpy_weights
from solver.problems.names_classifier.training import CASE_FOLD, new_model

from .conftest import NAMES_DIR

if os.environ.get("HW6_REQUIRE_TORCH") == "1" or os.environ.get("CI") == "true":
    import torch  # a missing torch fails here, as conftest's torch fixture does
else:
    torch = pytest.importorskip("torch")

from solver.problems.names_classifier import notebook_code as nc  # noqa: E402 (it imports torch)

ROOT = Path(__file__).resolve().parents[1]
needs_names = pytest.mark.skipif(not NAMES_DIR.is_dir(), reason="shared names data set not present")


@needs_names
def test_the_notebook_reads_and_splits_the_data_as_the_key_does():
    names, labels, languages, read = nc.read_surnames(NAMES_DIR)
    data = load_names(NAMES_DIR)
    assert (tuple(names), labels.tolist(), tuple(languages)) == (data.names, data.labels.tolist(), data.languages)
    assert nc.fingerprint(names, labels, languages) == data.fingerprint()
    assert (read["files"], read["lines"], read["digest"]) == folder_facts(NAMES_DIR)
    config = TrainingConfig()
    train, validation, test, listed = nc.split_by_name(names, labels, config.fractions, config.split_seed)
    split = name_split(data, config.fractions, config.split_seed)
    assert test.tolist() == split.test.tolist()  # exactly the key's test names, in its order
    assert validation.tolist() == split.validation.tolist()
    assert train.tolist() == split.train.tolist()
    for i in split.test.tolist():  # each held-out name's languages, the one it counts under first
        assert listed[data.names[i]][0] == data.primary[i]
        assert sorted(listed[data.names[i]]) == sorted(data.listed_under[data.names[i]])


@needs_names
def test_the_notebook_ngrams_are_the_numpy_vocabulary():
    data = load_names(NAMES_DIR)
    split = name_split(data, TrainingConfig().fractions, 0)
    training = list(dict.fromkeys(data.names[i] for i in split.train.tolist()))
    vocabulary = nc.ngram_vocabulary(training, 4, 2)
    codes, lengths = encode(training)
    fitted = NgramVocabulary.fit(codes, lengths, CASE_FOLD, 4, 2)
    assert sorted(ngram_keys(list(vocabulary), 4).tolist()) == fitted.keys.tolist()


def test_the_reader_skips_hidden_files_folders_and_lines_that_are_not_text(tmp_path):
    (tmp_path / "Good.txt").write_bytes(b"Smith\nJones\nBad\xffname\nTab\x01bed\n\nSmith\nBrown\n")
    (tmp_path / ".hidden.txt").write_text("Aa\n", encoding="utf-8")
    (tmp_path / "Folder.txt").mkdir()
    (tmp_path / "Other.txt").write_text("Ng\nLe\nTran\n", encoding="utf-8")
    names, labels, languages, read = nc.read_surnames(tmp_path)
    assert languages == ["Good", "Other"] and names == ["Smith", "Jones", "Brown", "Ng", "Le", "Tran"]
    assert labels.tolist() == [0, 0, 0, 1, 1, 1] and read["files"] == 2 and read["lines"] == 10
    data = load_names(tmp_path)  # hw6's reader: the same pairs, the same facts
    assert nc.fingerprint(names, labels, languages) == data.fingerprint()
    assert (read["files"], read["lines"], read["digest"]) == folder_facts(tmp_path)


def test_scores_count_a_name_right_under_any_of_its_languages():
    languages = ["A", "B", "C"]
    truths = [[0], [1, 0], [1, 0], [2]]  # rarest first
    accuracy, balanced, tally = nc.scores([0, 0, 2, 1], truths, languages)
    assert accuracy == pytest.approx(0.5)
    assert tally == {"A": [2, 2], "B": [0, 1], "C": [0, 1]}  # the miss of name 3 counts under B, its rarest
    assert balanced == pytest.approx(1 / 3)


NAME_CHARACTERS = st.text(alphabet=nc.ALPHABET, min_size=1, max_size=9)


@settings(max_examples=25, deadline=None)
@given(
    cell=st.sampled_from(["lstm", "rnn"]),
    bidirectional=st.booleans(),
    layers=st.integers(1, 2),
    ngram_length=st.integers(0, 3),
    seed=st.integers(0, 2**16),
    names=st.lists(NAME_CHARACTERS, min_size=1, max_size=6),
)
def test_the_torch_and_numpy_forward_passes_agree(cell, bidirectional, layers, ngram_length, seed, names):
    config = TrainingConfig(
        cell=cell,
        hidden_size=5,
        embedding_size=4,
        layers=layers,
        bidirectional=bidirectional,
        ngram_length=ngram_length,
        ngram_size=3,
        ngram_min_count=1,
        networks=1,
    )
    vocabulary = nc.ngram_vocabulary(names[:3], max(ngram_length, 1), 1) if ngram_length else {}
    torch.manual_seed(seed)
    network = nc.SurnameClassifier(
        4,
        len(vocabulary),
        cell=cell,
        embedding=4,
        hidden=5,
        layers=layers,
        bidirectional=bidirectional,
        ngram_size=3,
        dropout=0.5,
    ).double()
    network.eval()
    with torch.no_grad():
        for parameter in network.parameters():  # torch's initialisation, but not its scale: every weight matters
            parameter.uniform_(-1.0, 1.0)
        logits = network(nc.make_batch(names, vocabulary, max(ngram_length, 1))).numpy()
    state = {name: value.numpy() for name, value in network.state_dict().items()}
    ngrams, (weights,) = numpy_weights([state], list(vocabulary), config)
    model = new_model(config, 4, ngrams)
    model.load(weights)
    codes, lengths = encode(names)
    ours, _ = model.forward(codes, lengths)
    np.testing.assert_allclose(ours, logits, rtol=1e-10, atol=1e-12)


def test_the_starter_raises_until_the_todos_are_filled():
    facts = notebook.DataFacts(18, 20074, "0" * 64)
    cells = notebook.problem_cells(Params(), facts, ("Hinton",))
    todos = [cell for cell in cells if cell.role == "todo"]
    assert [cell.name for cell in todos] == ["p4-forward", "p4-epoch"]
    namespace: dict = {}
    exec(next(c for c in cells if c.name == "p4-imports").solution, namespace)
    for cell in todos:
        assert "# TODO" in cell.starter and "# TODO" not in cell.solution
        exec(cell.starter, namespace)
    with pytest.raises(NotImplementedError, match="classifier_forward is yours to write"):
        namespace["classifier_forward"](None, None)
    with pytest.raises(NotImplementedError, match="train_one_epoch is yours to write"):
        namespace["train_one_epoch"](None, None, None, None, [])


def test_the_cells_name_the_targets_and_write_the_log():
    cells = notebook.problem_cells(Params(), notebook.DataFacts(18, 20074, "0" * 64), ())
    title = next(c for c in cells if c.name == "p4-title").solution
    assert "85%" in title and "65%" in title
    last = cells[-1].solution
    assert '"format": 3' in last and '"predictions"' in last and notebook.LOG_FILE in last


def test_hw6_builds_the_cells_and_reads_the_weights_without_torch(tmp_path):
    """Only the notebook's kernel imports torch: hw6's process reads notebook_code.py and the .npz weights."""
    program = """
import io, sys
import numpy as np
from solver.problems.names_classifier import notebook, run
from solver.problems.names_classifier.params import Params
cells = notebook.problem_cells(Params(), notebook.DataFacts(1, 2, "x"), ("Hinton",))
buffer = io.BytesIO()
np.savez(buffer, ngrams=np.array(["<a", "b>"]), **{"0/head.bias": np.zeros(2, np.float32)})
networks, grams = run._read_weights(buffer.getvalue())
assert grams == ["<a", "b>"] and networks[0]["head.bias"].dtype == np.float64
print(len(cells), "torch" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.split()[1] == "False"
