"""The numbers of an item analysis: per part, per modelled mistake, per variant, and the class total.

Parts are analysed over the students whose key has them (variants may have other parts); written
and personal parts, which ``hw6 check`` leaves ungraded, are only counted. A modelled mistake is
identified by its index in the part's key (``mistake`` in the check JSON), so the same slip is
counted together across variants even where its feedback quotes variant-specific numbers.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .permutation import PermutationResult, variant_test
from .results import StudentGrades

MAX_BARS = 12  # distinct scores shown as they are; more are grouped into this many bins


@dataclass(frozen=True)
class Bar:
    label: str
    count: int


@dataclass(frozen=True)
class MistakeShare:
    index: int
    count: int
    share: float  # of the part's graded answers
    feedback: str  # the most common wording students got
    wordings: int  # distinct wordings (variants quote their own numbers; graders may add details)


@dataclass(frozen=True)
class PartAnalysis:
    part: str
    answers: int  # students whose key has the part and who were graded on it
    mean: float  # mean share of the part's points, 0 to 1
    statuses: dict[str, int]
    distribution: tuple[Bar, ...]  # share of the points earned -> students
    mistakes: tuple[MistakeShare, ...]  # most common first
    other_incorrect: int  # incorrect answers that match no modelled mistake


@dataclass(frozen=True)
class Analysis:
    students: int
    variants: dict[str, int]  # label -> students
    total_label: str  # what the totals measure: points, or percent of the maximum when maxima differ
    totals: tuple[float, ...]
    total_summary: dict[str, float]
    total_histogram: tuple[Bar, ...]
    variant_means: dict[str, float]
    test: PermutationResult | None
    parts: tuple[PartAnalysis, ...]
    ungraded_parts: tuple[str, ...]


def analyse(students: Sequence[StudentGrades], **test_options: Any) -> Analysis:
    maxima = {s.max_score for s in students}
    if len(maxima) == 1:
        totals = tuple(s.score for s in students)
        label = f"points (of {_number(next(iter(maxima)))})"
    else:
        totals = tuple(100 * s.score / s.max_score if s.max_score else 0.0 for s in students)
        label = "percent of the student's maximum"
    labels = [s.variant for s in students]
    variants = dict(sorted(Counter(labels).items(), key=_variant_order))
    means = {v: statistics.fmean(t for t, lab in zip(totals, labels, strict=True) if lab == v) for v in variants}
    top = max(maxima) if len(maxima) == 1 else 100.0
    return Analysis(
        students=len(students),
        variants=variants,
        total_label=label,
        totals=totals,
        total_summary=_summary(totals),
        total_histogram=histogram(totals, top),
        variant_means=means,
        test=variant_test(totals, labels, **test_options),
        parts=tuple(_part(part_id, students) for part_id in _graded_parts(students)),
        ungraded_parts=tuple(p for p in _part_ids(students) if p not in _graded_parts(students)),
    )


def _variant_order(item: tuple[str, int]) -> tuple[int, int, str]:
    label = item[0]
    number = label.removeprefix("seed ")
    return (0, 0, label) if not number.isdigit() else (1, int(number), label)


def _part_ids(students: Sequence[StudentGrades]) -> list[str]:
    """Every part id, in natural order (1a.h2 before 1a.h10), since variants may have other parts."""
    return sorted({p for s in students for p in s.parts}, key=_natural)


def _natural(part_id: str) -> list[tuple[int, int | str]]:
    return [(0, int(piece)) if piece.isdigit() else (1, piece) for piece in re.findall(r"\d+|\D+", part_id)]


def _graded_parts(students: Sequence[StudentGrades]) -> list[str]:
    graded = {p for s in students for p, grade in s.parts.items() if grade.status != "ungraded"}
    return [p for p in _part_ids(students) if p in graded]


def _part(part_id: str, students: Sequence[StudentGrades]) -> PartAnalysis:
    grades = [s.parts[part_id] for s in students if part_id in s.parts and s.parts[part_id].status != "ungraded"]
    shares = [g.score / g.max_score if g.max_score else 0.0 for g in grades]
    statuses = Counter(g.status for g in grades)
    by_mistake: dict[int, Counter] = {}
    for grade in grades:
        if grade.mistake is not None:
            by_mistake.setdefault(grade.mistake, Counter())[grade.feedback] += 1
    mistakes = [
        MistakeShare(index, sum(texts.values()), sum(texts.values()) / len(grades), _most_common(texts), len(texts))
        for index, texts in by_mistake.items()
    ]
    mistakes.sort(key=lambda m: (-m.count, m.index))
    other = sum(1 for g in grades if g.status == "incorrect" and g.mistake is None)
    return PartAnalysis(
        part=part_id,
        answers=len(grades),
        mean=statistics.fmean(shares) if shares else 0.0,
        statuses={s: statuses[s] for s in ("correct", "incorrect", "invalid") if statuses[s]},
        distribution=histogram(shares, 1.0, percent=True),
        mistakes=tuple(mistakes),
        other_incorrect=other,
    )


def _most_common(texts: Counter) -> str:
    return sorted(texts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def histogram(values: Sequence[float], top: float, *, percent: bool = False) -> tuple[Bar, ...]:
    """Counts of each distinct value when there are few, else of ``MAX_BARS`` equal bins over [0, top]."""
    if not values:
        return ()
    show = (lambda v: f"{100 * v:.0f}%") if percent else _number
    distinct = sorted(Counter(round(v, 6) for v in values).items())
    if len(distinct) <= MAX_BARS:
        return tuple(Bar(show(value), count) for value, count in distinct)
    width = (top or max(values) or 1.0) / MAX_BARS
    counts = Counter(min(MAX_BARS - 1, int(v / width)) for v in values)
    edge = show if percent else (lambda v: f"{v:.0f}" if width >= 5 else f"{v:.3g}")
    return tuple(Bar(f"{edge(i * width)}–{edge((i + 1) * width)}", counts.get(i, 0)) for i in range(MAX_BARS))


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "sd": statistics.pstdev(values),
        "min": min(values),
        "max": max(values),
    }


def _number(value: float) -> str:
    return f"{value:.4g}" if value != int(value) else str(int(value))
