"""Beam search, greedy decoding and exhaustive search over an explicit tree, in plain Python.

A tree is a function ``next_logprobs(prefix) -> row``: for a prefix of token
indices it returns the log-probability of every vocabulary token next. The
scores are whatever numbers the rows hold: :class:`fractions.Fraction` keeps
every sum exact (the sheets), floats reproduce a numeric decoder (the tests).
Ties follow the package's rule (see :mod:`solver.problems.beam_search.engine`): :func:`rank_key`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

Tokens = tuple[int, ...]
NextLogprobs = Callable[[Tokens], Sequence[Any]]


@dataclass(frozen=True)
class Hypothesis:
    """A partial sequence: its tokens, cumulative log-probability and the last token's own."""

    tokens: Tokens
    logprob: Any
    last: Any = 0  # log p(last token | the tokens before it); 0 for the empty start


START = Hypothesis((), 0)


def rank_key(hypothesis: Hypothesis) -> tuple:
    """Best first: higher total log-probability, then earlier tokens in the vocabulary."""
    return (-hypothesis.logprob, hypothesis.tokens)


def last_token_key(hypothesis: Hypothesis) -> tuple:
    """A modelled mistake: ranking by the last token's log-probability instead of the total."""
    return (-hypothesis.last, hypothesis.tokens)


@dataclass(frozen=True)
class Step:
    """One step of beam search: every expansion of the previous beam and the k kept."""

    number: int  # t = 1, ..., T
    candidates: tuple[Hypothesis, ...]  # previous beam in rank order, each expanded in vocabulary order
    kept: tuple[Hypothesis, ...]  # best first
    key: Callable[[Hypothesis], tuple] = rank_key

    @cached_property
    def ranked(self) -> tuple[Hypothesis, ...]:
        return tuple(sorted(self.candidates, key=self.key))

    @property
    def pruned(self) -> tuple[Hypothesis, ...]:
        return self.ranked[len(self.kept) :]

    @property
    def tie_at_cut(self) -> bool:
        """Whether the tie rule decided what was kept: the best pruned ties the worst kept."""
        pruned = self.pruned
        return bool(pruned) and self.key(pruned[0])[0] == self.key(self.kept[-1])[0]


def expand(beam: Sequence[Hypothesis], next_logprobs: NextLogprobs) -> list[Hypothesis]:
    """Every one-token extension of every hypothesis, beam order then vocabulary order."""
    candidates = []
    for hypothesis in beam:
        for token, logprob in enumerate(next_logprobs(hypothesis.tokens)):
            candidates.append(Hypothesis(hypothesis.tokens + (token,), hypothesis.logprob + logprob, logprob))
    return candidates


def beam_search(
    next_logprobs: NextLogprobs, beam_width: int, length: int, *, key: Callable[[Hypothesis], tuple] = rank_key
) -> tuple[Step, ...]:
    """Keep the ``beam_width`` best of all k * M candidates at each of ``length`` steps.

    ``key`` orders candidates (best first); :func:`last_token_key` models the
    mistake of ranking by the last step alone.
    """
    beam: list[Hypothesis] = [START]
    steps = []
    for number in range(1, length + 1):
        candidates = expand(beam, next_logprobs)
        kept = sorted(candidates, key=key)[:beam_width]
        steps.append(Step(number, tuple(candidates), tuple(kept), key))
        beam = kept
    return tuple(steps)


def two_stage_beam_search(
    next_logprobs: NextLogprobs, beam_width: int, length: int
) -> tuple[tuple[Hypothesis, ...], ...]:
    """The homework's pseudocode: top k tokens of each hypothesis, then the top k of those k^2.

    Returns the kept hypotheses of each step, best first.
    """
    beam: list[Hypothesis] = [START]
    kept_per_step = []
    for _ in range(length):
        shortlist = []
        for hypothesis in beam:
            shortlist += sorted(expand([hypothesis], next_logprobs), key=rank_key)[:beam_width]
        beam = sorted(shortlist, key=rank_key)[:beam_width]
        kept_per_step.append(tuple(beam))
    return tuple(kept_per_step)


def greedy(next_logprobs: NextLogprobs, length: int) -> tuple[Hypothesis, ...]:
    """The most likely next token at each step (the earlier token on a tie); the path, step by step."""
    path = [START]
    for _ in range(length):
        current = path[-1]
        row = list(next_logprobs(current.tokens))
        token = max(range(len(row)), key=lambda j: (row[j], -j))
        path.append(Hypothesis(current.tokens + (token,), current.logprob + row[token], row[token]))
    return tuple(path[1:])


def exhaustive(next_logprobs: NextLogprobs, vocab_size: int, length: int) -> tuple[Hypothesis, ...]:
    """All vocab_size ** length sequences, best first."""
    everything = []
    for tokens in itertools.product(range(vocab_size), repeat=length):
        logprob, last = 0, 0
        for t in range(length):
            last = next_logprobs(tokens[:t])[tokens[t]]
            logprob = logprob + last
        everything.append(Hypothesis(tokens, logprob, last))
    return tuple(sorted(everything, key=rank_key))
