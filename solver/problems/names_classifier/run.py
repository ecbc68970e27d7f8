"""Problem 4's notebook run: the solution cells executed once, and what hw6 reads of it.

The run is :func:`solver.notebooks.execute.run` of exactly the cells the notebook
build executes (so building the notebook afterwards is a cache hit, and a batch of
variants with equal Problem 4 parameters trains once). hw6 reads two files it
wrote: ``submission_log.json`` (what the sheet reports) and the saved weights,
which :func:`numpy_weights` turns into :mod:`solver.nn`'s names and layouts so the
NumPy layers recompute every test prediction as an independent second backend.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...io.cache import Cache
from ...nn import Ensemble, SequenceClassifier
from ...nn.mirrors import TORCH_GATE_ORDER
from ...nn.ngrams import NgramVocabulary
from ...notebooks.cells import Cell
from ...notebooks.execute import run
from ...notebooks.solution import Contribution, plan
from .data import ALPHABET
from .notebook import LOG_FILE, TIMING_FILE, WEIGHTS_FILE
from .params import TrainingConfig
from .training import CASE_FOLD, EPOCH_FIELDS, new_model


@dataclass(frozen=True)
class NotebookRun:
    """What the solution notebook's Problem 4 cells computed."""

    config: TrainingConfig
    log: dict[str, Any]  # its submission_log.json (format 3)
    log_bytes: bytes = field(repr=False)  # that file as written
    weights: tuple[dict[str, np.ndarray], ...]  # each network's parameters in solver.nn's names, float64
    ngrams: NgramVocabulary | None  # its n-gram vocabulary as solver.nn keys (rows of the weights reordered to match)
    outputs: Mapping[str, list[Any]] = field(default_factory=dict, repr=False)  # each code cell's outputs
    timing: Mapping[str, float] = field(default_factory=dict)  # the training cell's own: wall and CPU seconds

    @property
    def epochs(self) -> tuple[dict[str, float], ...]:
        """Each epoch's records (the mean over the networks), the fields of the sheet's curves."""
        return tuple({name: float(epoch[name]) for name in EPOCH_FIELDS} for epoch in self.log["epochs"])

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(self.config.seed + k for k in range(len(self.weights)))

    def model(self) -> Ensemble:
        """The trained networks in NumPy (float64), their probabilities averaged."""
        classes = len(self.log["data"]["languages"])
        networks = []
        for weights in self.weights:
            network: SequenceClassifier = new_model(self.config, classes, self.ngrams)
            network.load(weights)
            networks.append(network)
        return Ensemble(tuple(networks))

    def printed(self, cell: str) -> str:
        """What a cell printed."""
        return "".join(o.get("text", "") for o in self.outputs.get(cell, []) if o.get("output_type") == "stream")


def execute(cells: list[Cell], cache: Cache, data_folders: Mapping[str, Path], config: TrainingConfig) -> NotebookRun:
    """Run the cells as the notebook build runs Problem 4's (one kernel, every code cell shown)."""

    (only,) = plan([Contribution(tuple(cells), data_folders)])
    ran = run(only.cells, only.shown, cache, only.data_folders, keep=(LOG_FILE, WEIGHTS_FILE, TIMING_FILE))
    log = json.loads(ran.files[LOG_FILE].decode("utf-8"))
    networks, grams = _read_weights(ran.files[WEIGHTS_FILE])
    ngrams, weights = numpy_weights(networks, grams, config)
    return NotebookRun(
        config,
        log,
        ran.files[LOG_FILE],
        weights,
        ngrams,
        ran.outputs,
        {name: float(value) for name, value in json.loads(ran.files[TIMING_FILE]).items()},
    )


def _read_weights(data: bytes) -> tuple[list[dict[str, np.ndarray]], list[str]]:
    """The saved .npz: each network's state dict ("k/name" -> array) as float64, and the n-grams in row order."""
    with np.load(io.BytesIO(data), allow_pickle=False) as saved:
        networks: dict[int, dict[str, np.ndarray]] = {}
        for key in saved.files:
            if key != "ngrams":
                k, name = key.split("/", 1)
                networks.setdefault(int(k), {})[name] = saved[key].astype(np.float64)
        return [networks[k] for k in sorted(networks)], saved["ngrams"].tolist()


def ngram_keys(grams: list[str], longest: int) -> np.ndarray:
    """The notebook's n-grams ("<mc", "son>") as :mod:`solver.nn.ngrams`' integer keys (the same symbols)."""
    folded = ALPHABET.lower()
    symbols = int(CASE_FOLD.max()) + 1
    start, end, base = symbols, symbols + 1, symbols + 2
    keys = []
    for gram in grams:
        codes = [start if c == "<" else end if c == ">" else folded.index(c) for c in gram]
        keys.append(len(gram) * base**longest + sum(code * base ** (len(gram) - 1 - j) for j, code in enumerate(codes)))
    return np.array(keys, dtype=np.int64)


def _gates(torch_layout: np.ndarray) -> np.ndarray:
    """torch's (4H, ...) LSTM blocks i, f, g, o -> solver.nn's (..., 4H) blocks f, i, o, g."""
    blocks = np.split(torch_layout.T, 4, axis=-1)
    return np.concatenate([blocks[TORCH_GATE_ORDER.index(k)] for k in range(4)], axis=-1)


def numpy_weights(
    networks: list[dict[str, np.ndarray]], grams: list[str], config: TrainingConfig
) -> tuple[NgramVocabulary | None, tuple[dict[str, np.ndarray], ...]]:
    """The notebook's state dicts in solver.nn's parameter names and layouts (one bias per layer, the
    sum of torch's two), and its n-gram vocabulary with the bag's rows in the NumPy vocabulary's order."""
    vocabulary, order = None, None
    if config.ngram_length:
        keys = ngram_keys(grams, config.ngram_length)
        order = np.argsort(keys, kind="stable")
        vocabulary = NgramVocabulary(keys[order], CASE_FOLD, config.ngram_length)
    converted = []
    for state in networks:
        weights = {"embedding.weight": state["embedding.weight"]}
        for ours, theirs in (("rnn", "forwards"), ("reverse", "backwards")):
            if ours == "reverse" and not config.bidirectional:
                continue
            for k in range(config.layers):
                w_ih, w_hh = state[f"{theirs}.weight_ih_l{k}"], state[f"{theirs}.weight_hh_l{k}"]
                bias = state[f"{theirs}.bias_ih_l{k}"] + state[f"{theirs}.bias_hh_l{k}"]
                if config.cell == "lstm":
                    weights |= {f"{ours}.{k}.U": _gates(w_ih), f"{ours}.{k}.W": _gates(w_hh)}
                    weights[f"{ours}.{k}.b"] = _gates(bias[:, None])[0]
                else:
                    weights |= {f"{ours}.{k}.W_x": w_ih, f"{ours}.{k}.W_h": w_hh, f"{ours}.{k}.b": bias}
        if order is not None:
            weights["ngrams.weight"] = state["ngrams.weight"][order]
        weights |= {"head.weight": state["head.weight"], "head.bias": state["head.bias"]}
        converted.append(weights)
    return vocabulary, tuple(converted)
