"""How Problem 2's sheet shows the solution: LaTeX fragments for the templates (the tree is :mod:`.figure`'s)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ...render.tex import Tex, escape
from .engine.tree import Hypothesis, Step, Tokens
from .figure import figure, rows_table
from .solve import Solution, path_terms

TABLE_ROWS = 24  # candidates listed per step before the table is shortened
LISTED_HYPOTHESES = 12  # kept hypotheses named in a sentence before it is shortened
RANKING_ROWS = 16  # sequences of the exhaustive ranking listed in full; longer rankings show the top 10
MAX_PLACES = 6  # decimals shown when every log-probability is a short decimal; otherwise exact fractions


class Sheet:
    """LaTeX fragments for one solution; numbers keep the tree's own count of decimals (-1.20)."""

    def __init__(self, solution: Solution):
        self.solution = solution
        denominators = {value.denominator for row in solution.rows.values() for value in row}
        self.places = next((p for p in range(MAX_PLACES + 1) if all(10**p % q == 0 for q in denominators)), None)

    # -- small pieces

    def number(self, value: Fraction):
        if self.places is None:
            return Tex(sp.latex(sp.Rational(value.numerator, value.denominator)))
        scaled = abs(value) * 10**self.places  # an integer: every total is a sum of the tree's decimals
        whole, fraction = divmod(int(scaled), 10**self.places)
        sign = "-" if value < 0 else ""
        return Tex(f"{sign}{whole}.{fraction:0{self.places}d}" if self.places else f"{sign}{whole}")

    def sum(self, terms: Sequence[Fraction], total: Fraction | None = None):
        """``-0.36 - 0.51 = -0.87``: the terms, then the total when given and there are several terms."""
        text = str(self.number(terms[0]))
        for term in terms[1:]:
            text += f" - {self.number(-term)}" if term < 0 else f" + {self.number(term)}"
        if len(terms) > 1 and total is not None:
            text += f" = {self.number(total)}"
        return Tex(text)

    @staticmethod
    def token(word: str):
        return Tex(r"\textsf{%s}" % escape(word))

    def sequence(self, hypothesis: Hypothesis | Tokens):
        return Tex(r"\textsf{[%s]}" % " ".join(escape(w) for w in self.solution.words(hypothesis)))

    def described(self, hypothesis: Hypothesis) -> dict:
        return {"sequence": self.sequence(hypothesis), "total": self.number(hypothesis.logprob)}

    def listing(self, hypotheses: Sequence[Hypothesis]):
        """``[a b] (-0.87) and [a a] (-1.28)``; three or more with commas."""
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
        rows: list[dict[str, Any]] = []
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
                "cost": self.number(cut.prefix.logprob - solution.optimum.logprob),  # -log p of the rest: a cost
                "rest_tokens": solution.params.length - cut.step,
                "gain": self.number(solution.optimum.logprob - solution.beam_best.logprob),
            },
        }


def view(solution: Solution) -> dict:
    """What the templates show, as LaTeX fragments; prose stays in the templates."""
    params = solution.params
    sheet = Sheet(solution)
    vocab_size = len(params.vocabulary)
    return {
        "M": vocab_size,
        "k": params.beam_width,
        "T": params.length,
        "vocabulary": Tex(", ".join(sheet.token(w) for w in params.vocabulary)),
        "figure": figure(sheet, marked=True),
        "statement_figure": figure(sheet, marked=False),
        "rows_table": rows_table(sheet),
        "steps": [sheet.step(step) for step in solution.steps],
        "ranking": sheet.ranking(),
        "greedy": sheet.greedy(),
        "answer": sheet.answer(),
        "ties": solution.ties,
    }
