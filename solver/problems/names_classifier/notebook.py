"""Problem 4's notebook cells, in PyTorch: the data, the split by name, the network, training, scores, the log.

The functions of the cells are :mod:`.notebook_code`'s own source; the cells that
call them are written here from the parameters (the training configuration) and
from what hw6 read in the data (the file count, line count and digest the data
step checks, the names shown with predictions). The build executes the solution
cells once (:mod:`.run`) and everything the sheet says about Problem 4 is read
from that run: its printed scores, its ``submission_log.json`` and its saved
weights. The student writes the network's forward pass and one training epoch.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from ...notebooks.cells import Cell, code, functions_in, given, text, todo
from .data import ALPHABET, DATA_SOURCE
from .params import Params

NAMES_DIR = "data/names"
NOTEBOOK_CODE = Path(__file__).with_name("notebook_code.py")
WEIGHTS_FILE = "p4-weights.npz"  # NumPy's format: hw6 reads it without torch
TIMING_FILE = "p4-timing.json"  # how long training took: a file, never printed (the notebook stays the same)
LOG_FILE = "submission_log.json"
#: What a reasonable submission reaches (the solution's network: about 86% and 71%).
TARGET_ACCURACY = 0.85
TARGET_BALANCED = 0.65
TRAIN_CELL = "p4-train"

WEIGHTING = {
    "none": "every name counts the same in the loss",
    "sqrt": "the loss weighs each language by the square root of its rarity",
    "balanced": "the loss weighs each language by its rarity",
}


@dataclass(frozen=True)
class DataFacts:
    """What hw6 read in the surnames folder, which the notebook's data step checks it reads too."""

    files: int
    lines: int
    digest: str  # SHA-256 of the files' names and bytes (notebook_code.read_surnames)


def config_of(params: Params) -> dict:
    """The notebook's CONFIG: the training parameters as plain Python values."""
    c = params.training
    return {
        "cell": c.cell,
        "embedding": c.embedding_size,
        "hidden": c.hidden_size,
        "layers": c.layers,
        "bidirectional": c.bidirectional,
        "ngram_length": c.ngram_length,
        "ngram_size": c.ngram_size,
        "ngram_min_count": c.ngram_min_count,
        "dropout": float(c.dropout),
        "networks": c.networks,
        "epochs": c.epochs,
        "batch_size": c.batch_size,
        "learning_rate": float(c.learning_rate),
        "final_lr_ratio": float(c.final_lr_ratio),
        "label_smoothing": float(c.label_smoothing),
        "class_weights": c.class_weights,
        "seed": c.seed,
        "split_seed": c.split_seed,
        "fractions": list(c.fractions),
        "dtype": c.dtype,
    }


def _literal(value) -> str:
    """A Python literal of plain JSON-like data, one key per line for a dict."""
    if isinstance(value, dict):
        return "{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in value.items()) + "}"
    return repr(value)


