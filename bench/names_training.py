"""Benchmark Problem 4: hw6's NumPy training of the surname classifier against torch, the same recipe on the same split.

Runs of one network of the default configuration (seed 0; the classifier averages two such networks,
trained at the same time on two cores) on the same data and split, from the same initial weights, in
float32 on one thread, each training the same epochs (or ``--epochs``) without the per-epoch evaluation:

    numpy    hw6's training (solver.nn, hand-written backward): names of similar length batched together,
             the n-gram bag beside the LSTM pair, class-weighted and label-smoothed loss, dropout on the
             head's inputs; Adam, the n-gram table row by row
    padded   (with --padded) the same, but batches in a plain shuffled order, every name padded to the longest
    torch    the same batches, loss and dropout rate through torch.nn.LSTM (a second one for the backward
             direction) + Embedding + embedding_bag + Linear, torch.set_num_threads(1); Adam, and SparseAdam
             for the n-gram table; its dropout masks are torch's own

Both are scored like the sheet: a test name of several languages is right when called any of them.

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


def scored(data, index: np.ndarray, chances: np.ndarray) -> tuple[float, float]:
    test = Evaluation(data.labels[index], chances, data.listed(index))
    return test.accuracy, test.balanced_accuracy


def numpy_run(config, data, split, grouped: bool) -> Run:
    encoded = training.Encoded.of(data)
    ngrams = training.ngram_vocabulary(config, data, split)
    model = training.new_model(config, len(data.languages), ngrams, np.float32)
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
    rng = np.random.default_rng([config.seed, 42])
    fitted = fit(model, loss, config, rng=rng, label="numpy", batches=batches, lazy=frozenset({"ngrams.weight"}))
    cpu = time.process_time() - cpu
    chances = probabilities(model, encoded.codes[split.test], encoded.lengths[split.test])
    return Run(fitted.seconds, cpu, *scored(data, split.test, chances))


def torch_run(config, data, split) -> Run:
    import torch

    from solver.nn.mirrors import TorchClassifier, bag_inputs

    torch.set_num_threads(1)
    torch.manual_seed(config.seed)
    encoded = training.Encoded.of(data)
    ngrams = training.ngram_vocabulary(config, data, split)
    network = TorchClassifier(training.new_model(config, len(data.languages), ngrams, np.float32))
    for module in network.modules.values():
        module.float()
        for k in range(config.layers):
            getattr(module, f"bias_hh_l{k}").requires_grad_(False)  # the NumPy layer has one bias
    leaves = {name: leaf.detach().float().requires_grad_(True) for name, leaf in network.leaves.items()}
    trainable = [p for m in network.modules.values() for p in m.parameters() if p.requires_grad]
    dense = [leaf for name, leaf in leaves.items() if name != "ngrams.weight"]
    optimizers = [torch.optim.Adam(trainable + dense, lr=float(config.learning_rate))]
    if "ngrams.weight" in leaves:  # a sparse gradient (embedding_bag(sparse=True)) and the lazy update
        optimizers.append(torch.optim.SparseAdam([leaves["ngrams.weight"]], lr=float(config.learning_rate)))
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
        if ngrams is not None:
            flat, offsets = bag_inputs(ngrams, tokens, lengths)
            bag = F.embedding_bag(flat, leaves["ngrams.weight"], offsets, mode="mean", sparse=True)  # (B, N)
            features = torch.cat([features, bag], dim=1)
        features = F.dropout(features, float(config.dropout), training=train)
        return F.linear(features, leaves["head.weight"], leaves["head.bias"])

    cpu, start = time.process_time(), time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        for optimizer in optimizers:
            for group in optimizer.param_groups:
                group["lr"] = schedule(epoch)
        for index in training.length_batches(encoded.lengths, split.train, config.batch_size, rng):
            for optimizer in optimizers:
                optimizer.zero_grad()
            value = F.cross_entropy(
                logits(index, True), labels[index], weight=class_weight, label_smoothing=float(config.label_smoothing)
            )
            value.backward()
            for optimizer in optimizers:
                optimizer.step()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    order = split.test[np.argsort(encoded.lengths[split.test], kind="stable")]
    with torch.no_grad():
        chances = torch.cat([logits(order[k : k + 512], False).softmax(1) for k in range(0, len(order), 512)])
    return Run(wall, cpu, *scored(data, order, chances.double().numpy()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names-dir", required=True, help="the surnames folder (one <Language>.txt per language)")
    parser.add_argument("--epochs", type=int, default=TrainingConfig().epochs)
    parser.add_argument("--padded", action="store_true", help="also time batches padded to the longest name")
    args = parser.parse_args()
    config = training.network_configs(TrainingConfig(epochs=args.epochs))[0]
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
    if config.ngram_length:
        shape += f" + a bag of 1- to {config.ngram_length}-grams ({config.ngram_size})"
    print(f"{args.epochs} epochs of {len(split.train)} names, {shape}, float32, one thread")
    print(f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
