"""How Problem 4's results are checked.

:func:`crosscheck` (NumPy, every build): the reported metrics recomputed from
the stored probabilities by a second route, the probabilities must be
distributions, padded batches must give what one name at a time gives, the
split must be disjoint and cover every language. :func:`oracle_check`
(torch): logits, loss and every parameter gradient on a batch of test names
in float64, and the test predictions with ``torch.nn.LSTM``/``RNN``.
"""

from __future__ import annotations

import numpy as np

from ...kernel.checks import Check, compare_arrays, compare_equal
from ...nn import SoftmaxCrossEntropy, mirrors
from .data import encode
from .evaluation import Evaluation, probabilities, softmax
from .solve import Solution, Trained
from .training import class_weights

ORACLE_BATCH = 24  # test names in the torch gradient check
PADDING_CHECK_NAMES = 24  # test names also run one at a time, unpadded
EXACT_RTOL = 1e-10  # the same float64 computation by another route


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

    # Each network's curve was measured in training arithmetic; the float64 re-evaluation of its
    # last epoch's weights must agree up to a few names whose top two probabilities nearly tie.
    validation = trained.split.validation
    tolerance = 0.0 if trained.classifier.config.dtype == "float64" else 3 / len(validation)
    for network, model_of_network in zip(trained.classifier.networks, trained.model.networks, strict=True):
        measured = Evaluation(
            trained.data.labels[validation],
            probabilities(model_of_network, encoded.codes[validation], encoded.lengths[validation]),
            trained.data.listed(validation),
        )
        checks.append(
            compare_arrays(
                "4.validation_accuracy",
                f"numpy float64 re-evaluation (network seed {network.config.seed})",
                [network.epochs[-1]["validation_accuracy"]],
                [measured.accuracy],
                rtol=1e-12,
                atol=tolerance,
            )
        )

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
