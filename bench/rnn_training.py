"""Benchmark Problem 3 (k): time for the 2-layer RNN to reach training loss < 0.001, NumPy against torch.

Both sides train the same model from the same initial weights on the same data and
batch order, with Adam and the same cosine learning-rate schedule, in float32 on one
thread (hw6 pins NumPy's BLAS to one thread while training; torch gets
``set_num_threads(1)``). After every epoch both evaluate the whole training set and
stop below the target (or after the configured epochs). Ratios are NumPy's time over
torch's, measured in this run: for the whole run and per epoch.

    python bench/rnn_training.py [--seeds 0 1 2] [--layers 2] [--target 0.001]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from solver.nn import MSELoss, cosine_schedule, fit
from solver.problems.rnn_lstm.params import TrainingParams
from solver.problems.rnn_lstm.study import training


def numpy_run(params: TrainingParams, layers: int, target: float) -> tuple[float, int]:
    x, y = training.training_data(params, np.float32)
    model = training.new_model(params, layers, np.float32)
    loss = MSELoss()
    fitted = fit(
        model,
        loss,
        params,
        inputs=x,
        targets=y,
        batch_size=params.batch_size,
        rng=np.random.default_rng([params.seed, 13, layers]),
        target=target,
        stop_at_target=True,
        label="numpy",
        evaluate=lambda: loss.forward(model.forward(x)[0], y)[0],
    )
    return fitted.seconds, len(fitted.history.losses)


def torch_run(params: TrainingParams, layers: int, target: float) -> tuple[float, int]:
    import torch

    torch.set_num_threads(1)
    x, y = (torch.from_numpy(a) for a in training.training_data(params, np.float32))
    reference = training.new_model(params, layers, np.float32)
    rnn = torch.nn.RNN(1, params.hidden_size, num_layers=layers, nonlinearity=params.nonlinearity, batch_first=True)
    head = torch.nn.Linear(params.hidden_size, 1)
    with torch.no_grad():
        for k, layer in enumerate(reference.rnn.layers):
            getattr(rnn, f"weight_ih_l{k}").copy_(torch.from_numpy(layer.params["W_x"]))
            getattr(rnn, f"weight_hh_l{k}").copy_(torch.from_numpy(layer.params["W_h"]))
            getattr(rnn, f"bias_ih_l{k}").copy_(torch.from_numpy(layer.params["b"]))
            getattr(rnn, f"bias_hh_l{k}").zero_()
            getattr(rnn, f"bias_hh_l{k}").requires_grad_(False)  # the NumPy layer has one bias
        head.weight.copy_(torch.from_numpy(reference.head.params["weight"]))
        head.bias.copy_(torch.from_numpy(reference.head.params["bias"]))
    trainable = [p for p in (*rnn.parameters(), *head.parameters()) if p.requires_grad]
    optimizer = torch.optim.Adam(trainable, lr=float(params.learning_rate))
    schedule = cosine_schedule(float(params.learning_rate), params.epochs, float(params.final_lr_ratio))
    order_rng = np.random.default_rng([params.seed, 13, layers])
    count = len(x)

    def predict(inputs):
        return head(rnn(inputs)[0])

    start = time.perf_counter()
    epochs = 0
    for epoch in range(1, params.epochs + 1):
        epochs = epoch
        for group in optimizer.param_groups:
            group["lr"] = schedule(epoch)
        order = torch.from_numpy(order_rng.permutation(count))
        for begin in range(0, count, params.batch_size):
            index = order[begin : begin + params.batch_size]
            optimizer.zero_grad()
            loss = ((predict(x[index]) - y[index]) ** 2).mean()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            if float(((predict(x) - y) ** 2).mean()) < target:
                break
    return time.perf_counter() - start, epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--target", type=float, default=0.001)
    args = parser.parse_args()
    print(
        f"{'seed':>4}  {'numpy s':>8}  {'epochs':>6}  {'torch s':>8}  {'epochs':>6}  {'ratio':>6}  {'ratio per epoch':>15}"
    )
    totals = np.zeros(2)
    per_epoch = []
    for seed in args.seeds:
        params = TrainingParams(seed=seed)
        numpy_seconds, numpy_epochs = numpy_run(params, args.layers, args.target)
        torch_seconds, torch_epochs = torch_run(params, args.layers, args.target)
        totals += (numpy_seconds, torch_seconds)
        per_epoch.append((numpy_seconds / numpy_epochs) / (torch_seconds / torch_epochs))
        print(
            f"{seed:>4}  {numpy_seconds:8.2f}  {numpy_epochs:>6}  {torch_seconds:8.2f}  {torch_epochs:>6}  "
            f"{numpy_seconds / torch_seconds:6.2f}  {per_epoch[-1]:15.2f}"
        )
    # float32 rounding sends the two trajectories apart, so one may need more epochs than the
    # other (or miss the target within the epoch budget); the per-epoch ratio compares the work.
    print(
        f"time to loss < {args.target} ({args.layers} layers), all seeds: NumPy {totals[0]:.2f} s, torch {totals[1]:.2f} s, "
        f"ratio {totals[0] / totals[1]:.2f}; per epoch: median ratio {np.median(per_epoch):.2f} (target: NumPy <= 2x torch)"
    )


if __name__ == "__main__":
    main()
