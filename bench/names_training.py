"""Benchmark Problem 4: an epoch of the surname classifier, length-grouped batches against padding every name.

Three runs of the default configuration on the same data, from the same initial
weights, in float32 on one thread, each training the same epochs without the
per-epoch evaluation:

    grouped   hw6's batches: names of similar length, each batch padded to its own longest name
    padded    the same batch sizes in a plain shuffled order, every name padded to the longest in the data
    torch     hw6's grouped batches through torch.nn.LSTM + Embedding + Linear (torch.set_num_threads(1))

It prints seconds per epoch, the ratios against ``grouped`` measured in this run, and each run's
test accuracy.

    python bench/names_training.py --names-dir ../shared/data/names [--epochs 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from solver.nn import SoftmaxCrossEntropy, cosine_schedule, fit
from solver.problems.names_classifier import training
from solver.problems.names_classifier.data import load_names
from solver.problems.names_classifier.evaluation import Evaluation, probabilities
from solver.problems.names_classifier.params import TrainingConfig


def numpy_run(config, data, split, grouped: bool) -> tuple[float, float]:
    encoded = training.Encoded.of(data)
    model = training.new_model(config, len(data.languages), np.float32)

    def batches(rng):
        if grouped:
            order = training.length_batches(encoded.lengths, split.train, config.batch_size, rng)
        else:
            shuffled = rng.permutation(split.train)
            order = [shuffled[k : k + config.batch_size] for k in range(0, len(shuffled), config.batch_size)]
        for index in order:
            yield (
                (encoded.batch(index) if grouped else (encoded.codes[index], encoded.lengths[index])),
                data.labels[index],
            )

    fitted = fit(
        model,
        SoftmaxCrossEntropy(),
        config,
        rng=np.random.default_rng([config.seed, 42]),
        label="numpy",
        batches=batches,
    )
    test = Evaluation(
        data.labels[split.test], probabilities(model, encoded.codes[split.test], encoded.lengths[split.test])
    )
    return fitted.seconds, test.accuracy


def torch_run(config, data, split) -> tuple[float, float]:
    import torch

    from solver.nn.mirrors import TorchClassifier

    torch.set_num_threads(1)
    encoded = training.Encoded.of(data)
    reference = training.new_model(config, len(data.languages), np.float32)
    network = TorchClassifier(reference)
    network.rnn.float()
    leaves = {name: leaf.detach().float().requires_grad_(True) for name, leaf in network.leaves.items()}
    network.leaves = leaves
    for k in range(config.layers):
        getattr(network.rnn, f"bias_hh_l{k}").requires_grad_(False)  # the NumPy layer has one bias
    trainable = [p for p in network.rnn.parameters() if p.requires_grad] + list(leaves.values())
    optimizer = torch.optim.Adam(trainable, lr=float(config.learning_rate))
    schedule = cosine_schedule(float(config.learning_rate), config.epochs, float(config.final_lr_ratio))
    rng = np.random.default_rng([config.seed, 42])
    labels = torch.from_numpy(data.labels)

    def logits(index):
        tokens, lengths = encoded.batch(index)
        x = torch.nn.functional.embedding(torch.from_numpy(tokens), leaves["embedding.weight"])
        hs, _ = network.rnn(x)
        last = hs[torch.arange(len(lengths)), torch.from_numpy(lengths - 1)]
        return torch.nn.functional.linear(last, leaves["head.weight"], leaves["head.bias"])

    start = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        for group in optimizer.param_groups:
            group["lr"] = schedule(epoch)
        for index in training.length_batches(encoded.lengths, split.train, config.batch_size, rng):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(logits(index), labels[index]).backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = torch.cat(
            [logits(split.test[k : k + 512]).argmax(1) for k in range(0, len(split.test), 512)]
        ).numpy()
    return seconds, float(np.mean(predicted == data.labels[split.test]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names-dir", required=True, help="the surnames folder (one <Language>.txt per language)")
    parser.add_argument("--epochs", type=int, default=TrainingConfig().epochs)
    args = parser.parse_args()
    config = TrainingConfig(epochs=args.epochs)
    data = load_names(args.names_dir)
    split = training.split_of(config, data)
    runs = {"grouped": numpy_run(config, data, split, True), "padded": numpy_run(config, data, split, False)}
    try:
        runs["torch"] = torch_run(config, data, split)
    except ImportError:
        print("torch is not installed: its run is left out")
    base = runs["grouped"][0]
    print(f"{'run':<8}  {'s / epoch':>9}  {'ratio':>6}  {'test accuracy':>13}")
    for name, (seconds, accuracy) in runs.items():
        print(f"{name:<8}  {seconds / args.epochs:9.2f}  {seconds / base:6.2f}  {accuracy:13.3f}")
    print(
        f"{args.epochs} epochs of {len(split.train)} names, {config.cell.upper()} {config.hidden_size}, float32, one thread"
    )


if __name__ == "__main__":
    main()
