"""What Problem 2's answer key holds: the kept hypotheses per step, the optimum, the complexity."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ...kernel.exact import exact_text
from ...kernel.problem import Part
from ...kernel.rubric import Item, with_rubric
from .engine.tree import Hypothesis, Step, exhaustive
from .solve import Solution


def step_part_id(number: int) -> str:
    """2a, 2b, 2c for steps 1 to 3 (the homework's); later steps of longer searches 2c.step4, ..."""
    return f"2{'abc'[number - 1]}" if number <= 3 else f"2c.step{number}"


COMPLEXITY_ACCEPTED = ["T*k*M*log(k)", "T*k*M*log(k*M)", "T*k**2", "T*k**2*log(k)"]
# A valid bound looser by one power of a symbol (O(T k^2 M)) earns half; the feedback names the tight one.
COMPLEXITY_LOOSER = {"credit": "1/2", "extra_degree": 1}
COMPLEXITY_REFERENCE = (
    "Each of the T steps runs the RNN once for each of the k hypotheses (a batch): the hidden update "
    "costs O(1) in k and M, the output layer and softmax O(M), so O(kM) for the step; then the top k of the "
    "k*M candidates are selected in O(kM) by partial selection (O(kM log k) with a heap of size k). "
    "Total O(T*k*M). Also accepted: the same with a log factor from a heap or a full sort, and the forms in "
    "T and k alone (M held fixed): O(T*k^2) when the k best of the pseudocode's k^2 candidates per step are "
    "selected, O(T*k^2 log k) when they are sorted (two different bounds)."
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
    assert cut is not None  # beam search missed the optimum, so the optimum's prefix was pruned
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
        f"{text_number(cut.prefix.logprob)} at step {cut.step}, {lost}, although the rest of the sequence costs only "
        f"{text_number(cut.prefix.logprob - optimum.logprob)} (log-probability {text_number(optimum.logprob - cut.prefix.logprob)})."
    )


def optimum_rubric(solution: Solution) -> tuple[Item, Item]:
    """2(d)'s rubric: the verdict with the two sequences, then the reason, in this tree's numbers."""
    best, optimum = entry(solution, solution.beam_best), entry(solution, solution.optimum)

    def named(e: dict) -> str:
        return f"[{' '.join(e['sequence'])}] ({e['logprob']})"

    cut = solution.optimum_cut
    if solution.returns_optimum and best["sequence"] != optimum["sequence"]:
        verdict = (
            f"Yes, up to a tie: beam search returns {named(best)}, as likely as {named(optimum)}, the highest total."
        )
        reason = "Both have the highest total of all sequences; the tie rule ranks the one beam search returns first."
        opposite = "No"
    elif solution.returns_optimum:
        verdict = f"Yes: beam search returns {named(best)}, the most likely of all sequences."
        reason = (
            "Its prefixes were among the kept hypotheses at every step; in general a pruned prefix can lead to a "
            "better sequence, so nothing guarantees this."
        )
        opposite = "No"
    else:
        verdict = f"No: beam search returns {named(best)}, but {named(optimum)} is more likely."
        assert cut is not None  # the optimum was missed, so its prefix was pruned at some step
        where = "tied with" if cut.margin == 0 else "below"
        reason = (
            f"The optimum's prefix {named(entry(solution, cut.prefix))} was pruned at step {cut.step}, {where} the "
            f"weakest kept hypothesis {named(entry(solution, cut.weakest_kept))}; beam search never returns to a "
            "pruned prefix, however cheap its continuation."
        )
        opposite = "Yes"
    return (
        Item(
            1,
            verdict,
            accepted=["the verdict with both sequences named, totals optional"],
            wrong=[f"the opposite verdict ({opposite})", "beam search always returns the most likely sequence"],
        ),
        Item(
            1,
            reason,
            accepted=["every sequence's total listed, with the pruned prefix pointed out"],
            wrong=["comparing the last token's log-probabilities instead of the totals"],
        ),
    )


def parts(solution: Solution) -> dict[str, Part]:
    """The answer key. Part ids and the solution fields each reads:

    - ``2a``, ``2b``, ``2c`` (steps 1 to 3; longer searches add ``2c.step4``, ...; see
      :func:`step_part_id`): ``steps[t]`` (its ``kept``, ``pruned``, ``tie_at_cut``); the
      mistakes read ``last_token_steps``, ``rows``, ``greedy_path`` and ``steps[t].ranked``.
    - ``2d``: ``returns_optimum``, ``beam_best``, ``optimum``, ``greedy_best``,
      ``optimum_cut`` and the top of ``ranking``.
    - ``2e``: nothing (the complexity class and its accepted forms are fixed).
    """
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
    out["2d"] = with_rubric(out["2d"], *optimum_rubric(solution))
    out["2e"] = Part(
        "complexity",
        "T*k*M",
        r"O(T\,k\,M)",
        {"accepted": list(COMPLEXITY_ACCEPTED), "reference": COMPLEXITY_REFERENCE, "looser": dict(COMPLEXITY_LOOSER)},
    )
    return out
