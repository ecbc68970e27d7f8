"""How Problem 4's results are checked.

:func:`crosscheck` (NumPy, every build): the reported metrics recomputed from
the stored probabilities by a second route, the probabilities must be
distributions, padded batches must give what one name at a time gives, the
split must be disjoint and cover every language, and the solution notebook's
run (its log: test names, predictions, scores, samples) must be what hw6's
NumPy layers compute from its saved weights. :func:`oracle_check`
(torch): logits, loss and every parameter gradient on a batch of test names
in float64, and the test predictions with ``torch.nn.LSTM``/``RNN``.
"""

from __future__ import annotations

import numpy as np

from ...kernel.checks import Check, compare_arrays, compare_equal
from ...nn import SoftmaxCrossEntropy, mirrors
from .data import encode
from .evaluation import softmax
from .solve import Solution, Trained
from .training import class_weights

ORACLE_BATCH = 24  # test names in the torch gradient check
PADDING_CHECK_NAMES = 24  # test names also run one at a time, unpadded
EXACT_RTOL = 1e-10  # the same float64 computation by another route
LOG_ATOL = 5e-7 + 1e-12  # the log's numbers are rounded to 6 decimals


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
    # The confusion matrix again, one name at a time, from the largest probability found by a loop;
    # a name listed under the predicted language counts under it, from the data's own lists.
    confusion = np.zeros((classes, classes), dtype=np.int64)
    listed_under = trained.data.listed_under
    test_names = [trained.data.names[i] for i in trained.split.test]
    for row, label, name in zip(probs, labels, test_names, strict=True):
        best = max(range(classes), key=lambda c: (row[c], -c))
        confusion[best if best in listed_under[name] else label, best] += 1
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
    predicted_as = [confusion[:, c].sum() for c in range(classes)]
    precision = [confusion[c, c] / predicted_as[c] for c in range(classes) if predicted_as[c]]
    checks.append(
        compare_arrays(
            "4.precision",
            "numpy: counted confusion columns",
            test.precision[~np.isnan(test.precision)],
            precision,
            rtol=1e-12,
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

    checks += notebook_agreement(trained)

    names = sorted(trained.data.names)
    distinct = 1 + sum(1 for before, after in zip(names, names[1:], strict=False) if after != before)
    checks.append(
        compare_equal("4.distinct_names", "numpy: changes in the sorted names", distinct, trained.data.distinct_names)
    )

    split, data = trained.split, trained.data
    parts = [[data.names[i] for i in part] for part in (split.train, split.validation, split.test)]
    seen = [set(part) for part in parts]
    disjoint = (
        not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])
        and len(seen[0] | seen[1] | seen[2]) == data.distinct_names
        and len(parts[0]) == sum(len(data.listed_under[name]) for name in seen[0])  # every pair of a training name
        and len(parts[1]) == len(seen[1])  # held-out names once each
        and len(parts[2]) == len(seen[2])
    )
    checks.append(compare_equal("4.split", "python sets: names in one part each, covering every name", True, disjoint))
    checks.append(compare_equal("4.split", "numpy: every language in the test names", classes, len(np.unique(labels))))
    return checks


