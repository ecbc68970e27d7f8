"""Problem 2: beam search over a decoder's tree of next-token log-probabilities.

The homework's figure did not survive, so hw6 defines the canonical tree
(:data:`DEFAULT_TREE`): with k = 2 and T = 3 beam search keeps
[neural network network] (-1.38) while [network neural neural] (-1.32) is the
most likely sequence, its prefix [network neural] pruned at step 2 by 0.03.

The exact answers come from :mod:`solver.beam.tree` on Fractions; the
cross-checks run the batched engine (:mod:`solver.beam.batched`, NumPy on
every build, torch.topk in the oracle) and a brute force over all M^T
sequences, which must reproduce the same tables, optimum and greedy path.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from ...core.checks import Check, compare_arrays, compare_equal
from ...core.errors import InputWarning, ParamsError
from ...core.exact import exact_text
from ...core.params import Number, ParamsBase, join, param
from ...core.problem import BuildContext, Part, Problem
from .difficulty import DIFFICULTY, SampleOptions, clashing_words, near_ties
from .engine import batched, decoders
from .engine.tree import Hypothesis, Step, Tokens, beam_search, exhaustive, greedy, last_token_key

SECTION = "beam_search"
MAX_VOCABULARY = 50
MAX_TOKEN_CHARACTERS = 30
MAX_SEQUENCES = 20_000  # M^T: the exhaustive search and brute force enumerate them all
NORMALIZATION_TOLERANCE = 0.01  # rows are rounded in the homework's figure

_DEFAULT_ROWS = {
    "": {"neural": "-0.36", "network": "-1.20"},
    "neural": {"neural": "-0.92", "network": "-0.51"},
    "network": {"neural": "-0.11", "network": "-2.30"},
    "neural neural": {"neural": "-0.80", "network": "-0.60"},
    "neural network": {"neural": "-0.92", "network": "-0.51"},
    "network neural": {"neural": "-0.01", "network": "-4.61"},
    "network network": {"neural": "-0.36", "network": "-1.20"},
}


def default_tree() -> dict[str, dict[str, sp.Rational]]:
    """hw6's canonical tree (the homework's Figure 2 did not survive)."""
    return {
        prefix: {token: sp.Rational(value) for token, value in row.items()} for prefix, row in _DEFAULT_ROWS.items()
    }


@dataclass(frozen=True)
class Params(ParamsBase):
    vocabulary: tuple[str, ...] = param(("neural", "network"), "the M tokens; their order breaks ties")
    beam_width: int = param(2, "beam width k", minimum=1, maximum=1000)
    length: int = param(3, "sequence length T (steps of the search)", minimum=1, maximum=20)
    tree: dict[str, dict[str, Number]] = param(
        default_factory=default_tree,
        doc='prefix (tokens joined by one space, "" at the start) -> next-token log-probabilities',
    )

    def validate(self) -> None:
        index = self._check_vocabulary()
        depth = self._check_rows(index)
        vocab_size = len(self.vocabulary)
        if self.length > depth:
            raise ParamsError(
                "length",
                f"at most {depth}, the depth of the tree (its longest prefix has {depth - 1} tokens)",
                self.length,
            )
        if vocab_size**self.length > MAX_SEQUENCES:
            raise ParamsError(
                "length",
                f"a length whose {vocab_size}^T sequences number at most {MAX_SEQUENCES:,} (they are all searched)",
                self.length,
            )
        for t in range(self.length):
            for prefix in itertools.product(self.vocabulary, repeat=t):
                if " ".join(prefix) not in self.tree:
                    raise ParamsError(
                        join("tree", " ".join(prefix)),
                        f"the next-token log-probabilities after this prefix, which are missing "
                        f"(the search over all sequences of length {self.length} needs every prefix of up to "
                        f"{self.length - 1} tokens)",
                    )
        self._warn_unnormalized()

    def _check_vocabulary(self) -> dict[str, int]:
        if not 1 <= len(self.vocabulary) <= MAX_VOCABULARY:
            raise ParamsError("vocabulary", f"a list of 1 to {MAX_VOCABULARY} tokens", list(self.vocabulary))
        index: dict[str, int] = {}
        for position, token in enumerate(self.vocabulary):
            field = join("vocabulary", position)
            if (
                not token
                or len(token) > MAX_TOKEN_CHARACTERS
                or not token.isprintable()
                or any(c.isspace() for c in token)
            ):
                raise ParamsError(
                    field,
                    f"a token of 1 to {MAX_TOKEN_CHARACTERS} printable characters without spaces",
                    token,
                    has_got=True,
                )
            if token in index:
                raise ParamsError(field, "a token not listed before", token)
            index[token] = position
        return index

    def _check_rows(self, index: Mapping[str, int]) -> int:
        """Check every row's prefix, tokens and log-probabilities; returns the tree's depth."""
        if "" not in self.tree:
            raise ParamsError(join("tree", ""), 'the row of the start (prefix ""), which is missing')
        known = ", ".join(self.vocabulary)
        depth = 0
        for prefix, row in self.tree.items():
            field = join("tree", prefix)
            tokens = prefix.split(" ") if prefix else []
            for token in tokens:
                if token not in index:
                    raise ParamsError(
                        field, f"a prefix of vocabulary tokens ({known}) joined by one space; {token!r} is not one"
                    )
            for token in row:
                if token not in index:
                    raise ParamsError(join(field, token), f"a token of the vocabulary ({known})")
            for token in self.vocabulary:
                if token not in row:
                    raise ParamsError(
                        join(field, token), "a log-probability for every vocabulary token; this one is missing"
                    )
            for token, value in row.items():
                if value > 0:
                    raise ParamsError(
                        join(field, token), "a log-probability <= 0 (a probability of at most 1)", exact_text(value)
                    )
            depth = max(depth, len(tokens) + 1)
        return depth

    def _warn_unnormalized(self) -> None:
        off = []
        for prefix, row in self.tree.items():
            total = math.fsum(math.exp(float(value)) for value in row.values())
            if abs(total - 1) > NORMALIZATION_TOLERANCE:
                off.append(f"{prefix!r} sums to {total:.3f}")
        if off:
            shown = "; ".join(off[:5]) + (f"; and {len(off) - 5} more" if len(off) > 5 else "")
            warnings.warn(
                f"{SECTION}.tree: the probabilities of {len(off)} row(s) do not sum to 1 within "
                f"{NORMALIZATION_TOLERANCE}: {shown}. The log-probabilities are used as given.",
                InputWarning,
                stacklevel=2,
            )


# --------------------------------------------------------------------------- exact solution


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


# --------------------------------------------------------------------------- numeric checks

FLOAT_RTOL = 1e-12


def scaled_rows(solution: Solution) -> tuple[dict[Tokens, np.ndarray], int]:
    """The rows as float64 in units of their common denominator, and that unit.

    Two-decimal log-probabilities become integers (x 100), whose float sums are
    exact: ties in the exact tables stay ties for the batched engine. When the
    integers would be too large for that, the rows stay plain floats (scale 1).
    """
    scale = 1
    for row in solution.rows.values():
        for value in row:
            scale = math.lcm(scale, value.denominator)
    largest = max(abs(value) for row in solution.rows.values() for value in row) * scale * solution.params.length
    if largest >= 2**53:
        return {prefix: np.array([float(v) for v in row]) for prefix, row in solution.rows.items()}, 1
    return {prefix: np.array([float(v * scale) for v in row]) for prefix, row in solution.rows.items()}, scale


def step_part_id(number: int) -> str:
    """2a, 2b, 2c for steps 1 to 3 (the homework's); later steps of longer searches 2c.step4, ..."""
    return f"2{'abc'[number - 1]}" if number <= 3 else f"2c.step{number}"


def _table(vocabulary: Sequence[str], sequences: Sequence[Sequence[int]]) -> list[str]:
    """Sequences as text, so a failed check reads ``['neural network', ...]``."""
    return [" ".join(vocabulary[j] for j in tokens) for tokens in sequences]


def engine_checks(solution: Solution, backend: str) -> list[Check]:
    """The batched engine and a brute force, on ``backend``, against the exact tables."""
    params = solution.params
    rows, scale = scaled_rows(solution)
    vocab_size = len(params.vocabulary)
    decoder = decoders.TreeDecoder(rows, vocab_size)
    engine = f"{backend} batched beam"
    result = batched.beam_search(decoder, params.beam_width, params.length, backend=backend)
    words = params.vocabulary
    checks = []
    for exact, numeric in zip(solution.steps, result.steps, strict=False):
        part = step_part_id(exact.number)
        previous = solution.steps[exact.number - 2].kept if exact.number > 1 else [Hypothesis((), 0)]
        checks += [
            compare_equal(
                part, engine, _table(words, [h.tokens for h in exact.kept]), _table(words, numeric.sequences.tolist())
            ),
            compare_arrays(part, engine, [h.logprob for h in exact.kept], numeric.scores / scale, rtol=FLOAT_RTOL),
            compare_equal(
                part,
                f"{engine} (parents)",
                _table(words, [h.tokens[:-1] for h in exact.kept]),
                _table(words, [previous[i].tokens for i in numeric.parents]),
            ),
            compare_arrays(
                part,
                f"{engine} (candidates)",
                [h.logprob for h in exact.candidates],
                numeric.candidates.reshape(-1) / scale,
                rtol=FLOAT_RTOL,
            ),
            compare_equal(part, f"{engine} (tie at cut)", exact.tie_at_cut, numeric.tie_at_cut),
        ]
    sequences, totals = batched.brute_force(rows, vocab_size, params.length, backend=backend)
    brute = f"{backend} brute force"
    checks.append(
        compare_equal(
            "2d", brute, _table(words, [h.tokens for h in solution.ranking]), _table(words, sequences.tolist())
        )
    )
    checks.append(compare_arrays("2d", brute, [h.logprob for h in solution.ranking], totals / scale, rtol=FLOAT_RTOL))
    greedy_run = batched.beam_search(decoder, 1, params.length, backend=backend)
    checks.append(
        compare_equal(
            "2d",
            f"{backend} batched greedy (k = 1)",
            _table(words, [solution.greedy_best.tokens]),
            _table(words, greedy_run.steps[-1].sequences.tolist()),
        )
    )
    exact_count = sum(len(step.candidates) for step in solution.steps)
    checks.append(compare_equal("2e", f"{backend} candidates scored", exact_count, result.candidates_scored))
    return checks


def crosscheck(solution: Solution) -> list[Check]:
    """NumPy: the batched engine (argpartition) and a brute force over all M^T sequences."""
    return engine_checks(solution, "numpy")


def oracle_check(solution: Solution) -> list[Check]:
    """torch: the batched engine with torch.topk, and a brute force sorted by torch."""
    return engine_checks(solution, "torch")


# --------------------------------------------------------------------------- answer key

COMPLEXITY_ACCEPTED = ["T*k*M*log(k)", "T*k*M*log(k*M)", "T*k**2", "T*k**2*log(k)"]
COMPLEXITY_REFERENCE = (
    "Each of the T steps runs the RNN once for each of the k hypotheses (a batch): the hidden update "
    "costs O(1) in k and M, the output layer and softmax O(M), so O(kM) for the step; then the top k of the "
    "k*M candidates are selected in O(kM) by partial selection (O(kM log k) with a heap of size k). "
    "Total O(T*k*M). Also accepted: the same with a log factor from a heap or a full sort, and the form in "
    "T and k only from the question's earlier version, O(T*k^2) (k^2 candidates sorted per step, "
    "O(T*k^2 log k) counting the sort)."
)


def text_number(value: Fraction) -> str:
    return exact_text(sp.Rational(value.numerator, value.denominator))


def entry(solution: Solution, hypothesis: Hypothesis) -> dict[str, Any]:
    """One hypothesis in the key: ``{"sequence": [tokens], "logprob": "-0.87"}`` (the total)."""
    return {"sequence": solution.words(hypothesis), "logprob": text_number(hypothesis.logprob)}


def bracket(solution: Solution, hypothesis: Hypothesis) -> str:
    return "[" + " ".join(solution.words(hypothesis)) + "]"


def true_totals(solution: Solution, hypotheses: Sequence[Hypothesis]) -> list[Hypothesis]:
    """The same sequences carrying their total log-probability (mistakes may rank by something else)."""
    out = []
    for hypothesis in hypotheses:
        total = sum((solution.rows[hypothesis.tokens[:t]][j] for t, j in enumerate(hypothesis.tokens)), Fraction(0))
        out.append(Hypothesis(hypothesis.tokens, total, hypothesis.last))
    return out


MISTAKE_SIZE = 50  # longer wrong answers are not modelled: nobody writes them down


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def step_mistakes(solution: Solution, step: Step) -> list[dict[str, Any]]:
    """Wrong answers to "which sequences are stored at step t", each with what it shows.

    Procedures that give the same wrong answer share one entry whose feedback names them all.
    """
    k, t = solution.params.beam_width, step.number
    modelled: list[tuple[Sequence[Hypothesis], str]] = []
    if t > 1:
        modelled.append(
            (
                true_totals(solution, solution.last_token_steps[t - 1].kept),
                "Ranked by the log-probability of the newest token alone; beam search ranks by the total "
                "log-probability of the whole sequence (the sum over its tokens).",
            )
        )
        modelled.append(
            (
                exhaustive(solution.next_logprobs, len(solution.vocabulary), t)[:k],
                f"These are the {k} best of all sequences of length {t}, including extensions of hypotheses pruned "
                f"at an earlier step; beam search only extends the hypotheses it kept.",
            )
        )
    if step.pruned:
        intruder = step.pruned[0]
        modelled.append(
            (
                list(step.kept[:-1]) + [intruder],
                f"{bracket(solution, intruder)} ({text_number(intruder.logprob)}) was pruned at step {t}: it ranks "
                f"{ordinal(k + 1)} of the {len(step.candidates)} candidates, and beam search keeps only the best {k}.",
            )
        )
        modelled.append(
            (
                step.ranked,
                f"Every expansion of the beam is listed; beam search keeps only the {k} with the highest total log-probability.",
            )
        )
    if k > 1:
        modelled.append(
            (
                [solution.greedy_path[t - 1]],
                f"Only the single most likely token was followed (greedy decoding); beam search keeps {k} hypotheses.",
            )
        )
    correct = frozenset(h.tokens for h in step.kept)
    mistakes: dict[frozenset, dict[str, Any]] = {}
    for hypotheses, feedback in modelled:
        sequences = frozenset(h.tokens for h in hypotheses)
        if sequences == correct or len(sequences) > MISTAKE_SIZE:
            continue
        if sequences in mistakes:
            mistakes[sequences]["feedback"] += " " + feedback
        else:
            mistakes[sequences] = {"value": [entry(solution, h) for h in hypotheses], "feedback": feedback}
    return list(mistakes.values())


def optimum_reference(solution: Solution) -> str:
    """2d in words, from the data."""
    best, optimum = solution.beam_best, solution.optimum
    found = f"beam search returns {bracket(solution, best)} ({text_number(best.logprob)})"
    if solution.returns_optimum:
        if best.tokens != optimum.tokens:
            return (
                f"Yes, up to a tie: {found}, and {bracket(solution, optimum)} has the same log-probability, the highest "
                f"of all {len(solution.ranking)} sequences."
            )
        return (
            f"Yes: {found}, the most likely of all {len(solution.ranking)} sequences: its prefix was among the "
            f"{solution.params.beam_width} kept at every step. Beam search does not guarantee this in general."
        )
    cut = solution.optimum_cut
    weakest = (
        f"{bracket(solution, cut.weakest_kept)} ({text_number(cut.weakest_kept.logprob)}), the weakest hypothesis kept"
    )
    if cut.margin:
        lost = f"{text_number(cut.margin)} below {weakest}, so it was pruned"
    else:
        lost = f"tied with {weakest}, and lost the tie by the tie rule, so it was pruned"
    return (
        f"No: {found}, but {bracket(solution, optimum)} has {text_number(optimum.logprob)}, the highest of all "
        f"{len(solution.ranking)} sequences. Its prefix {bracket(solution, cut.prefix)} scored "
        f"{text_number(cut.prefix.logprob)} at step {cut.step}, {lost}, although the rest of the sequence adds only "
        f"{text_number(optimum.logprob - cut.prefix.logprob)}."
    )


def parts(solution: Solution) -> dict[str, Part]:
    out: dict[str, Part] = {}
    for step in solution.steps:
        out[step_part_id(step.number)] = Part(
            "sequences",
            [entry(solution, h) for h in step.kept],
            extra={
                "ordered": False,
                "step": step.number,
                "pruned": [entry(solution, h) for h in step.pruned],
                "tie_at_cut": step.tie_at_cut,
                "mistakes": step_mistakes(solution, step),
            },
        )
    cut = solution.optimum_cut
    out["2d"] = Part(
        "data",
        {
            "returns_optimum": solution.returns_optimum,
            "beam_best": entry(solution, solution.beam_best),
            "optimum": entry(solution, solution.optimum),
        },
        extra={
            "reference": optimum_reference(solution),
            "greedy": entry(solution, solution.greedy_best),
            "pruned_at": None
            if cut is None
            else {
                "step": cut.step,
                "prefix": entry(solution, cut.prefix),
                "weakest_kept": entry(solution, cut.weakest_kept),
                "margin": text_number(cut.margin),
            },
            "ranking": [entry(solution, h) for h in solution.ranking[:10]],
        },
    )
    out["2e"] = Part(
        "complexity",
        "T*k*M",
        r"O(T\,k\,M)",
        {"accepted": list(COMPLEXITY_ACCEPTED), "reference": COMPLEXITY_REFERENCE},
    )
    return out


# --------------------------------------------------------------------------- sheet

FULL_TREE_NODES = 40  # largest tree a problem sheet draws (M = 2, T = 4 has 30 nodes; M = 3, T = 3 has 39)
FULL_TREE_LEAVES = 16  # a solution draws the whole tree up to this many leaves (it shows totals too)
EXPLORED_TREE_NODES = 80  # beyond this only the kept hypotheses and the optimum's path are drawn,
KEPT_TREE_NODES = 150  # and beyond this only the paths of the best final hypotheses and of the optimum
FINAL_PATHS = 10
TABLE_ROWS = 24  # candidates listed per step before the table is shortened
LISTED_HYPOTHESES = 12  # kept hypotheses named in a sentence before it is shortened
RANKING_ROWS = 16  # sequences of the exhaustive ranking listed in full; longer rankings show the top 10
STATEMENT_ROWS = 120  # rows of log-probabilities printed in a statement whose tree is too big to draw
GRID_TOKENS = 8  # up to this many tokens those rows are a grid with a column per token
MAX_PLACES = 6  # decimals shown when every log-probability is a short decimal; otherwise exact fractions
COLUMN_WIDTH = 3.3  # cm between tree levels
ROW_HEIGHT = {True: 1.0, False: 0.85}  # cm between leaves, with and without totals in the nodes


def path_terms(solution: Solution, tokens: Tokens) -> list[Fraction]:
    """The log-probability of each token of ``tokens`` given the ones before it."""
    return [solution.rows[tokens[:t]][j] for t, j in enumerate(tokens)]


def tree_shape(solution: Solution, marked: bool) -> tuple[str, list[Tokens]] | None:
    """Which nodes the figure draws: the whole tree when small; else what the search touched.

    A problem sheet (unmarked) needs every number, so it is drawn whole or not at all (None).
    """
    vocab_size, length = len(solution.vocabulary), solution.params.length
    whole = sum(vocab_size**t for t in range(1, length + 1)) <= FULL_TREE_NODES
    if whole and (not marked or vocab_size**length <= FULL_TREE_LEAVES):
        return "full", [tokens for t in range(length + 1) for tokens in itertools.product(range(vocab_size), repeat=t)]
    if not marked:
        return None
    optimum_path = {solution.optimum.tokens[:t] for t in range(length + 1)}
    explored = {()} | optimum_path | {h.tokens for step in solution.steps for h in step.candidates}
    if len(explored) <= EXPLORED_TREE_NODES:
        return "explored", sorted(explored, key=lambda tokens: (len(tokens), tokens))
    kept = {()} | optimum_path | {h.tokens for step in solution.steps for h in step.kept}
    if len(kept) <= KEPT_TREE_NODES:
        return "kept", sorted(kept, key=lambda tokens: (len(tokens), tokens))
    finalists = {h.tokens[:t] for h in solution.steps[-1].kept[:FINAL_PATHS] for t in range(length + 1)}
    return "paths", sorted(optimum_path | finalists, key=lambda tokens: (len(tokens), tokens))


class Sheet:
    """LaTeX fragments for one solution; numbers keep the tree's own count of decimals (-1.20)."""

    def __init__(self, solution: Solution):
        self.solution = solution
        denominators = {value.denominator for row in solution.rows.values() for value in row}
        self.places = next((p for p in range(MAX_PLACES + 1) if all(10**p % q == 0 for q in denominators)), None)

    # -- small pieces

    def number(self, value: Fraction):
        from ...render.tex import Tex

        if self.places is None:
            return Tex(sp.latex(sp.Rational(value.numerator, value.denominator)))
        scaled = abs(value) * 10**self.places  # an integer: every total is a sum of the tree's decimals
        whole, fraction = divmod(int(scaled), 10**self.places)
        sign = "-" if value < 0 else ""
        return Tex(f"{sign}{whole}.{fraction:0{self.places}d}" if self.places else f"{sign}{whole}")

    def sum(self, terms: Sequence[Fraction], total: Fraction | None = None):
        """``-0.36 - 0.51 = -0.87``: the terms, then the total when given and there are several terms."""
        from ...render.tex import Tex

        text = str(self.number(terms[0]))
        for term in terms[1:]:
            text += f" - {self.number(-term)}" if term < 0 else f" + {self.number(term)}"
        if len(terms) > 1 and total is not None:
            text += f" = {self.number(total)}"
        return Tex(text)

    @staticmethod
    def token(word: str):
        from ...render.tex import Tex, escape

        return Tex(r"\textsf{%s}" % escape(word))

    def sequence(self, hypothesis: Hypothesis | Tokens):
        from ...render.tex import Tex, escape

        return Tex(r"\textsf{[%s]}" % " ".join(escape(w) for w in self.solution.words(hypothesis)))

    def described(self, hypothesis: Hypothesis) -> dict:
        return {"sequence": self.sequence(hypothesis), "total": self.number(hypothesis.logprob)}

    def listing(self, hypotheses: Sequence[Hypothesis]):
        """``[a b] (-0.87) and [a a] (-1.28)``; three or more with commas."""
        from ...render.tex import Tex

        items = [rf"{self.sequence(h)}~(${self.number(h.logprob)}$)" for h in hypotheses]
        if len(items) > LISTED_HYPOTHESES:
            items = items[: LISTED_HYPOTHESES - 2] + [f"{len(items) - LISTED_HYPOTHESES + 1} more down to {items[-1]}"]
        if len(items) <= 2:
            return Tex(" and ".join(items))
        return Tex(", ".join(items[:-1]) + ", and " + items[-1])

    # -- parts of the solution

    def step(self, step: Step) -> dict:
        ranked = step.ranked
        if len(ranked) <= TABLE_ROWS:
            shown = list(enumerate(ranked, start=1))
        else:  # the best kept, then the first pruned ones after the cut
            kept_shown = min(len(step.kept), TABLE_ROWS - 4)
            shown = list(enumerate(ranked[:kept_shown], start=1)) + list(
                enumerate(step.pruned[:4], start=len(step.kept) + 1)
            )
        rows = []
        for rank, hypothesis in shown:
            terms = [hypothesis.logprob - hypothesis.last, hypothesis.last] if step.number > 1 else [hypothesis.last]
            rows.append(
                {
                    "rank": rank,
                    "sequence": self.sequence(hypothesis),
                    "sum": self.sum(terms),
                    "total": self.number(hypothesis.logprob),
                    "kept": rank <= len(step.kept),
                    "gap_before": bool(rows) and rank != rows[-1]["rank"] + 1,
                }
            )
        kept_shown = sum(row["kept"] for row in rows)
        return {
            "number": step.number,
            "candidates": len(step.candidates),
            "parents": len(step.candidates) // len(self.solution.vocabulary),
            "kept_count": len(step.kept),
            "kept": self.listing(step.kept),
            "everything_kept": not step.pruned,
            "rows": rows,
            "omitted_kept": len(step.kept) - kept_shown,
            "omitted_pruned": len(step.pruned) - (len(rows) - kept_shown),
            "lowest_shown": rows[-1]["total"],
            "tie": {"kept": self.described(step.kept[-1]), "pruned": self.described(step.pruned[0])}
            if step.tie_at_cut
            else None,
        }

    def ranking(self) -> dict:
        solution = self.solution
        shown = solution.ranking if len(solution.ranking) <= RANKING_ROWS else solution.ranking[:10]
        rows = [
            {
                "rank": rank,
                "sequence": self.sequence(h),
                "sum": self.sum(path_terms(solution, h.tokens)),
                "total": self.number(h.logprob),
                "beam": h.tokens == solution.beam_best.tokens,
                "greedy": h.tokens == solution.greedy_best.tokens,
            }
            for rank, h in enumerate(shown, start=1)
        ]
        return {"rows": rows, "count": len(solution.ranking), "omitted": len(solution.ranking) - len(shown)}

    def greedy(self) -> dict:
        solution = self.solution
        beam, found = solution.beam_best, solution.greedy_best
        if found.tokens == beam.tokens:
            relation = "same"
        elif beam.logprob != found.logprob:
            relation = "beam better" if beam.logprob > found.logprob else "greedy better"
        else:
            relation = "equal"
        return {
            "choices": [
                {"token": self.token(solution.vocabulary[h.tokens[-1]]), "logprob": self.number(h.last)}
                for h in solution.greedy_path
            ],
            "sum": self.sum([h.last for h in solution.greedy_path], found.logprob),
            "result": self.described(found),
            "relation": relation,
            "difference": self.number(abs(beam.logprob - found.logprob)),
            "optimal": found.logprob == solution.optimum.logprob,
        }

    def answer(self) -> dict:
        solution = self.solution
        cut = solution.optimum_cut
        return {
            "returns_optimum": solution.returns_optimum,
            "tied": solution.returns_optimum and solution.beam_best.tokens != solution.optimum.tokens,
            "best": self.described(solution.beam_best),
            "optimum": self.described(solution.optimum),
            "optimum_sum": self.sum(path_terms(solution, solution.optimum.tokens), solution.optimum.logprob),
            "cut": None
            if cut is None
            else {
                "step": cut.step,
                "prefix": self.described(cut.prefix),
                "weakest": self.described(cut.weakest_kept),
                "margin": self.number(cut.margin),
                "tied": cut.margin == 0,
                "rest": self.number(solution.optimum.logprob - cut.prefix.logprob),
                "rest_tokens": solution.params.length - cut.step,
                "gain": self.number(solution.optimum.logprob - solution.beam_best.logprob),
            },
        }

    def figure(self, marked: bool) -> dict | None:
        """TikZ positions, root at the left; leaves one row apart, each parent centred on its children."""
        solution = self.solution
        shape = tree_shape(solution, marked)
        if shape is None:
            return None
        mode, nodes = shape
        children: dict[Tokens, list[Tokens]] = {tokens: [] for tokens in nodes}
        for tokens in nodes:
            if tokens:
                children[tokens[:-1]].append(tokens)
        row_height = ROW_HEIGHT[marked]
        height: dict[Tokens, float] = {}
        next_leaf = 0

        def place(tokens: Tokens) -> None:
            nonlocal next_leaf
            below = sorted(children[tokens])
            for child in below:
                place(child)
            if below:
                height[tokens] = (height[below[0]] + height[below[-1]]) / 2
            else:
                height[tokens] = -next_leaf * row_height
                next_leaf += 1

        place(())
        kept = {h.tokens for step in solution.steps for h in step.kept}
        candidates = {h.tokens for step in solution.steps for h in step.candidates}
        optimum_path = {solution.optimum.tokens[:t] for t in range(solution.params.length + 1)}
        ids = {tokens: f"v{i}" for i, tokens in enumerate(nodes)}
        boxes, edges = [], []
        for tokens in nodes:
            styles = ["root"] if not tokens else ["hyp"]
            if tokens and marked:
                styles.append("kept" if tokens in kept else "pruned" if tokens in candidates else "unreached")
                if tokens in optimum_path:
                    styles.append("optimal")
                if tokens == solution.beam_best.tokens:
                    styles.append("returned")
            boxes.append(
                {
                    "id": ids[tokens],
                    "x": round(len(tokens) * COLUMN_WIDTH, 3),
                    "y": round(height[tokens], 3),
                    "style": ", ".join(styles),
                    "token": self.token(solution.vocabulary[tokens[-1]]) if tokens else None,
                    "total": self.number(sum(path_terms(solution, tokens), Fraction(0))) if marked and tokens else None,
                }
            )
            if not tokens:
                continue
            parent = tokens[:-1]
            style = "edge"
            if marked and tokens in optimum_path:
                style = "edge, optimal edge"
            elif marked and tokens not in candidates:
                style = "edge, faint edge"
            siblings = sorted(children[parent])
            edges.append(
                {
                    "from": ids[parent],
                    "to": ids[tokens],
                    "style": style,
                    "label": self.number(solution.rows[parent][tokens[-1]]),
                    # the lowest of several children gets its label under the edge, away from its sibling's
                    "side": "below" if len(siblings) > 1 and tokens == siblings[-1] else "above",
                }
            )
        top = max(box["y"] for box in boxes) + 0.8
        columns = [
            {"x": round(t * COLUMN_WIDTH, 3), "label": f"step {t}"} for t in range(1, solution.params.length + 1)
        ]
        return {"mode": mode, "boxes": boxes, "edges": edges, "columns": columns, "top": round(top, 3)}

    def rows_table(self) -> dict:
        """The tree as a table, for problem sheets whose tree is too big to draw."""
        solution = self.solution
        prefixes = sorted(solution.rows, key=lambda tokens: (len(tokens), tokens))
        rows = [
            {
                "prefix": self.sequence(tokens) if tokens else None,
                "values": [self.number(v) for v in solution.rows[tokens]],
            }
            for tokens in prefixes[:STATEMENT_ROWS]
        ]
        tokens = [self.token(w) for w in solution.vocabulary]
        return {
            "rows": rows,
            "omitted": len(prefixes) - len(rows),
            "tokens": tokens,
            "grid": len(tokens) <= GRID_TOKENS,
        }


def view(solution: Solution) -> dict:
    """What the templates show, as LaTeX fragments; prose stays in the templates."""
    from ...render.tex import Tex

    params = solution.params
    sheet = Sheet(solution)
    vocab_size = len(params.vocabulary)
    return {
        "M": vocab_size,
        "k": params.beam_width,
        "T": params.length,
        "vocabulary": Tex(", ".join(sheet.token(w) for w in params.vocabulary)),
        "figure": sheet.figure(marked=True),
        "statement_figure": sheet.figure(marked=False),
        "rows_table": sheet.rows_table(),
        "steps": [sheet.step(step) for step in solution.steps],
        "ranking": sheet.ranking(),
        "greedy": sheet.greedy(),
        "answer": sheet.answer(),
        "ties": solution.ties,
        "scored": sum(len(step.candidates) for step in solution.steps),
        "bound": params.length * params.beam_width * vocab_size,
    }


# --------------------------------------------------------------------------- variants

SAMPLE_WORDS = ("neural", "network", "deep", "learning", "model", "vector")  # none a word of the text
SAMPLE_SHAPES = ((2, 3), (2, 3), (2, 4), (3, 3))  # (M, T) with structure: varied, all drawn whole; k = 2
SAME_SHAPES = ((2, 3),)  # the homework's
SAMPLE_ATTEMPTS = 50_000  # with M = 2, T = 3 about 1 tree in 300 makes beam search miss the optimum


def _sample_hundredths(rng: np.random.Generator, vocab_size: int, count: int) -> list[list[int]]:
    """``count`` rows of two-decimal log-probabilities (in hundredths) whose probabilities sum
    to 1 within half the tolerance; drawn in batches, rejected rows dropped."""
    rows: list[list[int]] = []
    while len(rows) < count:
        probabilities = np.clip(rng.dirichlet(np.full(vocab_size, 0.7), size=2 * count), 0.01, 0.99)  # (2n, M)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        hundredths = np.minimum(np.round(np.log(probabilities) * 100), 0).astype(int)  # (2n, M)
        fits = np.abs(np.exp(hundredths / 100).sum(axis=1) - 1) <= NORMALIZATION_TOLERANCE / 2  # (2n,)
        rows += hundredths[fits].tolist()
    return rows[:count]


def _beam_misses(rows: dict[Tokens, list[int]], vocab_size: int, length: int, beam_width: int) -> bool:
    """Whether beam search ends below the optimum, in integer hundredths (a cheap pre-filter:
    most drawn trees are rejected, and the full solve then confirms the one that passes)."""
    best = max(
        sum(rows[path[:t]][path[t]] for t in range(length))
        for path in itertools.product(range(vocab_size), repeat=length)
    )
    kept: list[tuple[int, Tokens]] = [(0, ())]
    for _ in range(length):
        candidates = [(score + rows[path][j], path + (j,)) for score, path in kept for j in range(vocab_size)]
        kept = sorted(candidates, key=lambda c: (-c[0], c[1]))[:beam_width]
    return kept[0][0] < best


def sample(rng: np.random.Generator, options: SampleOptions | None = None) -> Params:
    """A variant: a small tree drawn whole, two-decimal log-probabilities, no deciding ties.

    With ``options.misses_optimum`` (the default) beam search returns a sequence
    that is not the most likely one; without, it returns the most likely one.
    """
    options = options or SampleOptions()
    wanted = options.misses_optimum
    shapes = SAME_SHAPES if options.structure == "same" else SAMPLE_SHAPES
    beam_width = 2
    for _ in range(SAMPLE_ATTEMPTS):
        vocab_size, length = shapes[int(rng.integers(len(shapes)))]
        words = tuple(str(w) for w in rng.choice(SAMPLE_WORDS, size=vocab_size, replace=False))
        prefixes = [prefix for t in range(length) for prefix in itertools.product(range(vocab_size), repeat=t)]
        rows = dict(zip(prefixes, _sample_hundredths(rng, vocab_size, len(prefixes)), strict=False))
        if _beam_misses(rows, vocab_size, length, beam_width) != wanted:
            continue
        tree = {
            " ".join(words[j] for j in prefix): {w: sp.Rational(h, 100) for w, h in zip(words, row, strict=False)}
            for prefix, row in rows.items()
        }
        params = Params(vocabulary=words, beam_width=beam_width, length=length, tree=tree)
        if not _broken(params, solve(params), wanted):
            return params
    raise RuntimeError(f"no fitting beam-search variant in {SAMPLE_ATTEMPTS} draws")  # a bug, not input


def _broken(params: Params, solution: Solution, misses_optimum: bool) -> list[str]:
    broken = [f"a tie decides the outcome ({tie})" for tie in solution.ties]
    broken += near_ties(solution) + clashing_words(params.vocabulary)
    for prefix, row in params.tree.items():
        if any(100 % int(value.q) for value in row.values()):
            broken.append(f"row {prefix!r} has log-probabilities with more than two decimals")
        if abs(math.fsum(math.exp(float(v)) for v in row.values()) - 1) > NORMALIZATION_TOLERANCE:
            broken.append(f"row {prefix!r} is not normalized within {NORMALIZATION_TOLERANCE}")
    if tree_shape(solution, marked=False) is None:
        broken.append("the tree is too big to draw on the problem sheet")
    if misses_optimum and solution.returns_optimum:
        broken.append("beam search returns the most likely sequence (the variant should show it missing)")
    if not misses_optimum and not solution.returns_optimum:
        broken.append("beam search misses the most likely sequence (asked for a variant where it finds it)")
    return broken


def guarantees(params: Params, solution: Solution, options: SampleOptions | None = None) -> list[str]:
    """The promises a variant breaks (empty: fit to hand out)."""
    return _broken(params, solution, (options or SampleOptions()).misses_optimum)


def features(solution: Solution) -> dict[str, object]:
    """What `hw6 stress` histograms: does beam search miss, does greedy differ, by how much."""
    cut = solution.optimum_cut
    return {
        "M x T": f"{len(solution.vocabulary)} x {solution.params.length}",
        "beam misses the optimum": not solution.returns_optimum,
        "greedy = beam": solution.greedy_best.tokens == solution.beam_best.tokens,
        "step the optimum is pruned": cut.step if cut else "never",
        "pruning margin": str(float(cut.weakest_kept.logprob - cut.prefix.logprob)) if cut else "-",
    }


PROBLEM = Problem(
    section=SECTION,
    number=2,
    title="Beam search",
    params_type=Params,
    solve=solve,
    crosscheck=crosscheck,
    oracle_check=oracle_check,
    parts=parts,
    view=view,
    sample=sample,
    sample_options=SampleOptions,
    guarantees=guarantees,
    features=features,
    difficulty=DIFFICULTY,
)
