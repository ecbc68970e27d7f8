"""The code of Problem 4's notebook, in PyTorch: reading the surnames, the split by name, the network, training, scores.

The notebook's cells are these functions' own source (:mod:`.notebook` takes them
with :func:`solver.notebooks.cells.given` and ``todo``), so the tests run exactly
the code students read, and the build runs it to train the classifier the sheet
reports. Written for students: one idea per function, shapes in the comments,
nothing from hw6 imported. This module imports torch, so only the notebook's
builder (lazily) and the tests load it; the grading engine never does.
"""

from __future__ import annotations

import hashlib
import json
import math
import string
import unicodedata
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

ALPHABET = string.ascii_letters + " .,;'"


def normalise(name):
    """The name in ASCII as the PyTorch tutorial reads it: accents dropped, characters outside ALPHABET removed."""
    decomposed = unicodedata.normalize("NFD", name)  # "é" -> "e" + a combining accent (category Mn)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn" and c in ALPHABET)


def read_surnames(folder):
    """Every <Language>.txt of ``folder``, in file-name order: names, labels (N,), languages, and what was read.

    Each (name, language) pair is kept once; lines that are not UTF-8 text are skipped. ``read`` counts the files and lines and holds the SHA-256
    of the files' names and bytes, to compare with the data the homework was built with.
    """
    names, labels, languages = [], [], []
    digest, lines = hashlib.sha256(), 0
    paths = [path for path in sorted(Path(folder).glob("*.txt")) if path.is_file() and not path.name.startswith(".")]
    for path in paths:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        seen = set()
        for line in raw.splitlines():
            lines += 1
            try:
                text = line.decode("utf-8").strip()
            except UnicodeDecodeError:
                continue  # not text: skipped
            if any(unicodedata.category(c) == "Cc" for c in text):
                continue  # control characters: skipped
            name = normalise(text)
            if name.strip() and name not in seen:
                seen.add(name)
                names.append(name)
                labels.append(len(languages))
        languages.append(path.stem)
    read = {"files": len(paths), "lines": lines, "digest": digest.hexdigest()}
    return names, np.array(labels), languages, read


def fingerprint(names, labels, languages):
    """SHA-256 of the normalised names, their labels and the languages: what training sees (the log's data)."""
    content = {"languages": list(languages), "names": list(names), "labels": [int(k) for k in labels]}
    return hashlib.sha256(json.dumps(content, separators=(",", ":")).encode("ascii")).hexdigest()


def split_by_name(names, labels, fractions, seed):
    """Train, validation and test pair indices, each distinct name wholly in one part; and each name's languages.

    A name listed under several languages counts under the rarest of them (fewest names; ties: the
    first language): its languages come rarest first. Each language's names are shuffled with
    ``seed`` and cut by ``fractions`` (train, validation, test; at least one test name each). Every
    pair of a training name trains; a held-out name is held out once, as its rarest language's pair.
    """
    sizes = np.bincount(labels)  # (C,) pairs per language
    listed = {}  # name -> its languages, rarest first
    for name, label in zip(names, labels.tolist(), strict=True):
        listed.setdefault(name, []).append(label)
    for name, found in listed.items():
        listed[name] = sorted(found, key=lambda c: (sizes[c], c))
    distinct = list(listed)  # in the order first read
    rarest = np.array([listed[name][0] for name in distinct])  # (D,)
    rng = np.random.default_rng(seed)
    parts = ([], [], [])  # distinct-name indices of train, validation, test
    for language in np.unique(rarest):
        members = rng.permutation(np.flatnonzero(rarest == language))
        n_test = max(1, round(fractions[2] * len(members)))
        n_validation = max(1, round(fractions[1] * len(members))) if len(members) > 2 else 0
        parts[2].extend(members[:n_test].tolist())
        parts[1].extend(members[n_test : n_test + n_validation].tolist())
        parts[0].extend(members[n_test + n_validation :].tolist())
    training = {distinct[k] for k in parts[0]}
    train = [i for i, name in enumerate(names) if name in training]
    pair = {(name, label): i for i, (name, label) in enumerate(zip(names, labels.tolist(), strict=True))}
    held_out = [sorted(pair[distinct[k], int(rarest[k])] for k in part) for part in parts[1:]]
    return np.array(train), np.array(held_out[0]), np.array(held_out[1]), listed


