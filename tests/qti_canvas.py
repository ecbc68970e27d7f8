"""Canvas's grading of an exported QTI item, modelled from the XML alone (Classic Quizzes, from its sources).

A numerical answer is parsed in the browser (``parseFloat``; not a number leaves it blank) and
rounded to 4 decimal places (``toFixed(4)``), then compared exactly (BigDecimal) with the range's
bounds, which the importer reads as floats. A fill-in-multiple-blanks answer is matched per blank
against the labels of that blank's ``response_lid`` after trimming and case folding, and earns
points × right blanks / blanks.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from xml.etree import ElementTree as ET

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2", "m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}


def field(element: ET.Element, label: str) -> str:
    for field in element.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS):
        if field.findtext("q:fieldlabel", namespaces=NS) == label:
            return field.findtext("q:fieldentry", default="", namespaces=NS)
    raise AssertionError(f"no {label} in {element.get('ident')}")


def canvas_blanks_score(item: ET.Element, typed: dict[str, str]) -> Fraction:
    """Points Canvas gives a fill-in-multiple-blanks item for the texts typed into its blanks."""
    points, rules = _blank_rules(item)
    right = 0
    for respident, labels, accepted in rules:
        text = typed.get(respident.removeprefix("response_"), "").strip().lower()
        right += any(ident in accepted for ident, label in labels.items() if label == text)
    return points * right / len(rules)


@functools.cache  # an item is scored for many typed texts; its XML is read once
def _blank_rules(item: ET.Element) -> tuple[Fraction, list[tuple[str, dict[str, str], frozenset[str]]]]:
    """The item's points and, per rule, the blank it tests, that blank's labels (ident -> folded
    text) and the label idents the rule accepts."""
    labels = {}  # response ident -> {label ident: text}
    for lid in item.iterfind("q:presentation/q:response_lid", NS):
        labels[lid.get("ident")] = {
            label.get("ident"): label.findtext("q:material/q:mattext", namespaces=NS).strip().lower()
            for label in lid.iterfind("q:render_choice/q:response_label", NS)
        }
    rules = []
    conditions = item.findall("q:resprocessing/q:respcondition", NS)
    assert len(conditions) == len(labels), "one rule per blank"
    for condition in conditions:
        tests = condition.findall("q:conditionvar/q:or/q:varequal", NS)
        blank = {t.get("respident") for t in tests}
        assert len(blank) == 1, "each rule tests one blank"
        respident = blank.pop()
        rules.append((respident, labels[respident], frozenset(t.text for t in tests)))
    return Fraction(field(item, "points_possible")), rules


def _canvas_number(text: str) -> Decimal | None:
    """What the quiz page submits for a typed number: parseFloat, then toFixed(4); None if blank."""
    match = re.match(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text)
    if not match:
        return None
    exact = Decimal(float(match.group(0)))  # the binary double parseFloat gives
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def canvas_range_score(item: ET.Element, typed: str) -> Fraction:
    condition = item.find("q:resprocessing/q:respcondition/q:conditionvar", NS)
    low, high = (condition.findtext(f"q:{tag}", namespaces=NS) for tag in ("vargte", "varlte"))
    for bound in (low, high):  # the importer reads bounds with to_f: they must survive a double
        assert Decimal(repr(float(bound))) == Decimal(bound), bound
    number = _canvas_number(typed)
    inside = number is not None and Decimal(low) <= number <= Decimal(high)
    return Fraction(field(item, "points_possible")) if inside else Fraction(0)
