"""One problem's symbolic parts (``expr``, ``expr_list``) as a STACK question for one variant.

The question variables hold the variant's keys in Maxima (``ta1: ...``); every answer box is
an ``algebraic`` input and every part one potential-response tree (PRT) worth the part's
points. A tree's first node tests the answer against the key with ``AlgEquiv``; each further
node tests one of hw6's modelled mistakes and gives its feedback with the credit hw6 gives it.
A list part (``1d.edges``) has one box per entry; after its mistakes come one node per entry,
each adding its share, which is hw6's per-entry credit. Question tests run the key and every
mistake, naming the node each must reach; penalties are 0, as hw6 has none.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from .maxima import key_expression, list_to_maxima, to_maxima
from .moodle_text import Labeler, part_label

STACK_KINDS = ("expr", "expr_list")
STACK_VERSION = "2023121100"  # the question format this file is written in (STACK 4.5)
FORBIDDEN = "diff,integrate,int,ev,subst,at,limit,taylor,solve,expand,ratsimp,factor"


@dataclass(frozen=True)
class Node:
    """One node: true -> ``mode`` ``score``, then ``true_next``; false -> ``false_next`` (-1 ends)."""

    sans: str
    tans: str
    mode: str  # "=" sets the score, "+" adds to it
    score: Fraction
    true_next: int
    false_next: int
    feedback: str = ""
    false_feedback: str = ""


@dataclass(frozen=True)
class Tree:
    name: str
    part_id: str
    points: float
    inputs: tuple[str, ...]
    feedback_variables: str
    nodes: tuple[Node, ...]
    key_inputs: tuple[str, ...]  # Maxima text of the key, per input
    mistake_inputs: tuple[tuple[str, ...], ...]  # per mistake node, what a student types in each input

    def note(self, node: int, outcome: bool) -> str:
        return f"{self.name}-{node}-{'T' if outcome else 'F'}"


@dataclass(frozen=True)
class Case:
    """A question test: Maxima text per input, and per tree the note and score it must reach."""

    description: str
    inputs: dict[str, str]
    expected: dict[str, tuple[str, Fraction]]


def stack_question(
    name: str, text: str, parts: Mapping[str, Mapping[str, Any]], note: str, seed: int, label: Labeler = part_label
) -> ET.Element:
    """The ``<question type="stack">`` for ``parts`` (part id -> key spec, in the sheet's order; ``label``: the
    problem's labels of its parts)."""
    variables: list[str] = []
    trees: list[Tree] = []
    boxes: list[str] = []
    keys: dict[str, str] = {}  # input name -> the question variable holding its key
    for part_id, spec in parts.items():
        symbols = list(spec.get("symbols") or [])
        values = spec["value"] if spec["kind"] == "expr_list" else [spec["value"]]
        exprs = [key_expression(v, symbols) for v in values]
        first = len(keys) + 1
        names = [f"ans{first + i}" for i in range(len(exprs))]
        for i, (input_name, expr) in enumerate(zip(names, exprs, strict=True)):
            keys[input_name] = f"ta{first + i}"
            variables.append(f"{keys[input_name]}: {to_maxima(expr)};")
            entry = i + 1 if spec["kind"] == "expr_list" else None
            boxes.append(f"<p>{label(part_id, entry)} [[input:{input_name}]] [[validation:{input_name}]]</p>")
        trees.append(_tree(f"prt{len(trees) + 1}", part_id, spec, names, [keys[n] for n in names], exprs))
        boxes.append(f"<p>[[feedback:{trees[-1].name}]]</p>")
    cases = _cases(trees)
    question = ET.Element("question", type="stack")
    _text(question, "name", name)
    _text(question, "questiontext", text + "\n" + "\n".join(boxes), html_format=True)
    _text(question, "generalfeedback", "", html_format=True)
    for tag, value in (("defaultgrade", f"{sum(t.points for t in trees):g}"), ("penalty", "0"), ("hidden", "0")):
        ET.SubElement(question, tag).text = value
    ET.SubElement(question, "idnumber")
    _text(question, "stackversion", STACK_VERSION)
    _text(question, "questionvariables", "\n".join(variables))
    _text(question, "specificfeedback", "", html_format=True)
    _text(question, "questionnote", note)
    for tag, value in _OPTIONS:
        ET.SubElement(question, tag).text = value
    for tree in trees:
        symbols = list(parts[tree.part_id].get("symbols") or [])
        allowed = ",".join([*symbols, *subscripted(symbols)])
        for input_name in tree.inputs:
            _input(question, input_name, keys[input_name], allowed)
    for tree in trees:
        _prt(question, tree)
    ET.SubElement(question, "deployedseed").text = str(seed % 2**31)
    for number, case in enumerate(cases, start=1):
        _qtest(question, number, case)
    return question


_OPTIONS = (
    ("questionsimplify", "1"),
    ("assumepositive", "0"),
    ("assumereal", "0"),
    ("decimals", "."),
    ("scientificnotation", "*10"),
    ("multiplicationsign", "dot"),
    ("sqrtsign", "1"),
    ("complexno", "i"),
    ("inversetrig", "cos-1"),
    ("logicsymbol", "lang"),
    ("matrixparens", "["),
    ("variantsselectionseed", ""),
)


def _tree(name: str, part_id: str, spec: Mapping[str, Any], inputs: Sequence[str], keys: Sequence[str], exprs) -> Tree:
    """The tree of one part: the key, then each mistake, then (lists) one node per entry."""
    symbols = list(spec.get("symbols") or [])
    is_list = spec["kind"] == "expr_list"
    renamed = subscripted(symbols)  # u_1 is hw6's u1: the answer is read with the subscripts renamed
    sans = "sa" if is_list or renamed else inputs[0]
    tans = f"[{', '.join(keys)}]" if is_list else keys[0]
    given = f"[{', '.join(inputs)}]" if is_list else inputs[0]
    if renamed:
        pairs = ", ".join(f"{name} = {symbol}" for symbol, name in renamed.items())
        given = f"subst([{pairs}], {given})"
    variables = f"sa: {given};" if is_list or renamed else ""
    mistakes = _distinct_mistakes(spec, list(exprs), symbols)
    entries = len(inputs) if is_list else 0
    count = 1 + len(mistakes) + entries
    nodes = [Node(sans, tans, "=", Fraction(1), -1, 1 if count > 1 else -1)]
    for index, (values, feedback) in enumerate(mistakes, start=1):
        target = list_to_maxima(values) if is_list else to_maxima(values[0])
        credit = _hits(values, exprs) if is_list else Fraction(0)
        after = index + 1 if index + 1 < count else -1
        nodes.append(Node(sans, target, "=", credit, -1, after, html.escape(feedback)))
    for entry in range(entries):
        at = 1 + len(mistakes) + entry
        after = at + 1 if at + 1 < count else -1
        wrong = html.escape(f"entry {entry + 1} is not right.")
        nodes.append(Node(f"sa[{entry + 1}]", keys[entry], "+", Fraction(1, entries), after, after, "", wrong))
    typed = tuple(tuple(to_maxima(v) for v in values) for values, _ in mistakes)
    key_texts = tuple(to_maxima(e) for e in exprs)
    return Tree(name, part_id, float(spec.get("points", 1)), tuple(inputs), variables, tuple(nodes), key_texts, typed)


def subscripted(symbols: Sequence[str]) -> dict[str, str]:
    """``u1`` -> ``u_1`` for each symbol of letters then digits: hw6 reads both as one symbol."""
    return {symbol: f"{m[1]}_{m[2]}" for symbol in symbols if (m := re.fullmatch(r"([A-Za-z]+)(\d+)", symbol))}


def _distinct_mistakes(spec: Mapping[str, Any], exprs: list, symbols: list[str]) -> list[tuple[list, str]]:
    """The modelled mistakes that differ from the key and from every earlier one (a node each),
    as expressions (one per entry), with their feedback; lists of another length are left out."""
    kept: list[tuple[list, str]] = []
    for mistake in spec.get("mistakes") or ():
        raw = mistake["value"] if spec["kind"] == "expr_list" else [mistake["value"]]
        if len(raw) != len(exprs):
            continue
        values = [key_expression(v, symbols) for v in raw]
        if any(_same(values, other) for other in [exprs, *(k for k, _ in kept)]):
            continue
        kept.append((values, str(mistake.get("feedback", ""))))
    return kept


def _same(a: Sequence, b: Sequence) -> bool:
    return len(a) == len(b) and all(sp.cancel(x - y) == 0 for x, y in zip(a, b, strict=True))


def _hits(values, exprs) -> Fraction:
    """hw6's credit for a list answer: the share of entries equal to the key's, in order."""
    same = sum(1 for a, b in zip(values, exprs, strict=True) if sp.cancel(a - b) == 0)
    return Fraction(same, len(exprs))


def _cases(trees: Sequence[Tree]) -> list[Case]:
    """The key in every box; then each modelled mistake in its part's boxes alone (STACK runs
    only the trees a test names, so the other parts need no inputs there)."""
    every = {name: text for tree in trees for name, text in zip(tree.inputs, tree.key_inputs, strict=True)}
    correct = {tree.name: (tree.note(0, True), Fraction(1)) for tree in trees}
    cases = [Case("every answer is the key", every, correct)]
    for tree in trees:
        for index, typed in enumerate(tree.mistake_inputs, start=1):
            inputs = dict(zip(tree.inputs, typed, strict=True))
            expected = {tree.name: (tree.note(index, True), tree.nodes[index].score)}
            cases.append(Case(f"{tree.part_id}: modelled mistake {index}", inputs, expected))
    return cases


def _text(parent: ET.Element, tag: str, text: str, html_format: bool = False) -> ET.Element:
    element = ET.SubElement(parent, tag, format="html") if html_format else ET.SubElement(parent, tag)
    ET.SubElement(element, "text").text = text
    return element


def _input(question: ET.Element, name: str, key: str, symbols: str) -> None:
    """An algebraic input; stars are inserted for ``2w``, ``w u3`` and ``w(u2 + w u1)`` (option 6:
    implied products, spaces, no user functions), as hw6 reads them; the part's symbols are allowed."""
    element = ET.SubElement(question, "input")
    fields = (
        ("name", name),
        ("type", "algebraic"),
        ("tans", key),
        ("boxsize", "30"),
        ("strictsyntax", "1"),
        ("insertstars", "6"),
        ("syntaxhint", ""),
        ("syntaxattribute", "0"),
        ("forbidwords", FORBIDDEN),
        ("allowwords", symbols),
        ("forbidfloat", "0"),  # hw6 reads 3.0 as 3: Maxima's rat does the same in AlgEquiv
        ("requirelowestterms", "0"),
        ("checkanswertype", "0"),
        ("mustverify", "1"),
        ("showvalidation", "1"),
        ("options", ""),
    )
    for tag, value in fields:
        ET.SubElement(element, tag).text = value


def _score(value: Fraction) -> str:
    return f"{float(value):.7f}"


def _prt(question: ET.Element, tree: Tree) -> None:
    element = ET.SubElement(question, "prt")
    ET.SubElement(element, "name").text = tree.name
    ET.SubElement(element, "value").text = f"{tree.points:.7f}"
    ET.SubElement(element, "autosimplify").text = "1"
    ET.SubElement(element, "feedbackstyle").text = "1"
    _text(element, "feedbackvariables", tree.feedback_variables)
    for number, node in enumerate(tree.nodes):
        xml_node = ET.SubElement(element, "node")
        for tag, value in (
            ("name", str(number)),
            ("description", ""),
            ("answertest", "AlgEquiv"),
            ("sans", node.sans),
            ("tans", node.tans),
            ("testoptions", ""),
            ("quiet", "0"),
            ("truescoremode", node.mode),
            ("truescore", _score(node.score)),
            ("truepenalty", ""),
            ("truenextnode", str(node.true_next)),
            ("trueanswernote", tree.note(number, True)),
        ):
            ET.SubElement(xml_node, tag).text = value
        _text(xml_node, "truefeedback", node.feedback, html_format=True)
        for tag, value in (
            ("falsescoremode", node.mode),
            ("falsescore", _score(Fraction(0))),
            ("falsepenalty", ""),
            ("falsenextnode", str(node.false_next)),
            ("falseanswernote", tree.note(number, False)),
        ):
            ET.SubElement(xml_node, tag).text = value
        _text(xml_node, "falsefeedback", node.false_feedback, html_format=True)


def _qtest(question: ET.Element, number: int, case: Case) -> None:
    element = ET.SubElement(question, "qtest")
    ET.SubElement(element, "testcase").text = str(number)
    ET.SubElement(element, "description").text = case.description
    for name, value in case.inputs.items():
        test_input = ET.SubElement(element, "testinput")
        ET.SubElement(test_input, "name").text = name
        ET.SubElement(test_input, "value").text = value
    for tree_name, (note, score) in case.expected.items():
        expected = ET.SubElement(element, "expected")
        ET.SubElement(expected, "name").text = tree_name
        ET.SubElement(expected, "expectedscore").text = _score(score)
        ET.SubElement(expected, "expectedpenalty").text = _score(Fraction(0))
        ET.SubElement(expected, "expectedanswernote").text = note
