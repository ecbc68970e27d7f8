"""The grader of ``sequences``: a ranked list of token sequences, optionally with their scores.

How an answer is read (the README's Grading section states the same rule):
hypotheses are the entries of a YAML/JSON list, or, in text, the lines, the
parts between semicolons, or else the parts between commas; ``[...]`` around the
whole and around each hypothesis may be given. A hypothesis is a list of
tokens or tokens separated by spaces (or commas, inside brackets); tokens are
compared case-insensitively, quotes are dropped. A score may follow each
hypothesis: ``neural network (-0.87)``, ``neural network: -0.87``,
``neural network -0.87`` or ``{"sequence": [...], "logprob": -0.87}``; a
score written alone after a hypothesis belongs to it. Stated scores are
graded too, within 0.005 of the key's exact total (or the key's
``tolerance``); a wrong one halves that hypothesis's credit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .answers import MAX_ENTRIES, describe_type, key_fraction, prefixed
from .feedback import compile_mistakes, count_text, entries_text, find_mistake, join
from .graders import Grader
from .limits import AnswerError
from .printed import MAX_TEXT, number
from .verdicts import EXACT, TOLERANCE, Verdict, correct, incorrect

SCORE_TOLERANCE = Fraction(5, 1000)
MAX_TOKEN = 200  # characters

Hypothesis = tuple[tuple[str, ...], Fraction | None]  # tokens, stated score

_NUMBER = r"[+\-\u2212]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_SCORE = re.compile(
    r"(?:^|[\s(:=,])\s*(?:(?:log-?prob(?:ability)?|logp|score)\s*[:=]?\s*)?(" + _NUMBER + r")\s*\)?\s*$", re.I
)
_ONLY_SCORE = re.compile(
    r"^\s*[(:=]?\s*(?:(?:log-?prob(?:ability)?|logp|score)\s*[:=]?\s*)?" + _NUMBER + r"\s*\)?\s*$", re.I
)
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"


class SequencesGrader(Grader):
    """Partial credit by longest common subsequence (a multiset match when ``ordered: false``)."""

    def __init__(self, part_id: str, spec: Mapping[str, Any]):
        super().__init__(part_id, spec)
        self.ordered = bool(spec.get("ordered", True))
        self.key = self.read(spec["value"])
        self.vocabulary = frozenset(token for tokens, _ in self.key for token in tokens)
        self.accepted = [self.read(v) for v in spec.get("accepted") or ()]
        self.mistakes = compile_mistakes(spec, self.read)
        given = spec.get("tolerance")
        self.score_tolerance = key_fraction(given, "tolerance") if given is not None else SCORE_TOLERANCE

    def read(self, value: Any) -> list[Hypothesis]:
        if isinstance(value, Mapping) and value and all(v is None for v in value.values()):
            value = [str(k) for k in value]  # YAML reads {neural network, neural neural} as a set
        if isinstance(value, str):
            entries: list[Any] = _split_text(value, getattr(self, "vocabulary", frozenset()))
        elif isinstance(value, (list, tuple)):
            entries = list(value)
        else:
            raise AnswerError(f"expected a list of sequences, got {describe_type(value)}")
        if not entries:
            raise AnswerError("empty answer")
        if len(entries) > MAX_ENTRIES:
            raise AnswerError(f"more than {MAX_ENTRIES:,} sequences")
        result: list[Hypothesis] = []
        for index, entry in enumerate(entries):
            if isinstance(entry, str) and result and _ONLY_SCORE.match(entry) and result[-1][1] is None:
                result[-1] = (result[-1][0], number(_score_text(entry)))  # "neural, -0.36": its score
                continue
            try:
                result.append(self.entry(entry))
            except AnswerError as error:
                raise prefixed(f"sequence {index + 1}", error) from None
        return result

    def entry(self, raw: Any) -> Hypothesis:
        score = None
        if isinstance(raw, Mapping):
            if "sequence" not in raw:
                raise AnswerError("expected a 'sequence' key")
            stated = next((raw[k] for k in ("logprob", "log_prob", "score") if raw.get(k) is not None), None)
            if stated is not None:
                score = number(stated)
            raw = raw["sequence"]
        if isinstance(raw, str):
            text = raw.strip()
            if len(text) > MAX_TEXT:
                raise AnswerError(f"more than {MAX_TEXT:,} characters")
            match = _SCORE.search(text)
            if match and score is None and match.start(1) > 0:
                score, text = number(match.group(1)), text[: match.start()].rstrip(" \t(:=,")
            text = _ARROWS.sub(" ", text)
            tokens = [t.strip(_QUOTES) for t in re.split(r"[\s,]+", text.strip("[](){} \t")) if t.strip(_QUOTES)]
        elif isinstance(raw, (list, tuple)):
            tokens = []
            items = list(raw)
            if score is None and len(items) > 1 and _is_number(items[-1]):
                score = number(items.pop())  # ["neural", "network", -0.87]
            for token in items:
                if isinstance(token, bool) or not isinstance(token, (str, int, Decimal)):
                    hint = (
                        " (YAML reads yes/no/on/off as true/false: quote the token)" if isinstance(token, bool) else ""
                    )
                    raise AnswerError(f"a token must be a word, got {describe_type(token)}{hint}")
                tokens.append(str(token).strip().strip(_QUOTES))
        else:
            raise AnswerError(f"expected a sequence of tokens, got {describe_type(raw)}")
        if not tokens or len(tokens) > MAX_ENTRIES or any(len(t) > MAX_TOKEN or not t for t in tokens):
            raise AnswerError(f"expected 1 to {MAX_ENTRIES:,} tokens of at most {MAX_TOKEN} characters")
        return tuple(t.casefold() for t in tokens), score

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

    def logprob_wrong(self, given: Fraction | None, expected: Fraction | None) -> bool:
        return given is not None and expected is not None and abs(given - expected) > self.score_tolerance

    def check(self, answer: Any) -> Verdict:
        student = self.read(answer)
        method = TOLERANCE if any(score is not None for _, score in student) else EXACT
        for target in (self.key, *self.accepted):
            if self.same_sequences(student, target):
                off = [i for i, j in self.pairs(student, target) if self.logprob_wrong(student[i][1], target[j][1])]
                if not off:
                    return correct(method=method)
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
            shown = f"{float(self.score_tolerance):g}"
            wrong = entries_text(off, "sequence", "sequences")
            details.append(f"the log-probability of {wrong} (a stated score must be within {shown} of the exact total)")
        return incorrect(join(mistake, *details), credit, method)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    return isinstance(value, str) and bool(re.fullmatch(_NUMBER, value.strip()))


def _score_text(text: str) -> str:
    found = re.search(_NUMBER, text)
    return found.group(0) if found else text


_ARROWS = re.compile(r"\s*(?:->|=>|\u2192|\u27f6|\u21d2)\s*")
_WORD_GROUP = re.compile(r"[({]([^(){}\[\]]*)[)}]")
_PROSE = re.compile(r"\s+(?:and|then)\s+", re.I)


def _groups_as_brackets(body: str) -> str:
    """Tuples ``('neural', 'network')`` and braces ``{neural network}`` group tokens like
    brackets; a parenthesised score ``(-0.87)`` stays a score."""

    def bracket(match: re.Match) -> str:
        inner = match.group(1)
        return match.group(0) if _ONLY_SCORE.match(inner) or not inner.strip() else f"[{inner}]"

    return _WORD_GROUP.sub(bracket, body)


def _closing(text: str, pair: str = "[]") -> int:
    """The index of the bracket closing the one ``text`` starts with, or -1."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == pair[0]:
            depth += 1
        elif ch == pair[1]:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_text(text: str, vocabulary: frozenset[str] = frozenset()) -> list[Any]:
    """Hypotheses of a text answer: lines, else semicolons, else commas, else the words "and" or
    "then" (when they are no tokens); brackets, tuples or braces may group them, arrows join tokens."""
    if len(text) > MAX_TEXT:
        raise AnswerError(f"answer is {len(text):,} characters long; the limit is {MAX_TEXT:,}")
    body = _ARROWS.sub(" ", text.strip())
    if body.startswith("{") and _closing(body, "{}") == len(body) - 1:
        body = f"[{body[1:-1]}]"  # a set of hypotheses
    body = _groups_as_brackets(body)
    if "[" in body and not (body.startswith("[") and _closing(body) == len(body) - 1):
        body = f"[{body}]"  # (a, b), (c, d): a list of groups without the outer brackets
    if body.startswith("[") and body.endswith("]"):
        inner = body[1:-1].strip()
        if "[" in inner:  # [["neural", "network"], ["neural", "neural"]]
            groups = re.findall(r"\[([^\[\]]*)\]\s*(?:[,;:]?\s*(" + _NUMBER + r"))?", inner)
            if "[" in re.sub(r"\[[^\[\]]*\]", "", inner):
                raise AnswerError("brackets are nested too deeply")
            return [f"{group} ({score})" if score else group for group, score in groups]
        body = inner
    for separator in ("\n", ";"):
        pieces = [piece for piece in body.split(separator) if piece.strip()]
        if len(pieces) > 1:
            return pieces
    pieces = [piece for piece in body.split(",") if piece.strip()]
    if len(pieces) == 1 and not {"and", "then"} & vocabulary:
        prose = [piece for piece in _PROSE.split(pieces[0]) if piece.strip()]
        if len(prose) > 1:
            return prose
    return pieces