def ngrams(name, longest):
    """The groups of 1 to ``longest`` consecutive characters of "<" + name + ">", capitals as small letters."""
    marked = "<" + name.lower() + ">"  # the marks tell "<mc" (a name's start) from "mc" inside it
    return [marked[i : i + n] for n in range(1, longest + 1) for i in range(len(marked) - n + 1)]


def ngram_vocabulary(names, longest, min_count):
    """n-gram -> row of its vector: the n-grams found in at least ``min_count`` of the (distinct) ``names``, sorted."""
    found = Counter(gram for name in set(names) for gram in set(ngrams(name, longest)))
    return {gram: row for row, gram in enumerate(sorted(g for g, n in found.items() if n >= min_count))}


class Batch(NamedTuple):
    codes: torch.Tensor  # (B, T) character indices, zero-padded after each name
    backwards: torch.Tensor  # (B, T) each name's characters last to first, zero-padded
    lengths: torch.Tensor  # (B,)
    grams: torch.Tensor  # (G,) the rows of every known n-gram of every name, name after name
    offsets: torch.Tensor  # (B,) where each name's n-grams start in ``grams``


def make_batch(names, vocabulary, longest):
    """The names as tensors the network reads (n-grams outside ``vocabulary`` are left out)."""
    index = {c: k for k, c in enumerate(ALPHABET)}
    rows = [[index[c] for c in name] for name in names]
    width = max(len(row) for row in rows)
    codes = torch.tensor([row + [0] * (width - len(row)) for row in rows])  # (B, T)
    backwards = torch.tensor([row[::-1] + [0] * (width - len(row)) for row in rows])  # (B, T)
    lengths = torch.tensor([len(row) for row in rows])  # (B,)
    grams, offsets = [], []
    for name in names:
        offsets.append(len(grams))
        grams.extend(vocabulary[g] for g in ngrams(name, longest) if g in vocabulary)
    return Batch(codes, backwards, lengths, torch.tensor(grams, dtype=torch.long), torch.tensor(offsets))


class SurnameClassifier(nn.Module):
    """Characters -> learned vectors -> a recurrent network forwards (and one backwards) -> final states;
    the name's n-grams -> the mean of their learned vectors; all side by side -> dropout -> linear -> logits."""

    def __init__(self, languages, ngram_count, *, cell, embedding, hidden, layers, bidirectional, ngram_size, dropout):
        super().__init__()
        recurrent = nn.LSTM if cell == "lstm" else nn.RNN  # nn.RNN uses tanh
        self.embedding = nn.Embedding(len(ALPHABET), embedding)
        self.forwards = recurrent(embedding, hidden, layers, batch_first=True)
        self.backwards = recurrent(embedding, hidden, layers, batch_first=True) if bidirectional else None
        self.ngrams = nn.EmbeddingBag(ngram_count, ngram_size, mode="mean") if ngram_count else None
        self.dropout = nn.Dropout(dropout)  # active in model.train(), off in model.eval()
        features = hidden * (2 if bidirectional else 1) + (ngram_size if ngram_count else 0)
        self.head = nn.Linear(features, languages)

    def forward(self, batch):
        return classifier_forward(self, batch)


def final_state(recurrent, x, lengths):
    """The top layer's hidden state after each sequence's own last step (padding is never read): (B, H)."""
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    _, state = recurrent(packed)  # nn.LSTM: (h_n, c_n); nn.RNN: h_n; h_n is (layers, B, H)
    h = state[0] if isinstance(state, tuple) else state
    return h[-1]  # (B, H)


