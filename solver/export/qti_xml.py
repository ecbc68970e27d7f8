"""The XML files of a Canvas QTI 1.2 package: ``imsmanifest.xml``, the assessment, its Canvas settings.

The shapes are those Canvas writes when it exports a Classic Quiz and reads back on import:
question groups are sections with a ``selection_number``; a numerical question is a
``response_str`` with a range (``vargte``/``varlte``) in its response processing; a
fill-in-multiple-blanks question has one ``response_lid`` per blank whose labels are the texts
that blank accepts (Canvas shows the blanks as empty text boxes, never these labels). Elements
are written in a fixed order, so the same questions give the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from .qti_items import BlanksQuestion, RangeQuestion

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"

Question = BlanksQuestion | RangeQuestion


@dataclass(frozen=True)
class Group:
    """A question group (one question drawn per student) or, with ``pick`` 0, fixed questions."""

    ident: str
    title: str
    questions: tuple[tuple[str, Question], ...]  # (item ident, question)
    pick: int = 1


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, "  ")
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
    )


def _metadata(parent: ET.Element, fields: Sequence[tuple[str, str]]) -> None:
    block = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields:
        field = ET.SubElement(block, "qtimetadatafield")
        _text(field, "fieldlabel", label)
        _text(field, "fieldentry", entry)


def _points(value: float) -> str:
    return f"{value:g}"


def _item(parent: ET.Element, ident: str, question: Question) -> None:
    item = ET.SubElement(parent, "item", {"ident": ident, "title": question.title})
    kind = "fill_in_multiple_blanks_question" if isinstance(question, BlanksQuestion) else "numerical_question"
    labels = (
        [(blank.name, f"{ident}_{blank.name}_{i}") for blank in question.blanks for i in range(len(blank.accepted))]
        if isinstance(question, BlanksQuestion)
        else []
    )
    meta = ET.SubElement(item, "itemmetadata")
    _metadata(
        meta,
        [
            ("question_type", kind),
            ("points_possible", _points(question.points)),
            ("original_answer_ids", ",".join(label for _, label in labels) or f"{ident}_range"),
            ("assessment_question_identifierref", f"{ident}_ref"),
        ],
    )
    presentation = ET.SubElement(item, "presentation")
    body = f"<div>{question.html}</div>"  # Canvas reads a question's text from the item body's top div
    _text(ET.SubElement(presentation, "material"), "mattext", body, texttype="text/html")
    processing = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    if isinstance(question, BlanksQuestion):
        share = f"{100 / len(question.blanks):.2f}"
        for blank in question.blanks:
            lid = ET.SubElement(presentation, "response_lid", {"ident": f"response_{blank.name}"})
            _text(ET.SubElement(lid, "material"), "mattext", blank.name)
            choices = ET.SubElement(lid, "render_choice")
            idents = [f"{ident}_{blank.name}_{i}" for i in range(len(blank.accepted))]
            for label, text in zip(idents, blank.accepted, strict=True):
                choice = ET.SubElement(choices, "response_label", {"ident": label})
                _text(ET.SubElement(choice, "material"), "mattext", text, texttype="text/plain")
            rule = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
            either = ET.SubElement(ET.SubElement(rule, "conditionvar"), "or")
            for label in idents:
                _text(either, "varequal", label, respident=f"response_{blank.name}")
            _text(rule, "setvar", share, action="Add", varname="SCORE")
    else:
        response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        fib = ET.SubElement(response, "render_fib", {"fibtype": "Decimal"})
        ET.SubElement(fib, "response_label", {"ident": "answer1"})
        rule = ET.SubElement(processing, "respcondition", {"continue": "No"})
        condition = ET.SubElement(rule, "conditionvar")
        _text(condition, "vargte", question.low, respident="response1")
        _text(condition, "varlte", question.high, respident="response1")
        _text(rule, "setvar", "100", action="Set", varname="SCORE")


def assessment_xml(ident: str, title: str, groups: Sequence[Group], notes: Sequence[tuple[str, str]]) -> bytes:
    """The assessment: one section per group inside Canvas's root section."""
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": ident, "title": title})
    _metadata(assessment, [("cc_maxattempts", "unlimited"), *notes])
    top = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for group in groups:
        if not group.pick:
            for item_ident, question in group.questions:
                _item(top, item_ident, question)
            continue
        section = ET.SubElement(top, "section", {"ident": group.ident, "title": group.title})
        selection = ET.SubElement(ET.SubElement(section, "selection_ordering"), "selection")
        _text(selection, "selection_number", str(group.pick))
        points = {question.points for _, question in group.questions}
        _text(ET.SubElement(selection, "selection_extension"), "points_per_item", _points(max(points)))
        for item_ident, question in group.questions:
            _item(section, item_ident, question)
    return _serialise(root)


def meta_xml(ident: str, title: str, description: str, points: float) -> bytes:
    """Canvas's quiz settings (``assessment_meta.xml``): unpublished, unlimited attempts (the highest
    counts), each blank marked right or wrong after an attempt but the correct answers never shown."""
    root = ET.Element("quiz", {"identifier": ident, "xmlns": CANVAS_NS})
    for tag, text in (
        ("title", title),
        ("description", description),
        ("shuffle_answers", "false"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", _points(points)),
        ("show_correct_answers", "false"),
        ("allowed_attempts", "-1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
    ):
        _text(root, tag, text)
    return _serialise(root)


def manifest_xml(ident: str, assessment: str, title: str) -> bytes:
    """The package manifest: the assessment and, as its dependency, the Canvas settings file."""
    root = ET.Element("manifest", {"identifier": ident, "xmlns": MANIFEST_NS})
    metadata = ET.SubElement(root, "metadata")
    _text(metadata, "schema", "IMS Content")
    _text(metadata, "schemaversion", "1.1.3")
    lom = ET.SubElement(metadata, "lom")
    _text(ET.SubElement(ET.SubElement(lom, "general"), "title"), "string", title)
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(resources, "resource", {"identifier": assessment, "type": "imsqti_xmlv1p2"})
    ET.SubElement(resource, "file", {"href": f"{assessment}/{assessment}.xml"})
    ET.SubElement(resource, "dependency", {"identifierref": f"{assessment}_meta"})
    meta = ET.SubElement(
        resources,
        "resource",
        {
            "identifier": f"{assessment}_meta",
            "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
            "href": f"{assessment}/assessment_meta.xml",
        },
    )
    ET.SubElement(meta, "file", {"href": f"{assessment}/assessment_meta.xml"})
    return _serialise(root)
