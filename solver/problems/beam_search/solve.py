"""Problem 2's exact solution: beam search, the exhaustive ranking and greedy decoding on Fractions.

The search itself is :mod:`.engine.tree`'s; this module reads the parameters into
its rows and keeps what the key and the sheet ask of the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from ...kernel.problem import BuildContext
from .engine.tree import Hypothesis, Step, Tokens, beam_search, exhaustive, greedy, last_token_key
from .params import Params


def exact_rows(params: Params) -> dict[Tokens, tuple[Fraction, ...]]:
    """Every row the search may read, keyed by token indices, values in vocabulary order."""
    index = {token: i for i, token in enumerate(params.vocabulary)}
    rows = {}
    for prefix, row in params.tree.items():
        tokens = tuple(index[token] for token in prefix.split(" ")) if prefix else ()
        if len(tokens) < params.length:
            rows[tokens] = tuple(Fraction(int(row[token].p), int(row[token].q)) for token in params.vocabulary)
    return rows


@dataclass(frozen=True)
class OptimumCut:
    """Where the most likely sequence left the beam."""

    step: int
    prefix: Hypothesis  # the optimum's prefix, a candidate at ``step`` that was pruned
    weakest_kept: Hypothesis  # the k-th kept hypothesis at that step

    @property
    def margin(self) -> Fraction:
        return self.weakest_kept.logprob - self.prefix.logprob


@dataclass(frozen=True)
class Solution:
    params: Params
    rows: dict[Tokens, tuple[Fraction, ...]]
    steps: tuple[Step, ...]  # beam search, step by step
    ranking: tuple[Hypothesis, ...]  # all M^T sequences, best first
    greedy_path: tuple[Hypothesis, ...]  # greedy decoding's hypothesis after each step
    last_token_steps: tuple[Step, ...]  # a modelled mistake: the beam ranked by the newest token alone

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return self.params.vocabulary

    def next_logprobs(self, prefix: Tokens) -> tuple[Fraction, ...]:
        return self.rows[prefix]

    def words(self, hypothesis: Hypothesis | Tokens) -> list[str]:
        tokens = hypothesis.tokens if isinstance(hypothesis, Hypothesis) else hypothesis
        return [self.vocabulary[j] for j in tokens]

    @property
    def beam_best(self) -> Hypothesis:
        return self.steps[-1].kept[0]

    @property
    def optimum(self) -> Hypothesis:
        return self.ranking[0]

    @property
    def greedy_best(self) -> Hypothesis:
        return self.greedy_path[-1]

    @property
    def returns_optimum(self) -> bool:
        return self.beam_best.logprob == self.optimum.logprob

    @cached_property
    def optimum_cut(self) -> OptimumCut | None:
        """The first step at which the optimum's prefix was a candidate but not kept (None if never)."""
        for step in self.steps:
            prefix = self.optimum.tokens[: step.number]
            if not any(h.tokens == prefix for h in step.kept):
                pruned = next(h for h in step.candidates if h.tokens == prefix)
                return OptimumCut(step.number, pruned, step.kept[-1])
        return None

    @cached_property
    def ties(self) -> list[str]:
        """Every place where the tie rule, not the numbers, decided something."""
        found = [
            f"step {s.number}: the best pruned candidate ties the weakest kept one" for s in self.steps if s.tie_at_cut
        ]
        final = self.steps[-1].kept
        if len(final) > 1 and final[0].logprob == final[1].logprob:
            found.append("the two best final hypotheses tie")
        if len(self.ranking) > 1 and self.ranking[0].logprob == self.ranking[1].logprob:
            found.append("the two most likely sequences tie")
        for hypothesis in self.greedy_path:
            row = self.rows[hypothesis.tokens[:-1]]
            if sorted(row, reverse=True)[1:2] == [max(row)]:
                found.append(f"greedy step {len(hypothesis.tokens)}: two tokens tie for the most likely")
        return found


def solve(params: Params, context: BuildContext | None = None) -> Solution:
    """Beam search, the exhaustive ranking, greedy decoding, exactly (Fractions)."""
    rows = exact_rows(params)
    vocab_size, k, length = len(params.vocabulary), params.beam_width, params.length
    steps = beam_search(rows.__getitem__, k, length)
    scored = sum(len(step.candidates) for step in steps)
    if scored > length * k * vocab_size:  # the bound of 2e; a failure here is a bug
        raise AssertionError(f"beam search scored {scored} candidates, more than T*k*M")
    return Solution(
        params,
        rows,
        steps,
        exhaustive(rows.__getitem__, vocab_size, length),
        greedy(rows.__getitem__, length),
        beam_search(rows.__getitem__, k, length, key=last_token_key),
    )


def path_terms(solution: Solution, tokens: Tokens) -> list[Fraction]:
    """The log-probability of each token of ``tokens`` given the ones before it."""
    return [solution.rows[tokens[:t]][j] for t, j in enumerate(tokens)]