def classifier_forward(model, batch):
    """The logits (B, C) of a Batch: the final states of model.forwards (and of model.backwards, which reads
    batch.backwards), then the mean n-gram vector from model.ngrams when the model has one, side by side
    in that order, through model.dropout and model.head."""
    parts = [final_state(model.forwards, model.embedding(batch.codes), batch.lengths)]  # (B, H)
    if model.backwards is not None:
        parts.append(final_state(model.backwards, model.embedding(batch.backwards), batch.lengths))  # (B, H)
    if model.ngrams is not None:
        parts.append(model.ngrams(batch.grams, batch.offsets))  # (B, N): zeros for a name with no known n-gram
    features = torch.cat(parts, dim=1)  # (B, 2H + N)
    return model.head(model.dropout(features))  # (B, C)


def language_weights(train_labels, languages, rule):
    """The loss weight of each language (C,): "none" all 1, "balanced" its rarity, "sqrt" the square root of that."""
    counts = np.maximum(np.bincount(train_labels, minlength=languages), 1)
    rarity = counts.sum() / (languages * counts)  # 1 for a language of average size
    weights = {"none": np.ones(languages), "balanced": rarity, "sqrt": np.sqrt(rarity)}[rule]
    return torch.tensor(weights, dtype=torch.get_default_dtype())


def cosine_schedule(optimizer, total_steps, final_ratio):
    """The learning rate falls from its start to ``final_ratio`` times it along half a cosine, one step per batch."""

    def factor(step):
        progress = min(step, total_steps) / total_steps
        return final_ratio + (1 - final_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def shuffled_batches(indices, batch_size, generator):
    """``indices`` in a random order (drawn from ``generator``), cut into batches of ``batch_size``."""
    order = indices[torch.randperm(len(indices), generator=generator).numpy()]
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def train_one_epoch(model, optimizer, schedule, loss_function, batches):
    """One pass over ``batches`` (a list of (Batch, targets (B,)) pairs): for each, the loss of the model's
    logits, its gradients, one optimizer step and one schedule step. Returns the mean loss per name."""
    model.train()  # dropout on
    total, count = 0.0, 0
    for batch, targets in batches:
        loss = loss_function(model(batch), targets)  # the mean over the batch
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        total += loss.item() * len(targets)
        count += len(targets)
    return total / count


@torch.no_grad()
def measure(network, batch, truths, loss_function):
    """The network's loss and accuracy on a Batch of names with their languages (rarest first), dropout off.

    A name counts as right when the prediction is any of its languages; the loss's target is then
    the predicted language, otherwise the rarest.
    """
    network.eval()
    logits = network(batch)  # (B, C)
    predicted = logits.argmax(dim=1).tolist()
    right = [guess in truth for guess, truth in zip(predicted, truths, strict=True)]
    targets = torch.tensor(
        [guess if ok else truth[0] for guess, ok, truth in zip(predicted, right, truths, strict=True)]
    )
    return loss_function(logits, targets).item(), sum(right) / len(right)


@torch.no_grad()
def probabilities(networks, batch):
    """The mean of the networks' softmax probabilities (B, C), dropout off."""
    for network in networks:
        network.eval()
    return torch.stack([torch.softmax(network(batch), dim=1) for network in networks]).mean(dim=0)


def scores(predicted, truths, languages):
    """Accuracy, balanced accuracy and per-language [right, names] of ``predicted`` (N,) language indices.

    ``truths`` holds each name's languages, rarest first. A prediction is right when it is any of
    them; the name then counts under the predicted language, otherwise under its rarest. Balanced
    accuracy is the mean over the languages (with names here) of their share right.
    """
    tally = {language: [0, 0] for language in languages}  # language -> [right, names]
    for guess, truth in zip(predicted, truths, strict=True):
        right = guess in truth
        counted = tally[languages[guess if right else truth[0]]]
        counted[0] += int(right)
        counted[1] += 1
    accuracy = sum(right for right, _ in tally.values()) / len(predicted)
    shares = [right / names for right, names in tally.values() if names]
    return accuracy, sum(shares) / len(shares), tally