def notebook_agreement(trained: Trained) -> list[Check]:
    """The solution notebook's run (PyTorch, float64 scores) against hw6's NumPy layers on its saved weights.

    hw6 reads and splits the data with its own code and recomputes each test name's probabilities
    with :mod:`solver.nn`; the notebook's log must name exactly those test names, predict exactly
    NumPy's languages (both in float64: only an exact tie could tell them apart, and none is
    tolerated) and report the same scores (to the log's 6 decimals, ``LOG_ATOL``).
    """
    log, data, test, languages = trained.classifier.log, trained.data, trained.test, trained.languages
    backend = "numpy float64 from the notebook's saved weights"
    test_names = [data.names[i] for i in trained.split.test]
    logged = log["predictions"]
    checks = [
        compare_equal("4.notebook.data", "hw6's reading of the data", data.fingerprint(), log["data"]["fingerprint"]),
        compare_equal("4.notebook.languages", "hw6's reading of the data", list(languages), log["data"]["languages"]),
        compare_equal("4.notebook.test_names", "hw6's split by name", test_names, [name for name, _ in logged]),
        compare_equal(
            "4.notebook.predictions",
            backend,
            [languages[c] for c in test.predictions.tolist()],
            [language for _, language in logged],
        ),
    ]
    final = log["final"]
    for part, ours, theirs in (
        ("4.notebook.accuracy", test.accuracy, final["accuracy"]),
        ("4.notebook.balanced_accuracy", test.balanced_accuracy, final["balanced_accuracy"]),
    ):
        checks.append(compare_arrays(part, backend, [ours], [theirs], rtol=0, atol=LOG_ATOL))
    per_language = {
        language: {"right": int(test.confusion[c, c]), "names": int(test.confusion[c].sum())}
        for c, language in enumerate(languages)
    }
    checks.append(compare_equal("4.notebook.per_language", backend, per_language, final["per_language"]))
    for sample, shown in zip(trained.samples, log["samples"], strict=True):
        ours_top = sample.top(languages)
        checks.append(
            compare_equal(
                f"4.notebook.sample.{sample.normalised}",
                backend,
                [language for language, _ in ours_top],
                [language for language, _ in shown["top3"]],
            )
        )
        checks.append(
            compare_arrays(
                f"4.notebook.sample.{sample.normalised}",
                backend,
                [p for _, p in ours_top],
                [p for _, p in shown["top3"]],
                rtol=0,
                atol=LOG_ATOL,
            )
        )
    return checks


def oracle_check(solution: Solution) -> list[Check]:
    trained = solution.trained
    if trained is None:
        return []
    encoded, labels = trained.encoded, trained.data.labels
    index = _oracle_batch(trained)
    tokens, lengths = encoded.batch(index)
    weights = class_weights(trained.classifier.config, labels[trained.split.train], len(trained.languages))
    loss = SoftmaxCrossEntropy(weights)
    backend = "torch autograd, torch.nn." + ("LSTM" if trained.classifier.config.cell == "lstm" else "RNN")
    checks = []
    networks = trained.model.networks
    for k, model in enumerate(networks):
        part = "4" if len(networks) == 1 else f"4.network{k + 1}"
        logits, ctx = model.forward(tokens, lengths)
        value, loss_ctx = loss.forward(logits, labels[index])
        grads = model.backward(ctx, loss.backward(loss_ctx)).grads
        torch_result = mirrors.classifier(model, tokens, lengths, labels[index], weights)
        checks += [
            compare_arrays(f"{part}.logits", backend, logits, torch_result.logits, rtol=EXACT_RTOL, atol=1e-13),
            compare_arrays(f"{part}.loss", backend, [value], [torch_result.loss], rtol=EXACT_RTOL),
        ]
        for name, grad in grads.items():
            scale = float(np.max(np.abs(grad))) if grad.size else 0.0
            checks.append(
                compare_arrays(
                    f"{part}.grad.{name}", backend, grad, torch_result.grads[name], rtol=EXACT_RTOL, atol=1e-12 * scale
                )
            )
    test = trained.split.test
    predicted = mirrors.predictions(networks, encoded.codes[test], encoded.lengths[test])
    checks.append(compare_equal("4.predictions", backend, trained.test.predictions.tolist(), predicted.tolist()))
    return checks


def _oracle_batch(trained: Trained) -> np.ndarray:
    """Test names of every length from the shortest to the longest, so padding is exercised."""
    test = trained.split.test
    order = test[np.argsort(trained.encoded.lengths[test], kind="stable")]
    return order[np.linspace(0, len(order) - 1, min(ORACLE_BATCH, len(order))).round().astype(int)]
