"""Benchmark Problem 2's batched beam search against a plain Python sorted() beam, same run.

Log-probabilities are drawn in advance, (T, k, M), so only the search is timed:
adding each hypothesis' total to its M log-probabilities and keeping the best k
of the k*M candidates. The baseline does the same in plain Python, with a list
of (total, position) pairs and sorted(); a NumPy full argsort of all k*M
candidates shows what partial selection (argpartition) saves. All three must
keep the same hypotheses. The last line runs the demo RNN decoder for scale.

    python bench/beam_search.py [--vocab 10000] [--beam 16] [--steps 50]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from solver.kernel.checks import import_torch
from solver.kernel.errors import OracleUnavailable
from solver.problems.beam_search.engine import batched, decoders


def log_probabilities(steps: int, beam: int, vocab: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return decoders.log_softmax(rng.normal(scale=2.0, size=(steps, beam, vocab)))  # (T, k, M)


def python_sorted_beam(table: np.ndarray, beam: int) -> list[list[int]]:
    """The straightforward beam: every candidate as a Python tuple, sorted(), keep k."""
    steps, _, vocab = table.shape
    hypotheses = [((), 0.0)]  # (tokens, total), best first
    for t in range(steps):
        candidates = []
        for parent, (_, total) in enumerate(hypotheses):
            for token, logprob in enumerate(table[t, parent].tolist()):
                candidates.append((total + logprob, parent, token))
        best = sorted(candidates, key=lambda c: -c[0])[:beam]
        hypotheses = [(hypotheses[parent][0] + (token,), total) for total, parent, token in best]
    return [list(tokens) for tokens, _ in hypotheses]


class FullSortSelection(batched.NumpySelection):
    """Selection by sorting all k*M candidates (what argpartition avoids)."""

    name = "numpy full sort"

    def top_k(self, scores, order, k):
        ranked = np.lexsort((order, -scores))[:k]
        return ranked, False


def batched_beam(table: np.ndarray, beam: int, backend="numpy") -> list[list[int]]:
    result = batched.beam_search(
        decoders.PrecomputedDecoder(table), beam, table.shape[0], backend=backend, record=False
    )
    return result.steps[-1].sequences.tolist()


def timed(fn, repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=10_000, help="M")
    parser.add_argument("--beam", type=int, default=16, help="k")
    parser.add_argument("--steps", type=int, default=50, help="T")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs (the baseline runs once)")
    args = parser.parse_args()
    steps, beam, vocab = args.steps, args.beam, args.vocab
    table = log_probabilities(steps, beam, vocab)
    print(
        f"M = {vocab:,}, k = {beam}, T = {steps}: {beam * vocab:,} candidates per step, log-probabilities precomputed"
    )

    engine_time, engine_beam = timed(lambda: batched_beam(table, beam), args.repeat)
    full_time, full_beam = timed(lambda: batched_beam(table, beam, FullSortSelection()), args.repeat)
    python_time, python_beam = timed(lambda: python_sorted_beam(table, beam), 1)
    rows = [("numpy argpartition (hw6)", engine_time, engine_beam), ("numpy full argsort", full_time, full_beam)]
    try:
        import_torch()
        torch_time, torch_beam = timed(lambda: batched_beam(table, beam, "torch"), args.repeat)
        rows.append(("torch topk (hw6)", torch_time, torch_beam))
    except OracleUnavailable as exc:  # torch is optional
        print(f"(torch skipped: {exc})")
    rows.append(("python sorted() baseline", python_time, python_beam))

    print(f"{'engine':<28}{'per step':>12}{'total':>11}{'vs sorted()':>14}  same beam")
    for name, seconds, final in rows:
        ratio = python_time / seconds
        print(f"{name:<28}{seconds / steps * 1e3:>10.3f}ms{seconds:>10.3f}s{ratio:>13.1f}x  {final == python_beam}")
    ratio = python_time / engine_time
    print(
        f"target: the batched engine >= 10x faster than sorted(): {'met' if ratio >= 10 else 'NOT met'} ({ratio:.0f}x)"
    )

    model = decoders.TinyRNN.random(vocab, seed=1)
    rnn_time, _ = timed(lambda: batched.beam_search(model, beam, steps, record=False), args.repeat)
    print(
        f"with the demo RNN decoder (H = 32) computing the log-probabilities: {rnn_time / steps * 1e3:.3f}ms per step"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
