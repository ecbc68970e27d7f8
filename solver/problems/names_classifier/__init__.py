"""Problem 4: a character-level recurrent network that names a surname's language, trained on the real data.

The surnames come from the folder given as ``--names-dir`` (:mod:`solver.names_data`:
normalised like the PyTorch tutorial, deduplicated, split by language with a
seed). The network is :class:`solver.nn.SequenceClassifier` (NumPy, hand-written
backward); training and its figures are cached under the configuration and the
data's fingerprint (:mod:`solver.surnames`). Without the folder the sheet says
how to get the data and the key marks the metrics as unavailable.

Checks: the reported metrics are recomputed from the stored probabilities by a
second route, the probabilities must be distributions, padded batches must give
what one name at a time gives (NumPy, every build); torch recomputes logits,
loss and every parameter gradient on a batch of test names in float64, and the
test predictions with ``torch.nn.LSTM``/``RNN`` (oracle).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ...core.checks import Check, compare_arrays, compare_equal
from ...core.errors import InputWarning, ParamsError
from ...core.params import ParamsBase, join, param, to_jsonable
from ...core.problem import BuildContext, DataFolder, Part, Problem
from ...io.cache import Cache, cache_key, memoized
from ...io.files import dump_json
from ...nn import SoftmaxCrossEntropy
from . import figures, log
from .data import DATA_SOURCE, MAX_NAME_LENGTH, NamesData, Split, encode, load_names, to_ascii
from .evaluation import Evaluation, probabilities, softmax, top_k
from .training import Encoded, TrainedClassifier, TrainingConfig, class_weights, run_training, split_of

SECTION = "names_classifier"
SOLUTION_KIND = "names_classifier-solution"  # in-process only (see solver.cache.memoized)
FIGURE_DIR = "figures/names_classifier"
LOG_FILE = "submission_log.json"
TARGET_ACCURACY = 0.80  # what hw6's default configuration must reach on the test names
TOP = 3
MAX_SAMPLES = 12
DEFAULT_SAMPLES = ("Dovesky", "Jackson", "Satoshi", "Hinton", "Schmidhuber", "Fitzgerald-Ortiz")
ORACLE_BATCH = 24  # test names in the torch gradient check
PADDING_CHECK_NAMES = 24  # test names also run one at a time, unpadded
EXACT_RTOL = 1e-10  # the same float64 computation by another route

DATA_ARCHIVE = "https://download.pytorch.org/tutorial/data.zip"
UNAVAILABLE = (
    "not computed: the surnames data set was not given. Download "
    f"{DATA_ARCHIVE}, unzip it and run hw6 with --names-dir data/names "
    "(a folder with one <Language>.txt file per language, UTF-8, one surname per line)."
)


def _sample_names(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or len(value) > MAX_SAMPLES:
        raise ParamsError(path, f"a list of at most {MAX_SAMPLES} names", value, has_got=True)
    names = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not to_ascii(name).strip() or len(to_ascii(name)) > MAX_NAME_LENGTH:
            raise ParamsError(
                join(path, i),
                f"a name with 1 to {MAX_NAME_LENGTH} ASCII letters once accents are dropped",
                name,
                has_got=True,
            )
        names.append(name)
    return tuple(names)


@dataclass(frozen=True)
class Params(ParamsBase):
    training: TrainingConfig = param(doc="the network, its training and the data split", default_factory=TrainingConfig)
    samples: tuple[str, ...] = param(DEFAULT_SAMPLES, "names shown with their top-3 predictions", convert=_sample_names)
    test_examples: int = param(
        5, "test names (of different languages) shown with their top-3 predictions", minimum=0, maximum=MAX_SAMPLES
    )


@dataclass(frozen=True)
class Sample:
    name: str  # as given (or as in the data)
    normalised: str  # what the network reads
    origin: str  # "test" (a test name), "data" (listed in the data) or "new"
    listed_as: tuple[str, ...]  # the languages the data lists the name under
    probabilities: np.ndarray  # (C,)

    def top(self, languages: tuple[str, ...], k: int = TOP) -> list[tuple[str, float]]:
        return [(languages[c], p) for c, p in top_k(self.probabilities, k)]


@dataclass(frozen=True)
class Trained:
    """Everything computed from the data: the split, the classifier and its scores."""

    data: NamesData
    split: Split
    classifier: TrainedClassifier
    test: Evaluation
    validation: Evaluation
    samples: tuple[Sample, ...]

    @cached_property
    def encoded(self) -> Encoded:
        return Encoded.of(self.data)

    @cached_property
    def model(self):
        return self.classifier.model()  # float64

    @property
    def languages(self) -> tuple[str, ...]:
        return self.data.languages

    @cached_property
    def majority(self) -> tuple[str, float]:
        """The largest language in the training split and its share of the test names."""
        label = int(np.argmax(np.bincount(self.data.labels[self.split.train], minlength=len(self.languages))))
        return self.languages[label], float(np.mean(self.test.labels == label))

    @cached_property
    def ambiguous(self) -> int:
        """Names the data lists under more than one language."""
        return sum(1 for count in Counter(self.data.names).values() if count > 1)


@dataclass(frozen=True)
class Solution:
    params: Params
    trained: Trained | None  # None: no data given
    cache: Cache = field(repr=False, compare=False)


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    context = context or BuildContext()
    cache = Cache(context.cache_dir)
    if (names_dir := context.data_folder("names")) is None:
        return Solution(params, None, cache)
    data = load_names(names_dir)
    if data.skipped:
        warnings.warn(f"{names_dir}: {data.skipped_text()}", InputWarning, stacklevel=2)
    # Variants share the training configuration, so a batch or stress run evaluates it once.
    key = cache_key(SOLUTION_KIND, {"params": to_jsonable(params), "data": data.fingerprint()})
    trained = memoized(SOLUTION_KIND, key, lambda: _trained(params, data, cache, context.progress))
    return Solution(params, trained, cache)


def _trained(params: Params, data: NamesData, cache: Cache, progress: bool) -> Trained:
    config = params.training
    split = split_of(config, data)
    classifier = run_training(config, data, cache, progress=progress)
    model = classifier.model()
    encoded = Encoded.of(data)

    def evaluation(indices: np.ndarray) -> Evaluation:
        return Evaluation(data.labels[indices], probabilities(model, encoded.codes[indices], encoded.lengths[indices]))

    test = evaluation(split.test)
    samples = _samples(params, data, split, model)
    return Trained(data, split, classifier, test, evaluation(split.validation), samples)


def _samples(params: Params, data: NamesData, split: Split, model) -> tuple[Sample, ...]:
    """Test names of different languages (drawn with the split's seed), then the listed names."""
    rng = np.random.default_rng([params.training.split_seed, 43])
    test_labels = data.labels[split.test]
    languages = rng.permutation(np.unique(test_labels))[: params.test_examples]
    chosen = [(data.names[int(rng.choice(split.test[test_labels == label]))], "test") for label in sorted(languages)]
    listed: dict[str, list[str]] = {}
    for name, label in zip(data.names, data.labels, strict=False):
        listed.setdefault(name, []).append(data.languages[label])
    chosen += [(name, "data" if to_ascii(name) in listed else "new") for name in params.samples]
    normalised = [to_ascii(name) for name, _ in chosen]
    if not chosen:
        return ()
    codes, lengths = encode(normalised)
    probs = probabilities(model, codes, lengths)
    return tuple(
        Sample(name, norm, origin, tuple(listed.get(norm, ())), probs[k])
        for k, ((name, origin), norm) in enumerate(zip(chosen, normalised, strict=False))
    )


# --------------------------------------------------------------------------- NumPy checks


def crosscheck(solution: Solution) -> list[Check]:
    trained = solution.trained
    if trained is None:
        return []
    test, languages = trained.test, trained.languages
    classes = len(languages)
    probs, labels = test.probabilities, test.labels
    checks = [
        compare_arrays(
            "4.probabilities", "numpy: each row sums to 1", np.ones(len(probs)), probs.sum(axis=1), rtol=1e-12
        ),
        compare_equal("4.probabilities", "numpy: all in [0, 1]", True, bool(np.all((probs >= 0) & (probs <= 1)))),
    ]
    # The confusion matrix again, one name at a time, from the largest probability found by a loop.
    confusion = np.zeros((classes, classes), dtype=np.int64)
    for row, label in zip(probs, labels, strict=False):
        best = max(range(classes), key=lambda c: (row[c], -c))
        confusion[label, best] += 1
    checks.append(
        compare_equal("4.confusion", "numpy: counted name by name", confusion.tolist(), test.confusion.tolist())
    )
    correct = np.trace(confusion)
    checks.append(
        compare_arrays(
            "4.test_accuracy",
            "numpy: trace of the counted confusion",
            [test.accuracy],
            [correct / len(labels)],
            rtol=1e-12,
        )
    )
    per_language = [confusion[c, c] / confusion[c].sum() for c in range(classes) if confusion[c].sum()]
    present = ~np.isnan(test.per_class)
    checks.append(
        compare_arrays(
            "4.per_language", "numpy: counted confusion rows", test.per_class[present], per_language, rtol=1e-12
        )
    )
    checks.append(
        compare_arrays(
            "4.balanced_accuracy",
            "numpy: mean of the counted rows",
            [test.balanced_accuracy],
            [sum(per_language) / len(per_language)],
            rtol=1e-12,
        )
    )

    # Padding never reaches a result: names run one at a time, unpadded, give the batched probabilities.
    model, encoded = trained.model, trained.encoded
    shown = trained.split.test[:PADDING_CHECK_NAMES]
    alone = [
        softmax(model.forward(encoded.codes[i : i + 1, : encoded.lengths[i]], encoded.lengths[i : i + 1])[0])[0]
        for i in shown
    ]
    checks.append(
        compare_arrays(
            "4.padding",
            "numpy: one name at a time",
            test.probabilities[: len(shown)],
            alone,
            rtol=EXACT_RTOL,
            atol=1e-15,
        )
    )
    for sample in trained.samples:
        codes, lengths = encode([sample.normalised])
        alone = softmax(model.forward(codes, lengths)[0])[0]
        checks.append(
            compare_arrays(
                f"4.sample.{sample.normalised}",
                "numpy: one name at a time",
                sample.probabilities,
                alone,
                rtol=EXACT_RTOL,
                atol=1e-15,
            )
        )

    # The curve was measured in training arithmetic; the float64 re-evaluation of the last
    # epoch's weights must agree up to a few names whose top two probabilities nearly tie.
    last = trained.classifier.epochs[-1]["validation_accuracy"]
    tolerance = 0.0 if trained.classifier.config.dtype == "float64" else 3 / len(trained.validation.labels)
    checks.append(
        compare_arrays(
            "4.validation_accuracy",
            "numpy float64 re-evaluation",
            [last],
            [trained.validation.accuracy],
            rtol=1e-12,
            atol=tolerance,
        )
    )

    split = trained.split
    everything = np.concatenate([split.train, split.validation, split.test])
    disjoint = len(np.unique(everything)) == len(everything) == len(trained.data.names)
    checks.append(compare_equal("4.split", "numpy: parts disjoint, covering every name", True, disjoint))
    checks.append(compare_equal("4.split", "numpy: every language in the test names", classes, len(np.unique(labels))))
    return checks


# --------------------------------------------------------------------------- torch oracle


def oracle_check(solution: Solution) -> list[Check]:
    trained = solution.trained
    if trained is None:
        return []
    from . import oracle

    model, encoded, labels = trained.model, trained.encoded, trained.data.labels
    index = _oracle_batch(trained)
    tokens, lengths = encoded.batch(index)
    weights = class_weights(trained.classifier.config, labels[trained.split.train], len(trained.languages))
    loss = SoftmaxCrossEntropy(weights)
    logits, ctx = model.forward(tokens, lengths)
    value, loss_ctx = loss.forward(logits, labels[index])
    grads = model.backward(ctx, loss.backward(loss_ctx)).grads
    torch_result = oracle.classifier(model, tokens, lengths, labels[index], weights)
    backend = "torch autograd, torch.nn." + ("LSTM" if trained.classifier.config.cell == "lstm" else "RNN")
    checks = [
        compare_arrays("4.logits", backend, logits, torch_result.logits, rtol=EXACT_RTOL, atol=1e-13),
        compare_arrays("4.loss", backend, [value], [torch_result.loss], rtol=EXACT_RTOL),
    ]
    for name, grad in grads.items():
        scale = float(np.max(np.abs(grad))) if grad.size else 0.0
        checks.append(
            compare_arrays(
                f"4.grad.{name}", backend, grad, torch_result.grads[name], rtol=EXACT_RTOL, atol=1e-12 * scale
            )
        )
    predicted = oracle.predictions(model, encoded.codes[trained.split.test], encoded.lengths[trained.split.test])
    checks.append(compare_equal("4.predictions", backend, trained.test.predictions.tolist(), predicted.tolist()))
    return checks


def _oracle_batch(trained: Trained) -> np.ndarray:
    """Test names of every length from the shortest to the longest, so padding is exercised."""
    test = trained.split.test
    order = test[np.argsort(trained.encoded.lengths[test], kind="stable")]
    return order[np.linspace(0, len(order) - 1, min(ORACLE_BATCH, len(order))).round().astype(int)]


# --------------------------------------------------------------------------- answer key


def _r(value: float) -> float:
    return log.rounded(value)


def misuse_answer(trained: Trained | None) -> str:
    text = (
        "A surname-to-origin classifier is in effect a guess at a person's ethnicity or nationality, and that is "
        "where the harm lies. Used to sort people, it enables profiling and discrimination: in hiring (screening "
        "applicants by presumed origin), in lending, insurance and housing (refusals and prices), and in policing and "
        "border control (whom to stop, search or investigate), all by where a name seems to come from rather than by "
        "anything the person did; this is unlawful in many places and harmful even when each decision looks small. "
        "It is also unreliable exactly where it would be used: names change with marriage, adoption and migration, "
        "spellings are anglicised, many people carry mixed or double-barrelled names, and a surname says nothing about "
        "citizenship, language, religion or identity. Its confident-looking probabilities hide that it learned the "
        "bias of its data, a scraped and heavily unbalanced list, so its errors fall mostly on the small groups, and "
        "automating decisions with it spreads that bias while making it look objective. Acceptable uses (aggregate "
        "research, help with pronunciation) still need consent, transparency, human review and error rates reported "
        "per group."
    )
    if trained is None:
        return text
    worst = int(np.nanargmin(trained.test.per_class))
    return text + (
        f" In this run the network is right on {100 * trained.test.accuracy:.1f}% of the test names but only "
        f"{100 * trained.test.balanced_accuracy:.1f}% on average per language, and {100 * trained.test.per_class[worst]:.0f}% "
        f"for {trained.languages[worst]} names."
    )


def metrics(trained: Trained) -> dict[str, Any]:
    test = trained.test
    return {
        "test_accuracy": _r(test.accuracy),
        "balanced_accuracy": _r(test.balanced_accuracy),
        "per_language": {
            language: _r(test.per_class[c])
            for c, language in enumerate(trained.languages)
            if not np.isnan(test.per_class[c])
        },
        "test_names": int(len(test.labels)),
        "majority_baseline": _r(trained.majority[1]),
    }


def parts(solution: Solution) -> dict[str, Part]:
    trained = solution.trained
    if trained is None:
        four = Part("data", None, extra={"reason": UNAVAILABLE, "source": DATA_ARCHIVE})
    else:
        four = Part(
            "data",
            metrics(trained),
            extra={
                "graded_as": "not graded automatically: each student's run gives its own numbers; compare with the reference run",
                "target": {"test_accuracy": TARGET_ACCURACY},
            },
        )
    answer = misuse_answer(trained)
    return {"4": four, "4a": Part("written", answer, extra={"reference": answer})}


# --------------------------------------------------------------------------- sheet and assets


def _log(trained: Trained, params: Params) -> dict[str, Any]:
    data, split, test, languages = trained.data, trained.split, trained.test, trained.languages
    counts = {
        language: {
            part: int(np.sum(data.labels[getattr(split, part)] == c)) for part in ("train", "validation", "test")
        }
        for c, language in enumerate(languages)
    }
    model = trained.model
    return log.submission_log(
        data={
            "fingerprint": data.fingerprint(),
            "normalisation": "Unicode NFD, accents dropped, only ASCII letters and the characters .,;' and space kept; "
            "each (name, language) pair kept once",
            "languages": list(languages),
            "names": len(data.names),
            "duplicates_removed": data.duplicates,
            "skipped_lines": dict(sorted(data.skipped.items())),
            "split": {
                "seed": params.training.split_seed,
                "stratified": True,
                "counts": {part: int(len(getattr(split, part))) for part in ("train", "validation", "test")},
                "per_language": counts,
            },
        },
        config=to_jsonable(params.training),
        model={
            "architecture": _architecture(params.training),
            "parameters": model.parameter_count(),
            "shapes": {name: list(value.shape) for name, value in model.named_parameters().items()},
        },
        epochs=list(trained.classifier.epochs),
        final={
            **metrics(trained),
            "validation_accuracy": _r(trained.validation.accuracy),
            "per_language_counts": {
                language: {"test_names": int(test.confusion[c].sum()), "correct": int(test.confusion[c, c])}
                for c, language in enumerate(languages)
            },
            "confusion": {
                "order": list(languages),
                "rows": "true language",
                "columns": "predicted language",
                "counts": test.confusion.tolist(),
            },
        },
        samples=[
            {
                "name": s.name,
                "normalised": s.normalised,
                "origin": s.origin,
                "listed_as": list(s.listed_as),
                "top3": [{"language": language, "probability": _r(p)} for language, p in s.top(languages)],
            }
            for s in trained.samples
        ],
    )


def _description(config: TrainingConfig, classes: int) -> str:
    """The network in a sentence, for the sheet."""
    if config.embedding_size:
        inputs = f"Each character is turned into a learned vector of {config.embedding_size} numbers"
    else:
        inputs = "Each character enters as a one-hot vector"
    cell = "an LSTM" if config.cell == "lstm" else "a tanh RNN"
    stack = f"{config.layers} stacked layers of {cell}" if config.layers > 1 else cell
    return (
        f"{inputs}, {stack} with {config.hidden_size} hidden units reads the name letter by letter, and the hidden "
        f"state after its last letter goes through a linear layer and a softmax over the {classes} languages"
    )


def _architecture(config: TrainingConfig) -> str:
    inputs = f"embedding ({config.embedding_size})" if config.embedding_size else "one-hot characters"
    stack = f"{config.layers}-layer " if config.layers > 1 else ""
    return f"{inputs} -> {stack}{config.cell.upper()} ({config.hidden_size}) -> last state of each name -> linear -> softmax"


def assets(solution: Solution) -> dict[str, bytes]:
    trained = solution.trained
    if trained is None:
        return {}
    rendered = figures.render_cached(
        trained.classifier.epochs, trained.test.confusion, trained.languages, solution.cache
    )
    files = {f"{FIGURE_DIR}/{name}.pdf": data for name, data in rendered.items()}
    files[LOG_FILE] = dump_json(_log(trained, solution.params)).encode("utf-8")
    return files


def view(solution: Solution) -> dict:
    from ...render.tex import Tex, number

    params = solution.params
    config = params.training
    common = {
        "archive": DATA_ARCHIVE,
        "source": DATA_SOURCE,
        "config": config,
        "answer_a": misuse_answer(solution.trained),
        "log_file": LOG_FILE,
        "target": f"{100 * TARGET_ACCURACY:.0f}",
    }
    trained = solution.trained
    if trained is None:
        return {"available": False, **common}

    def percent(value: float, digits: int = 1) -> Tex:
        return Tex(f"{100 * value:.{digits}f}\\%")

    data, split, test, languages = trained.data, trained.split, trained.test, trained.languages
    sizes = data.counts()
    rows = []
    for c, language in enumerate(languages):
        row = test.confusion[c]
        wrong = [(int(row[k]), languages[k]) for k in range(len(languages)) if k != c and row[k]]
        wrong.sort(key=lambda item: (-item[0], item[1]))
        rows.append(
            {
                "language": language,
                "names": sizes[language],
                "test": int(row.sum()),
                "correct": int(row[c]),
                "accuracy": percent(test.per_class[c], 0) if row.sum() else Tex("--"),
                "confused": ", ".join(f"{name} ({count})" for count, name in wrong[:2]),
            }
        )
    samples = [
        {
            "name": s.name,
            "normalised": s.normalised if s.normalised != s.name else "",
            "origin": {"test": "test", "data": "data", "new": "new"}[s.origin],
            "listed_as": ", ".join(s.listed_as),
            "top": [{"language": language, "p": Tex(f"{p:.2f}")} for language, p in s.top(languages)],
        }
        for s in trained.samples
    ]
    epochs = trained.classifier.epochs
    largest = max(sizes, key=sizes.get)
    return {
        "available": True,
        **common,
        "lines": len(data.names) + data.duplicates + data.skipped_lines,
        "names": len(data.names),
        "duplicates": data.duplicates,
        "skipped": data.skipped_text(),
        "languages": len(languages),
        "largest": {"language": largest, "share": percent(sizes[largest] / len(data.names)), "count": sizes[largest]},
        "smallest": min(sizes, key=sizes.get),
        "smallest_count": min(sizes.values()),
        "ambiguous": trained.ambiguous,
        "split": {part: len(getattr(split, part)) for part in ("train", "validation", "test")},
        "fractions": {
            "validation": percent(float(config.validation_fraction), 0),
            "test": percent(float(config.test_fraction), 0),
        },
        "architecture": _description(config, len(languages)),
        "parameter_count": f"{trained.model.parameter_count():,}",
        "renamed": [s for s in samples if s["normalised"]],
        "learning_rate": number(float(config.learning_rate), 3),
        "final_lr": number(float(config.learning_rate * config.final_lr_ratio), 3),
        "accuracy": percent(test.accuracy),
        "balanced": percent(test.balanced_accuracy),
        "validation_accuracy": percent(trained.validation.accuracy),
        "reached": test.accuracy >= TARGET_ACCURACY,
        "majority": {"language": trained.majority[0], "share": percent(trained.majority[1])},
        "best_validation": {
            "epoch": 1 + int(np.argmax([e["validation_accuracy"] for e in epochs])),
            "loss_epoch": 1 + int(np.argmin([e["validation_loss"] for e in epochs])),
        },
        "final_train_accuracy": percent(epochs[-1]["train_accuracy"]),
        "rows": rows,
        "samples": samples,
        "figure": {"training": f"{FIGURE_DIR}/training.pdf", "confusion": f"{FIGURE_DIR}/confusion.pdf"},
    }


PROBLEM = Problem(
    section=SECTION,
    number=4,
    title="A character-level RNN that guesses a surname's language",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    assets=assets,
    view=view,
    data_folders=(DataFolder(option="names-dir", key="names", help="folder of surname files for Problem 4"),),
)
