"""Problem 4's notebook cells: the surname classifier, its training loop (the student's) and submission_log.json.

The notebook reads the data folder named at its top (``DATA_DIR``), trains the
configuration of ``names_classifier.training`` (an LSTM over learned character
vectors) and writes ``submission_log.json`` next to itself. ``SUBSET`` (None:
every name) lets a quick run train on fewer names.
"""

from __future__ import annotations

from ...notebooks import classifier
from ...notebooks.cells import Cell, code, given, text, todo
from .params import TrainingConfig
from .solve import Solution

DATA_DIR = "data/names"
#: The one network students train: the LSTM pair of the sheet's classifier without its n-gram bag or
#: second network, at the width and length that reach the targets below in about a minute.
NOTEBOOK_NETWORK = TrainingConfig(hidden_size=128, epochs=8, ngram_length=0, networks=1)
TARGET_ACCURACY = 0.78  # the notebook's network reaches about 80% ...
TARGET_BALANCED = 0.52  # ... and 55% on its own split of the pairs


WEIGHTING = {
    "none": "",
    "sqrt": ", so the loss weighs each language by the square root of its rarity",
    "balanced": ", so the loss weighs each language by its rarity",
}


def _weights_expression(class_weights: str) -> str:
    """The notebook's expression for the languages' loss weights of ``class_weights``."""
    if class_weights == "none":
        return "None  # every name counts the same"
    if class_weights == "balanced":
        return "language_weights(labels[train], len(languages)) ** 2  # inverse frequency"
    return "language_weights(labels[train], len(languages))  # square root of the inverse frequency"


def cells(solution: Solution) -> list[Cell]:
    if solution.trained is None:
        return []  # no data given: the build leaves Problem 4 out of both notebooks (they could not run)
    params = solution.params
    config = NOTEBOOK_NETWORK
    samples = ", ".join(repr(name) for name in params.samples)
    return [
        code(
            "settings",
            f"""
            # The surnames folder of Problem 4: one <Language>.txt per language, one name per line.
            DATA_DIR = "{DATA_DIR}"
            SUBSET = None  # a number trains on that many names only (a quick check); None uses them all
            """,
            "setup",
        ),
        text(
            "p4-title",
            f"""
            # Problem 4: naming the language of a surname

            A character-level network reads a surname one letter at a time, forwards with one LSTM and
            backwards with another, and scores every language with their two final hidden states. The
            data, the network and its backward pass are given; the training loop is yours. The
            languages are very unequal (about half the names are Russian){WEIGHTING[config.class_weights]}, and the
            network is scored twice: by its accuracy
            on the test names (at least {100 * TARGET_ACCURACY:.0f}%) and by its balanced accuracy, the
            mean over the languages of the share of each language's names it gets right (at least
            {100 * TARGET_BALANCED:.0f}%). Afterwards, hand in the `submission_log.json` the last cell writes.
            (The solution sheet's classifier adds the mean of learned vectors of the name's groups of letters
            and averages two such networks, which scores higher.)
            """,
        ),
        code("p4-imports", f'import json\n\nimport numpy as np\n\nALPHABET = "{classifier.ALPHABET}"'),
        given("names-data", classifier.normalise, classifier.load_names, classifier.split_names, classifier.encode),
        code(
            "load",
            f"""
            names, labels, languages = load_names(DATA_DIR)
            if SUBSET is not None:
                keep = np.sort(np.random.default_rng(0).permutation(len(names))[:SUBSET])
                names, labels = [names[k] for k in keep], labels[keep]
            train, test = split_names(labels, fraction={float(config.test_fraction)}, seed={config.split_seed})
            codes, lengths = encode(names)
            print(f"{{len(names)}} names, {{len(languages)}} languages, {{len(train)}} to train on, {{len(test)}} to test")
            """,
        ),
        given(
            "network",
            classifier.reverse_names,
            classifier.new_classifier,
            classifier.lstm_states,
            classifier.classifier_forward,
            classifier.cross_entropy,
            classifier.lstm_backward,
            classifier.classifier_backward,
            classifier.adam_step,
            classifier.predict,
            classifier.scores,
            classifier.language_weights,
        ),
        text("p4-loop", "## The training loop\n\nThe docstring says what one epoch does."),
        todo("todo-p4", "Problem 4", classifier.train_classifier),
        code(
            "train-p4",
            f"""
            params = new_classifier(len(languages), hidden={config.hidden_size}, embedding={config.embedding_size}, seed={config.seed})
            weights = {_weights_expression(config.class_weights)}
            curve = train_classifier(
                params, codes[train], lengths[train], labels[train], weights, epochs={config.epochs},
                batch_size={config.batch_size}, lr={float(config.learning_rate)}, final_ratio={float(config.final_lr_ratio)},
                dropout={float(config.dropout)}, smoothing={float(config.label_smoothing)}, seed={config.seed},
            )
            test_accuracy, balanced_accuracy = scores(params, codes[test], lengths[test], labels[test])
            print("mean training loss per epoch:", " ".join(f"{{v:.4f}}" for v in curve))
            print(f"test accuracy {{test_accuracy:.3f}}, at least {TARGET_ACCURACY:g}: {{test_accuracy >= {TARGET_ACCURACY}}}")
            print(f"balanced accuracy {{balanced_accuracy:.3f}}, at least {TARGET_BALANCED:g}: {{balanced_accuracy >= {TARGET_BALANCED}}}")
            """,
            "test",
        ),
        code(
            "samples-p4",
            f"""
            samples = [{samples}]
            sample_codes, sample_lengths = encode([normalise(name) for name in samples])
            logits = classifier_forward(params, sample_codes, sample_lengths)[0]
            probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            predictions = {{}}
            for name, row in zip(samples, probabilities):
                top = np.argsort(-row)[:3]
                predictions[name] = [[languages[k], round(float(row[k]), 4)] for k in top]
                print(name, "->", ", ".join(f"{{language}} ({{p:.2f}})" for language, p in predictions[name]))
            """,
        ),
        code(
            "submission-log",
            """
            log = {
                "names": len(names),
                "languages": languages,
                "train_names": int(len(train)),
                "test_names": int(len(test)),
                "epoch_losses": [round(v, 6) for v in curve],
                "test_accuracy": round(test_accuracy, 6),
                "balanced_accuracy": round(balanced_accuracy, 6),
                "predictions": predictions,
            }
            with open("submission_log.json", "w") as file:
                json.dump(log, file, indent=2)
            print("wrote submission_log.json")
            """,
        ),
    ]
