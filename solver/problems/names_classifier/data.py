"""The surnames data set of Problem 4: reading, normalising, splitting.

The folder holds one ``<Language>.txt`` file per language, one surname per
line (the PyTorch char-RNN tutorial's ``data/names``). Names are normalised
the way that tutorial does: Unicode decomposed, accents dropped, only ASCII
letters and `` .,;'`` kept. Problems in the files (lines that are not UTF-8,
control characters, names that normalise to nothing) are counted and
skipped, never fatal; a missing or empty folder is an error.
"""

from __future__ import annotations

import hashlib
import json
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ...kernel.errors import InputFileError

ALPHABET = string.ascii_letters + " .,;'"
MAX_NAME_LENGTH = 40
MIN_NAMES_PER_LANGUAGE = 3  # one each for training, validation and test
MAX_FILE_BYTES = 5 * 1024 * 1024
DATA_SOURCE = "https://download.pytorch.org/tutorial/data.zip (data/names/*.txt)"


def to_ascii(name: str) -> str:
    """Accents dropped and characters outside :data:`ALPHABET` removed, as in the tutorial."""
    return "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn" and c in ALPHABET)


@dataclass(frozen=True)
class NamesData:
    names: tuple[str, ...]
    labels: np.ndarray  # (N,) int64 index into languages
    languages: tuple[str, ...]
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    duplicates: int = 0  # (name, language) pairs seen more than once, kept once

    @property
    def distinct_names(self) -> int:
        """Distinct normalised names; fewer than the (name, language) pairs, as some names have several languages."""
        return len(set(self.names))

    def counts(self) -> dict[str, int]:
        tally = np.bincount(self.labels, minlength=len(self.languages))
        return {language: int(n) for language, n in zip(self.languages, tally, strict=False)}

    def fingerprint(self) -> str:
        """A hash of the normalised names, their labels and the languages: what training sees."""
        content = {"languages": list(self.languages), "names": list(self.names), "labels": self.labels.tolist()}
        text = json.dumps(content, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    @cached_property
    def listed_under(self) -> dict[str, tuple[int, ...]]:
        """Each distinct name and the languages the data lists it under, in the order first read."""
        languages: dict[str, list[int]] = {}
        for name, label in zip(self.names, self.labels.tolist(), strict=True):
            languages.setdefault(name, []).append(label)
        return {name: tuple(labels) for name, labels in languages.items()}

    @cached_property
    def primary(self) -> np.ndarray:
        """(N,) for each pair, the language its name is split and counted under: the rarest of its languages.

        The rarest, so that a name listed under both English and Scottish counts for the language
        with fewer names (ties: the lower index).
        """
        counts = np.bincount(self.labels, minlength=len(self.languages))
        rarest = {name: min(labels, key=lambda c: (counts[c], c)) for name, labels in self.listed_under.items()}
        return np.array([rarest[name] for name in self.names], dtype=np.int64)

    def listed(self, indices: np.ndarray) -> np.ndarray:
        """(N, C) bool: for the names at ``indices``, every language the data lists each under."""
        table = np.zeros((len(indices), len(self.languages)), dtype=bool)
        for row, i in enumerate(np.asarray(indices).tolist()):
            table[row, list(self.listed_under[self.names[i]])] = True
        return table

    def subset(self, indices: np.ndarray) -> NamesData:
        """The names at ``indices`` (in that order), with every language kept."""
        indices = np.asarray(indices, dtype=np.int64)
        return NamesData(tuple(self.names[i] for i in indices), self.labels[indices], self.languages)

    @property
    def skipped_lines(self) -> int:
        """Lines skipped (files without a usable name are counted in ``skipped`` too, but are not lines)."""
        return sum(count for reason, count in self.skipped.items() if not reason.startswith("file "))

    def skipped_text(self) -> str:
        """The skipped lines as one phrase, e.g. "3 lines skipped (not UTF-8: 2, control characters: 1)"."""
        total = self.skipped_lines
        files = [reason for reason in self.skipped if reason.startswith("file ")]
        pieces = []
        if total:
            reasons = ", ".join(
                f"{reason}: {count}" for reason, count in self.skipped.items() if not reason.startswith("file ")
            )
            pieces.append(f"{total} line{'s' if total != 1 else ''} skipped ({reasons})")
        pieces += [f"{reason} skipped" for reason in files]
        return "; ".join(pieces)


def folder_facts(folder: str | Path) -> tuple[int, int, str]:
    """The ``<Language>.txt`` files of ``folder`` (not hidden): how many, their lines, and the SHA-256 of
    their names and bytes in name order (what the notebook's data step checks it reads)."""
    digest, files, lines = hashlib.sha256(), 0, 0
    for path in sorted(Path(folder).glob("*.txt")):
        if path.name.startswith(".") or not path.is_file():
            continue
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        files, lines = files + 1, lines + len(raw.splitlines())
    return files, lines, digest.hexdigest()


def load_names(folder: str | Path) -> NamesData:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(
            f"{folder}: no such folder; expected the surnames folder (one <Language>.txt per language)"
        )
    skipped: Counter = Counter()
    files = []
    for path in sorted(folder.glob("*.txt")):
        if path.name.startswith("."):  # an editor's or a file manager's, never a language
            skipped[f"file {path.name} (hidden)"] += 1
        elif not path.is_file():  # a folder, a FIFO (reading it would wait forever), a broken link
            skipped[f"file {path.name} (not a regular file)"] += 1
        else:
            files.append(path)
    if not files:
        raise InputFileError(f"{folder}: no <Language>.txt files in it")
    names: list[str] = []
    labels: list[int] = []
    languages: list[str] = []
    seen: set[tuple[str, int]] = set()
    duplicates = 0
    for path in files:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise InputFileError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB; not a surnames file")
            raw = path.read_bytes()
        except OSError as exc:
            raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
        label = len(languages)
        kept_before = len(names)
        for line in raw.splitlines():
            try:
                text = line.decode("utf-8").strip()
            except UnicodeDecodeError:
                skipped["not UTF-8"] += 1
                continue
            if not text:
                continue
            if any(unicodedata.category(c) == "Cc" for c in text):
                skipped["control characters"] += 1
                continue
            name = to_ascii(text)
            if not name.strip():
                skipped["no letters after normalising"] += 1
                continue
            if len(name) > MAX_NAME_LENGTH:
                skipped[f"longer than {MAX_NAME_LENGTH} characters"] += 1
                continue
            if (name, label) in seen:
                duplicates += 1
                continue
            seen.add((name, label))
            names.append(name)
            labels.append(label)
        if len(names) - kept_before >= MIN_NAMES_PER_LANGUAGE:
            languages.append(path.stem)
        else:  # too few to give training, validation and test a name each
            for name in names[kept_before:]:
                seen.discard((name, label))
            reason = "no usable names" if len(names) == kept_before else f"fewer than {MIN_NAMES_PER_LANGUAGE} names"
            skipped[f"file with {reason} ({path.name})"] += 1
            del names[kept_before:], labels[kept_before:]
    if len(languages) < 2:
        raise InputFileError(
            f"{folder}: needs at least two languages with {MIN_NAMES_PER_LANGUAGE} or more distinct names each, "
            f"found {len(languages)}"
        )
    return NamesData(tuple(names), np.asarray(labels, dtype=np.int64), tuple(languages), skipped, duplicates)


@dataclass(frozen=True)
class Split:
    """Indices into NamesData.names. ``train`` holds every pair of its names; ``validation`` and ``test``
    hold one pair per name, the one of its primary language (:attr:`NamesData.primary`)."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def stratified_split(labels: np.ndarray, fractions: tuple[float, float, float], seed: int) -> Split:
    """Each language split in the same proportions (at least one test name per language)."""
    rng = np.random.default_rng(seed)
    parts: tuple[list, list, list] = ([], [], [])
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = max(1, round(fractions[2] * len(members)))
        n_validation = max(1, round(fractions[1] * len(members))) if len(members) > 2 else 0
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test : n_test + n_validation])
        parts[0].append(members[n_test + n_validation :])
    train, validation, test = (np.sort(np.concatenate(p)) for p in parts)
    return Split(train, validation, test)


def name_split(data: NamesData, fractions: tuple[float, float, float], seed: int) -> Split:
    """The distinct names split three ways, stratified by their primary language.

    A name goes wholly to one part, with every language it is listed under, so no test or
    validation name is one the network was trained on (splitting the (name, language) pairs
    instead would put about one test name in twenty in training under another language).
    """
    first: dict[str, int] = {}  # name -> its first pair index, and the pair of its primary language
    representative: dict[str, int] = {}
    for i, name in enumerate(data.names):
        first.setdefault(name, i)
        if data.labels[i] == data.primary[i]:
            representative[name] = i
    names = list(first)  # distinct, in the order first read
    by_name = stratified_split(data.primary[[first[n] for n in names]], fractions, seed)
    training = {names[k] for k in by_name.train.tolist()}
    train = np.array([i for i, name in enumerate(data.names) if name in training], dtype=np.int64)

    def held_out(part: np.ndarray) -> np.ndarray:
        return np.sort(np.array([representative[names[k]] for k in part.tolist()], dtype=np.int64))

    return Split(train, held_out(by_name.validation), held_out(by_name.test))


def encode(names: list[str] | tuple[str, ...], max_length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Character indices padded to the longest name: (B, T) int64 and lengths (B,)."""
    lengths = np.array([len(n) for n in names], dtype=np.int64)  # (B,)
    width = int(max_length or lengths.max())
    index = {c: i for i, c in enumerate(ALPHABET)}
    codes = np.zeros((len(names), width), dtype=np.int64)  # (B, T)
    for row, name in enumerate(names):
        codes[row, : len(name)] = [index[c] for c in name[:width]]
    return codes, np.minimum(lengths, width)
