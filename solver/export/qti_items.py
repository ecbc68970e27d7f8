"""The Canvas questions of one variant: the statement with its numbers, and what each blank accepts.

Parts that share parameters are one question, so that a random question group, which draws each
question on its own, can never pair one variant's numbers with another's key (Problem 3 (a)-(c),
one test input, is one fill-in-multiple-blanks question). A problem words its question in its own
folder (``Problem.exports.qti``: paragraphs and lines of blanks, :class:`~solver.kernel.exports.QtiText`);
this module makes each blank accept what hw6 accepts for the part's kind: a measured number in the
notations its digits allow, an exact number as an integer, fraction or decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..engine.kinds import KINDS
from ..kernel.exports import Blanks, QtiRange, QtiText
from .qti_notation import accepted_by_hw6, exact_notations, measured_notations


@dataclass(frozen=True)
class Blank:
    name: str  # the [name] in the question text
    accepted: tuple[str, ...]  # texts Canvas counts as right (compared trimmed and case folded)


@dataclass(frozen=True)
class BlanksQuestion:
    """A ``fill_in_multiple_blanks_question``: Canvas gives points × (blanks right / blanks)."""

    group: str  # the question group (one per set of parts sharing parameters)
    title: str
    html: str
    parts: tuple[str, ...]
    points: float
    blanks: tuple[Blank, ...]
    entries: tuple[tuple[str, int], ...]  # (part id, entries) in blank order, to rebuild hw6's answers


RangeQuestion = QtiRange  # a numerical question; its wording is the problem's


def _blank_line(label: str, names: list[str]) -> str:
    """A line of blanks after a label (HTML)."""
    return f"<p>{label} " + " ".join(f"[{name}]" for name in names) + "</p>"


FLOAT_DIGITS = 17  # the most significant digits a printed float64 carries


def _measured_blanks(part_id: str, spec: dict[str, Any], names: list[str]) -> list[Blank]:
    entries = [str(v) for v in spec["value"]]
    digits = int(spec.get("digits") or max(len(Decimal(e).normalize().as_tuple().digits) for e in entries))
    return [
        Blank(name, tuple(accepted_by_hw6(part_id, spec, entries, i, _measured_candidates(spec, entries, i, digits))))
        for i, name in enumerate(names)
    ]


def _measured_candidates(spec: dict[str, Any], entries: list[str], index: int, digits: int) -> list[str]:
    """The key's text in its notations and, when the key asks for at least ``min_digits``, the
    exact value correctly rounded to each count of digits from there to a float's 17, past the key's
    (a notebook may print more digits than the key: hw6 grades these right; a blank can only list
    texts, not count a typed number's digits)."""
    candidates = measured_notations(entries[index], digits)
    low, exact = spec.get("min_digits"), spec.get("exact")
    if isinstance(low, int) and isinstance(exact, list):
        value = Decimal(str(exact[index]))
        for count in range(low, FLOAT_DIGITS + 1):
            rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - count + 1))
            candidates += measured_notations(format(rounded, "f"), count)
    return list(dict.fromkeys(candidates))


def _exact_blanks(part_id: str, spec: dict[str, Any], names: list[str]) -> list[Blank]:
    value = spec["value"]
    flat = [v for row in value for v in row] if value and isinstance(value[0], list) else list(value)
    entries = [str(v) for v in flat]
    return [
        Blank(name, tuple(accepted_by_hw6(part_id, spec, entries, i, exact_notations(flat[i]))))
        for i, name in enumerate(names)
    ]


def part_blanks(part_id: str, spec: dict[str, Any], names: list[str]) -> list[Blank]:
    """The blanks of one part, in the notations its kind's row asks for (measured or exact)."""
    kind = KINDS[spec["kind"]]
    if not kind.canvas:
        raise ValueError(f"part {part_id}: a {kind.name} answer has no Canvas blanks")
    return (_measured_blanks if kind.measured else _exact_blanks)(part_id, spec, names)


def blanks_question(section: str, text: QtiText, parts: Mapping[str, Any], seed: int | None) -> BlanksQuestion:
    """One variant's question from the problem's text: each part's blanks accept what hw6 accepts, by its kind."""
    names: dict[str, list[str]] = {}
    html_lines = []
    for piece in text.body:
        if isinstance(piece, Blanks):
            names.setdefault(piece.part, []).extend(piece.names)
            html_lines.append(_blank_line(piece.label, list(piece.names)))
        else:
            html_lines.append(piece)
    blanks: list[Blank] = []
    for part_id, own in names.items():
        spec = dict(parts[part_id])
        blanks += part_blanks(part_id, spec, own)
    return BlanksQuestion(
        section,
        _title(text.title, seed),
        "\n".join(html_lines),
        tuple(names),
        sum(float(parts[p]["points"]) for p in names),
        tuple(blanks),
        tuple((part_id, len(own)) for part_id, own in names.items()),
    )


def _title(what: str, seed: int | None) -> str:
    return f"{what}, variant {'homework' if seed is None else seed}"