def problem_cells(params: Params, facts: DataFacts, samples: tuple[str, ...]) -> list[Cell]:
    """The cells of Problem 4 (the same for every variant with the same parameters and data)."""
    nc = functions_in(NOTEBOOK_CODE)  # read, not imported: hw6's own process stays torch-free

    config = params.training
    return [
        code(
            "p4-settings",
            f'NAMES_DIR = "{NAMES_DIR}"  # Problem 4\'s surnames folder: one <Language>.txt per language',
            "setup",
        ),
        text(
            "p4-title",
            f"""
            # Problem 4: naming the language of a surname

            A character-level network reads a surname and scores each language. The data, the split,
            the network's layers and the scoring are given; you write how the layers connect
            (`classifier_forward`) and one training epoch (`train_one_epoch`). The languages are very
            unequal (about half the names are Russian), so {WEIGHTING[config.class_weights]}, and the
            network is scored twice on the test names: by its accuracy and by its balanced accuracy,
            the mean over the languages of the share of each language's names it gets right. A
            reasonable submission reaches at least {100 * TARGET_ACCURACY:.0f}% accuracy and
            {100 * TARGET_BALANCED:.0f}% balanced accuracy. Hand in the `{LOG_FILE}` the last cell writes.
            """,
        ),
        code(
            "p4-imports",
            f"""
            import hashlib
            import json
            import math
            import time
            import unicodedata
            from collections import Counter
            from pathlib import Path
            from typing import NamedTuple

            import numpy as np
            import torch
            from torch import nn
            from torch.nn.utils.rnn import pack_padded_sequence

            torch.set_num_threads(1)  # one thread: the same numbers on every run
            torch.use_deterministic_algorithms(True)
            ALPHABET = {ALPHABET!r}
            """,
        ),
        text(
            "p4-data-text",
            f"""
            ## The data

            The surnames are the public archive of the PyTorch tutorial on classifying names with a
            character-level RNN: {DATA_SOURCE}, {facts.lines:,} lines in {facts.files} files, one file per language.
            Names are turned into plain ASCII letters; a name listed twice under one language is kept
            once, and some names are listed under several languages. The next cell checks that the files
            are the ones this homework was made with.
            """,
        ),
        given("p4-reading", nc.normalise, nc.read_surnames, nc.fingerprint),
        code(
            "p4-load",
            f"""
            names, labels, languages, read = read_surnames(NAMES_DIR)  # names: N strings, labels: (N,)
            print(f"{{read['files']}} files, {{read['lines']}} lines, {{len(names)}} (name, language) pairs, {{len(set(names))}} distinct names")
            print("SHA-256 of the files:", read["digest"])
            expected = {{"files": {facts.files}, "lines": {facts.lines}, "digest": "{facts.digest}"}}
            assert read == expected, f"not the files this homework was made with: {{read}}; download the archive again"
            print("data fingerprint:", fingerprint(names, labels, languages))
            """,
        ),
        text(
            "p4-split-text",
            """
            ## The split by name

            Each distinct name goes wholly to training, validation or test, so the network is never tested
            on a name it trained on. A held-out name is right when the prediction is any of its languages.
            """,
        ),
        given("p4-split-code", nc.split_by_name),
        code(
            "p4-split",
            f"CONFIG = {_literal(config_of(params))}\n"
            + textwrap.dedent(
                """
                train, validation, test, listed = split_by_name(names, labels, CONFIG["fractions"], CONFIG["split_seed"])
                print(f"{len(train)} training pairs, {len(validation)} validation names, {len(test)} test names")
                """
            ),
        ),
        given("p4-features-code", nc.ngrams, nc.ngram_vocabulary, nc.Batch, nc.make_batch),
        code(
            "p4-features",
            """
            vocabulary = ngram_vocabulary([names[i] for i in train], CONFIG["ngram_length"], CONFIG["ngram_min_count"])
            example = make_batch(["O'Neill", "Nguyen"], vocabulary, CONFIG["ngram_length"])
            print(len(vocabulary), "n-grams;", ngrams("Nguyen", 2))
            print("codes", tuple(example.codes.shape), "grams", tuple(example.grams.shape), "offsets", example.offsets.tolist())
            """,
        ),
        text(
            "p4-model-text",
            """
            ## The network

            The layers are given; `classifier_forward` connects them. Its docstring says in what order.
            """,
        ),
        given("p4-model-code", nc.SurnameClassifier, nc.final_state),
        todo("p4-forward", "Problem 4", nc.classifier_forward),
        code(
            "p4-model",
            """
            ARCHITECTURE = {key: CONFIG[key] for key in ("cell", "embedding", "hidden", "layers", "bidirectional", "ngram_size", "dropout")}
            torch.manual_seed(0)
            network = SurnameClassifier(len(languages), len(vocabulary) if CONFIG["ngram_length"] else 0, **ARCHITECTURE)
            print(network)
            print("logits", tuple(network(example).shape), "parameters", sum(p.numel() for p in network.parameters()))
            """,
        ),
        text(
            "p4-training-text",
            """
            ## Training

            Adam with a learning rate that falls along half a cosine, batches in a new random order each
            epoch, a cross-entropy loss with language weights and label smoothing. Each network trains with
            its own seed; the classifier averages their probabilities.
            """,
        ),
        given("p4-training-code", nc.language_weights, nc.cosine_schedule, nc.shuffled_batches, nc.measure),
        todo("p4-epoch", "Problem 4", nc.train_one_epoch),
        code(
            "p4-loss",
            """
            torch.set_default_dtype(getattr(torch, CONFIG["dtype"]))
            weights = language_weights(labels[train], len(languages), CONFIG["class_weights"])  # (C,)
            loss_function = nn.CrossEntropyLoss(weight=weights, label_smoothing=CONFIG["label_smoothing"])
            L = CONFIG["ngram_length"]
            validation_batch = make_batch([names[i] for i in validation], vocabulary, L)
            validation_truths = [listed[names[i]] for i in validation]
            watched = np.sort(np.random.default_rng(CONFIG["split_seed"]).choice(train, len(validation), replace=False))
            watched_batch = make_batch([names[i] for i in watched], vocabulary, L)  # training names the curves follow
            watched_truths = [listed[names[i]] for i in watched]
            print("language weights:", " ".join(f"{w:.2f}" for w in weights.tolist()))
            """,
        ),
        code(
            TRAIN_CELL,
            f"""
            started = {{"wall_seconds": time.perf_counter(), "cpu_seconds": time.process_time()}}
            steps = CONFIG["epochs"] * math.ceil(len(train) / CONFIG["batch_size"])  # schedule steps: one per batch
            networks, history = [], []
            for k in range(CONFIG["networks"]):
                torch.manual_seed(CONFIG["seed"] + k)
                network = SurnameClassifier(len(languages), len(vocabulary) if L else 0, **ARCHITECTURE)
                optimizer = torch.optim.Adam(network.parameters(), lr=CONFIG["learning_rate"])
                schedule = cosine_schedule(optimizer, steps, CONFIG["final_lr_ratio"])
                generator = torch.Generator().manual_seed(CONFIG["seed"] + k)
                for epoch in range(1, CONFIG["epochs"] + 1):
                    rate = schedule.get_last_lr()[0]
                    batches = [
                        (make_batch([names[i] for i in part], vocabulary, L), torch.from_numpy(labels[part]))
                        for part in shuffled_batches(train, CONFIG["batch_size"], generator)
                    ]
                    train_loss = train_one_epoch(network, optimizer, schedule, loss_function, batches)
                    validation_loss, validation_accuracy = measure(network, validation_batch, validation_truths, loss_function)
                    train_accuracy = measure(network, watched_batch, watched_truths, loss_function)[1]
                    history.append({{"network": k + 1, "epoch": epoch, "learning_rate": rate, "train_loss": train_loss,
                                    "train_accuracy": train_accuracy, "validation_loss": validation_loss,
                                    "validation_accuracy": validation_accuracy}})
                    print(f"network {{k + 1}} epoch {{epoch:2d}}: loss {{train_loss:.4f}}, validation loss {{validation_loss:.4f}}, "
                          f"accuracy {{train_accuracy:.3f}} (training names), {{validation_accuracy:.3f}} (validation)")
                networks.append(network)
            saved = {{f"{{k}}/{{name}}": value.numpy() for k, n in enumerate(networks) for name, value in n.state_dict().items()}}
            np.savez("{WEIGHTS_FILE}", ngrams=np.array(list(vocabulary), dtype=str), **saved)  # network k's tensors as "k/name"
            took = {{key: clock() - started[key] for key, clock in (("wall_seconds", time.perf_counter), ("cpu_seconds", time.process_time))}}
            with open("{TIMING_FILE}", "w") as file:  # a file, not printed: the notebook is the same on every run
                json.dump(took, file)
            """,
        ),
        text(
            "p4-scores-text",
            """
            ## Scores

            The test names are scored once, after training, with the networks in float64.
            """,
        ),
        given("p4-scoring-code", nc.probabilities, nc.scores),
        code(
            "p4-evaluate",
            f"""
            networks = [network.double() for network in networks]  # the scores in float64
            test_batch = make_batch([names[i] for i in test], vocabulary, L)
            test_probabilities = probabilities(networks, test_batch)  # (N_test, C)
            predicted = test_probabilities.argmax(dim=1).tolist()
            accuracy, balanced_accuracy, tally = scores(predicted, [listed[names[i]] for i in test], languages)
            print(f"test accuracy {{accuracy:.4f}} (a reasonable submission: at least {TARGET_ACCURACY})")
            print(f"balanced accuracy {{balanced_accuracy:.4f}} (a reasonable submission: at least {TARGET_BALANCED})")
            """,
        ),
        code(
            "p4-table",
            """
            for language, (right, count) in tally.items():
                print(f"{language:<12} {right:4d} of {count:4d} right  {right / count:6.1%}")
            """,
        ),
        code(
            "p4-samples",
            f"""
            SAMPLES = {list(samples)!r}
            shown = [normalise(name) for name in SAMPLES]
            sample_probabilities = probabilities(networks, make_batch(shown, vocabulary, L))  # (S, C)
            top3 = []
            for name, row in zip(SAMPLES, sample_probabilities):
                best = row.argsort(descending=True, stable=True)[:3].tolist()
                top3.append({{"name": name, "top3": [[languages[c], round(row[c].item(), 6)] for c in best]}})
                print(f"{{name:<18}}", ", ".join(f"{{language}} {{p:.2f}}" for language, p in top3[-1]["top3"]))
            """,
        ),
        code(
            "p4-log",
            f"""
            epochs = [{{field: float(np.mean([h[field] for h in history if h["epoch"] == e]))
                       for field in ("learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy")}}
                      for e in range(1, CONFIG["epochs"] + 1)]  # the mean over the networks
            log = {{
                "log": "hw6 submission log: character-level surname classifier (Homework 6, Problem 4)",
                "format": 3,
                "data": {{
                    "source": "{DATA_SOURCE}",
                    "fingerprint": fingerprint(names, labels, languages),
                    "languages": languages,
                    "split": {{"by": "distinct name", "seed": CONFIG["split_seed"],
                              "counts": {{"train": len(train), "validation": len(validation), "test": len(test)}}}},
                }},
                "config": CONFIG,
                "model": {{"architecture": str(networks[0]), "networks": len(networks),
                          "parameters": sum(p.numel() for p in networks[0].parameters())}},
                "epochs": [{{"epoch": e, **{{k: round(v, 6) for k, v in record.items()}}}} for e, record in enumerate(epochs, 1)],
                "final": {{"accuracy": round(accuracy, 6), "balanced_accuracy": round(balanced_accuracy, 6),
                          "per_language": {{language: {{"right": r, "names": n}} for language, (r, n) in tally.items()}}}},
                "samples": top3,
                "predictions": [[names[i], languages[c]] for i, c in zip(test.tolist(), predicted)],
            }}
            with open("{LOG_FILE}", "w") as file:
                json.dump(log, file, indent=1)
            print(f"wrote {LOG_FILE}: {{len(log['predictions'])}} predictions")
            """,
        ),
    ]
