"""The grader of ``sequences``: a ranked list of token sequences, optionally with log-probabilities."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .algebra import Space
from .answers import MAX_ENTRIES, as_list, describe_type, prefixed
from .feedback import compile_mistakes, count_text, entries_text, find_mistake, join
from .graders import Grader, exact_number, tolerance_rule
from .limits import AnswerError
from .verdicts import Verdict, correct, incorrect


class SequencesGrader(Grader):
    """``sequences``: a (ranked) list of token sequences, partial credit by longest common subsequence.

    Entries are ``{"sequence": [tokens], "logprob": x}``, a list of tokens or
    ``"tokens separated by spaces"``. A log-probability is optional; a wrong
    one halves that entry's credit. Order matters unless ``ordered: false``.
    """

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.ordered = bool(spec.get("ordered", True))
        self.numbers = Space((), seed=part_id)
        self.key = self.read(spec["value"])
        self.accepted = [self.read(v) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, self.read)
        self.tolerance = tolerance_rule(spec)

    def read(self, value: Any) -> list[tuple[tuple[str, ...], Any]]:
        if isinstance(value, str):  # one sequence per line or between semicolons
            entries = [line for line in re.split(r"[;\n]", value) if line.strip()]
        else:
            entries = as_list(value, "a list of sequences")
        result = []
        for index, entry in enumerate(entries):
            try:
                result.append(self.entry(entry))
            except AnswerError as error:
                raise prefixed(f"sequence {index + 1}", error) from None
        return result

    def entry(self, raw: Any) -> tuple[tuple[str, ...], Any]:
        logprob = None
        if isinstance(raw, Mapping):
            if "sequence" not in raw:
                raise AnswerError("expected a 'sequence' key")
            if raw.get("logprob") is not None:
                logprob = self.number(raw["logprob"])
            raw = raw["sequence"]
        if isinstance(raw, str):
            tokens = [t for t in re.split(r"[\s,]+", raw.strip()) if t]
        elif isinstance(raw, (list, tuple)):
            tokens = []
            for token in raw:
                if isinstance(token, bool) or not isinstance(token, (str, int, Decimal)):
                    hint = (
                        " (YAML reads yes/no/on/off as true/false: quote the token)" if isinstance(token, bool) else ""
                    )
                    raise AnswerError(f"a token must be a word, got {describe_type(token)}{hint}")
                tokens.append(str(token).strip())
        else:
            raise AnswerError(f"expected a sequence of tokens, got {describe_type(raw)}")
        if not tokens or len(tokens) > MAX_ENTRIES or any(len(t) > 200 or not t for t in tokens):
            raise AnswerError("expected 1 to 1,000 tokens of at most 200 characters")
        return tuple(tokens), logprob

    def number(self, raw: Any) -> Fraction:
        return exact_number(self.numbers, raw)

    def pairs(self, answer: list, target: list) -> list[tuple[int, int]]:
        """Matched (answer, target) positions: an LCS when ordered, a multiset match otherwise."""
        a, b = [s for s, _ in answer], [s for s, _ in target]
        if not self.ordered:
            unused, pairs = list(range(len(b))), []
            for i, seq in enumerate(a):
                j = next((j for j in unused if b[j] == seq), None)
                if j is not None:
                    unused.remove(j)
                    pairs.append((i, j))
            return pairs
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(len(a) - 1, -1, -1):
            for j in range(len(b) - 1, -1, -1):
                table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
        pairs, i, j = [], 0, 0
        while i < len(a) and j < len(b):
            if a[i] == b[j]:
                pairs.append((i, j))
                i, j = i + 1, j + 1
            elif table[i + 1][j] >= table[i][j + 1]:
                i += 1
            else:
                j += 1
        return pairs

    def same_sequences(self, answer: list, target: list) -> bool:
        return len(answer) == len(target) and len(self.pairs(answer, target)) == len(target)

    def logprob_wrong(self, given: Any, expected: Any) -> bool:
        return given is not None and expected is not None and abs(given - expected) > self.tolerance(expected)

    def check(self, answer: Any) -> Verdict:
        student = self.read(answer)
        for target in (self.key, *self.accepted):
            if self.same_sequences(student, target):
                off = [i for i, j in self.pairs(student, target) if self.logprob_wrong(student[i][1], target[j][1])]
                if not off:
                    return correct()
        mistake = find_mistake(self.mistakes, lambda value: self.same_sequences(student, value))
        pairs = self.pairs(student, self.key)
        off = [i for i, j in pairs if self.logprob_wrong(student[i][1], self.key[j][1])]
        credit = Fraction(2 * len(pairs) - len(off), 2 * max(len(self.key), len(student), 1))
        found = f"{len(pairs)} of {len(self.key)} expected sequences in the right place"
        if not self.ordered:
            found = f"{len(pairs)} of {len(self.key)} expected sequences found"
        elif len(pairs) < len(self.key):
            unordered = sum(1 for s, _ in student if any(s == k for k, _ in self.key))
            if unordered > len(pairs):
                found += " (the ranking differs)"
        details = [found]
        if len(student) != len(self.key):
            details.append(count_text(len(self.key), len(student), "sequences"))
        if off:
            details.append("the log-probability of " + entries_text(off, "sequence", "sequences"))
        return incorrect(join(mistake, *details), credit)
