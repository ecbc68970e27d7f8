"""Benchmark Problem 4: hw6's NumPy training of the surname classifier against torch, the same recipe on the same split.

Runs of the default configuration (or ``--epochs``) on the same data and split, from the same initial
weights, in float32 on one thread, each training the same epochs without the per-epoch evaluation:

    numpy    hw6's training (solver.nn, hand-written backward): names of similar length batched together,
             class-weighted and label-smoothed loss, dropout on the head's inputs
    padded   (with --padded) the same, but batches in a plain shuffled order, every name padded to the longest
    torch    the same batches, loss and dropout rate through torch.nn.LSTM (a second one for the backward
             direction) + Embedding + Linear, torch.set_num_threads(1); its dropout masks are torch's own

It prints wall and CPU seconds per epoch, the ratios of both against ``numpy`` measured in this run, each
run's test and balanced accuracy, and the load average before and after (the machine may be shared:
the CPU seconds say more than the wall seconds then).

    python bench/names_training.py --names-dir ../shared/data/names [--epochs 2] [--padded]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import numpy as np

from solver.nn import cosine_schedule, fit
from solver.nn.layers import reversed_within
from solver.problems.names_classifier import training
from solver.problems.names_classifier.data import load_names
from solver.problems.names_classifier.evaluation import Evaluation, probabilities
from solver.problems.names_classifier.params import TrainingConfig


@dataclasses.dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    accuracy: float
    balanced: float


def scored(labels: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    recalls = [np.mean(predicted[labels == c] == c) for c in np.unique(labels)]
    return float(np.mean(predicted == labels)), float(np.mean(recalls))


def numpy_run(config, data, split, grouped: bool) -> Run:
    encoded = training.Encoded.of(data)
    model = training.new_model(config, len(data.languages), np.float32)
    loss = training.training_loss(config, data.labels[split.train], len(data.languages))

    def batches(rng):
        if grouped:
            order = training.length_batches(encoded.lengths, split.train, config.batch_size, rng)
        else:
            shuffled = rng.permutation(split.train)
            order = [shuffled[k : k + config.batch_size] for k in range(0, len(shuffled), config.batch_size)]
        for index in order:
            tokens, lengths = encoded.batch(index) if grouped else (encoded.codes[index], encoded.lengths[index])
            yield (tokens, lengths, rng), data.labels[index]

    cpu = time.process_time()
    fitted = fit(model, loss, config, rng=np.random.default_rng([config.seed, 42]), label="numpy", batches=batches)
    cpu = time.process_time() - cpu
    test = Evaluation(
        data.labels[split.test], probabilities(model, encoded.codes[split.test], encoded.lengths[split.test])
    )
    return Run(fitted.seconds, cpu, test.accuracy, test.balanced_accuracy)


def torch_run(config, data, split) -> Run:
    import torch

    from solver.nn.mirrors import TorchClassifier

    torch.set_num_threads(1)
    torch.manual_seed(config.seed)
    encoded = training.Encoded.of(data)
    network = TorchClassifier(training.new_model(config, len(data.languages), np.float32))
    for module in network.modules.values():
        module.float()
        for k in range(config.layers):
            getattr(module, f"bias_hh_l{k}").requires_grad_(False)  # the NumPy layer has one bias
    leaves = {name: leaf.detach().float().requires_grad_(True) for name, leaf in network.leaves.items()}
    trainable = [p for m in network.modules.values() for p in m.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trainable + list(leaves.values()), lr=float(config.learning_rate))
    schedule = cosine_schedule(float(config.learning_rate), config.epochs, float(config.final_lr_ratio))
    weights = training.class_weights(config, data.labels[split.train], len(data.languages))
    class_weight = None if weights is None else torch.tensor(weights, dtype=torch.float32)
    rng = np.random.default_rng([config.seed, 42])
    labels = torch.from_numpy(data.labels)
    F = torch.nn.functional

    def logits(index, train: bool):
        tokens, lengths = encoded.batch(index)
        rows, last = torch.arange(len(lengths)), torch.from_numpy(lengths - 1)
        hs, _ = network.modules["rnn"](F.embedding(torch.from_numpy(tokens), leaves["embedding.weight"]))
        features = hs[rows, last]
        if "reverse" in network.modules:
            flipped = torch.from_numpy(reversed_within(tokens, lengths))
            back, _ = network.modules["reverse"](F.embedding(flipped, leaves["embedding.weight"]))
            features = torch.cat([features, back[rows, last]], dim=1)
        features = F.dropout(features, float(config.dropout), training=train)
        return F.linear(features, leaves["head.weight"], leaves["head.bias"])

    cpu, start = time.process_time(), time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        for group in optimizer.param_groups:
            group["lr"] = schedule(epoch)
        for index in training.length_batches(encoded.lengths, split.train, config.batch_size, rng):
            optimizer.zero_grad()
            value = F.cross_entropy(
                logits(index, True), labels[index], weight=class_weight, label_smoothing=float(config.label_smoothing)
            )
            value.backward()
            optimizer.step()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    order = split.test[np.argsort(encoded.lengths[split.test], kind="stable")]
    with torch.no_grad():
        predicted = torch.cat([logits(order[k : k + 512], False).argmax(1) for k in range(0, len(order), 512)])
    return Run(wall, cpu, *scored(data.labels[order], predicted.numpy()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names-dir", required=True, help="the surnames folder (one <Language>.txt per language)")
    parser.add_argument("--epochs", type=int, default=TrainingConfig().epochs)
    parser.add_argument("--padded", action="store_true", help="also time batches padded to the longest name")
    args = parser.parse_args()
    config = TrainingConfig(epochs=args.epochs)
    data = load_names(args.names_dir)
    split = training.split_of(config, data)
    load_before = os.getloadavg()
    runs = {"numpy": numpy_run(config, data, split, True)}
    if args.padded:
        runs["padded"] = numpy_run(config, data, split, False)
    try:
        runs["torch"] = torch_run(config, data, split)
    except ImportError:
        print("torch is not installed: its run is left out")
    load_after = os.getloadavg()
    base = runs["numpy"]
    print(
        f"{'run':<7}  {'wall s/ep':>9}  {'cpu s/ep':>8}  {'wall ratio':>10}  {'cpu ratio':>9}  {'test':>6}  {'balanced':>8}"
    )
    for name, run in runs.items():
        print(
            f"{name:<7}  {run.wall / args.epochs:9.2f}  {run.cpu / args.epochs:8.2f}  {run.wall / base.wall:10.2f}  "
            f"{run.cpu / base.cpu:9.2f}  {run.accuracy:6.3f}  {run.balanced:8.3f}"
        )
    shape = f"{'bidirectional ' if config.bidirectional else ''}{config.cell.upper()} {config.hidden_size}"
    print(f"{args.epochs} epochs of {len(split.train)} names, {shape}, float32, one thread")
    print(f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
