"""The STACK questions of ``hw6 export moodle`` in real Maxima, one Maxima process for the file.

For every exported variant: its question variables evaluate to the key; AlgEquiv accepts the
key and rejects every modelled mistake; every question test reaches the answer note it expects,
with the score hw6's own grader gives the same answers; an unreadable answer does not parse.
STACK's AlgEquiv does more than this (it also compares sets, equations, matrices, and checks
types); for the rational functions hw6's symbolic keys are, it comes down to what is emulated
here: ``ratsimp`` of the difference is 0, entry by entry for lists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
import sympy as sp

from solver.engine.kinds import compile_part
from solver.export import moodle
from solver.export.maxima import key_expression, to_maxima
from solver.export.moodle_stack import subscripted
from solver.export.selection import seed_variants
from solver.kernel.problem import BuildContext

from .moodle_reading import questions, stack_trees, walk

MARK = "HW6OUT"
ALGEQUIV = (
    "hw6_algequiv(a, b) := if listp(a) and listp(b) then "
    "(is(length(a) = length(b)) and every(hw6_algequiv, a, b)) else is(ratsimp(a - b) = 0)$"
)
U1, U2, W = sp.symbols("u1 u2 w")
PRINTED = (
    -W,
    -(W**2),
    (-W) ** 3,
    W**-2,
    sp.Rational(-3, 4) * W ** sp.Rational(-1, 2),
    1 / (W + 1),
    (U1 - U2) / (W - 2) ** 2,
    -U1 * W**3 + sp.Rational(7, 2) * U2 - 1,
    (W + U1) ** 2 * (W - U2) ** -3,
    2 ** (-W.subs(W, 3)) * W,
    sp.exp(-W) * sp.log(W + 2),
    sp.tanh(U1 * W) - sp.sin(W) ** 2,
    W ** sp.Rational(2, 3) - sp.sqrt(U1),
)
INVALID = ("w +", "(w*u1", "3**/w", "w u1 +* 2")


@pytest.fixture(scope="module")
def maxima() -> str:
    found = shutil.which("maxima")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Maxima is not installed; CI must have it (scripts/bootstrap --dev installs it)")
        pytest.skip("Maxima is not installed")
    return found


@pytest.fixture(scope="module")
def stack_run(maxima, tmp_path_factory):
    """Export variants with the homework's structure and with ``structure: varied`` (Problem 1 with
    3 to 5 steps), write one Maxima program for all their STACK questions, run it.
    ``HW6_MOODLE_VARIANTS=N`` exports N of each (default 3)."""
    base = tmp_path_factory.mktemp("moodle-maxima")
    count = int(os.environ.get("HW6_MOODLE_VARIANTS", "3"))
    context = BuildContext(cache_dir=base / "cache")
    (base / "varied.yaml").write_text("structure: varied\n", encoding="utf-8")
    variants = seed_variants(range(1, count + 1), None, context) + seed_variants(
        range(1, count + 1), str(base / "varied.yaml"), context
    )
    root = ET.fromstring(moodle.moodle_xml(variants)[0])
    stack = [q for _, q in questions(root) if q.get("type") == "stack"]
    program = ["display2d: false$", "linel: 100000$"]
    for index, question in enumerate(stack):
        program += _question_program(index, question)
    for number, expr in enumerate(PRINTED):  # the printer's output read back by Maxima
        program.append(f'print("{MARK}", "printed", {number}, "|", string({to_maxima(expr)}))$')
    path = base / "program.mac"
    path.write_text("\n".join(program) + "\n", encoding="utf-8")
    # Each unreadable answer in a file of its own: Maxima abandons a batch file at a syntax error.
    steps = [f'batchload("{path}")$']
    for number, text in enumerate(INVALID):
        typed = base / f"typed{number}.mac"
        typed.write_text(f'typed: {text}$\nprint("{MARK}", "parsed", {number}, "|", "yes")$\n', encoding="utf-8")
        steps.append(f'batch("{typed}")$')
    control = base / "typed-control.mac"  # a readable answer the same way, so that the check can fail
    control.write_text(f'typed: 3*u1*w^2 + u3$\nprint("{MARK}", "parsed", "ok", "|", "yes")$\n', encoding="utf-8")
    steps.append(f'batch("{control}")$')
    done = subprocess.run(
        [maxima, "--very-quiet", "--batch-string=" + " ".join(steps)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results: dict[tuple[str, ...], str] = {}
    for line in done.stdout.splitlines():
        if line.startswith(MARK + " "):
            *key, value = _fields(line)
            results[tuple(key)] = value
    assert results, f"Maxima printed no results:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return variants, stack, results


def _fields(line: str) -> list[str]:
    """``HW6OUT kind a b c | value``: the key fields and the value (which may hold spaces)."""
    head, _, value = line[len(MARK) + 1 :].partition(" | ")
    return [*head.split(), value.strip()]


def _question_program(index: int, question: ET.Element) -> list[str]:
    lines = ["kill(all)$", "display2d: false$", "linel: 100000$", ALGEQUIV]
    lines += [f"{statement}$" for statement in _statements(question.findtext("questionvariables/text") or "")]
    for element in question.findall("input"):
        key = element.findtext("tans")
        lines.append(f'print("{MARK}", "key", {index}, "{element.findtext("name")}", "|", string({key}))$')
    trees = stack_trees(question)
    for case, qtest in enumerate(question.findall("qtest")):
        for test_input in qtest.findall("testinput"):
            lines.append(f"{test_input.findtext('name')}: {test_input.findtext('value')}$")
        for expected in qtest.findall("expected"):
            name = expected.findtext("name") or ""
            _, variables, nodes = trees[name]
            lines += [f"{statement}$" for statement in _statements(variables)]
            for number, node in nodes.items():
                outcome = f"hw6_algequiv({node.sans}, {node.tans})"
                lines.append(f'print("{MARK}", "node", {index}, {case}, "{name}", {number}, "|", {outcome})$')
        lines.append("kill(" + ", ".join(t.findtext("name") or "" for t in qtest.findall("testinput")) + ")$")
    # The key as a student may type it for hw6: subscripts (u_1) and a float factor (1.0*...): node 0 holds.
    names = [element.findtext("name") or "" for element in question.findall("input")]
    for element in question.findall("input"):
        renamed = ", ".join(f"{symbol} = {name}" for symbol, name in subscripted(_words(element)).items())
        lines.append(f"{element.findtext('name')}: 1.0 * subst([{renamed}], {element.findtext('tans')})$")
    for name, (_, variables, nodes) in trees.items():
        lines += [f"{statement}$" for statement in _statements(variables)]
        node = nodes[0]
        lines.append(f'print("{MARK}", "typed", {index}, "{name}", "|", hw6_algequiv({node.sans}, {node.tans}))$')
    lines.append("kill(" + ", ".join(names) + ")$")
    return lines


def _words(element: ET.Element) -> list[str]:
    return [word for word in (element.findtext("allowwords") or "").split(",") if word and "_" not in word]


def _statements(text: str) -> list[str]:
    return [s.strip() for s in text.split(";") if s.strip()]


def _sympy(text: str, symbols) -> sp.Expr:
    """Maxima's ``string()`` output (trusted: our own Maxima run) as SymPy."""
    names = {name: sp.Symbol(name) for name in symbols}
    return sp.sympify(text.replace("^", "**"), locals=names, rational=True)


def _stack_parts(variant) -> list[tuple[str, dict]]:
    item = next(s for s in variant.solved if s.problem.section == "rnn_backprop")
    return [
        (p, variant.parts[p])
        for p in item.problem.parts(item.solution)
        if variant.parts[p]["kind"] in ("expr", "expr_list")
    ]


def test_question_variables_evaluate_to_the_key(stack_run):
    variants, stack, results = stack_run
    checked = 0
    for index, (variant, question) in enumerate(zip(variants, stack, strict=True)):
        names = [e.findtext("name") for e in question.findall("input")]
        expected = []
        for _, spec in _stack_parts(variant):
            values = spec["value"] if spec["kind"] == "expr_list" else [spec["value"]]
            expected += [(key_expression(v, spec["symbols"]), spec["symbols"]) for v in values]
        assert len(names) == len(expected)
        for name, (key, symbols) in zip(names, expected, strict=True):
            got = results[("key", str(index), name or "")]
            assert sp.expand(_sympy(got, symbols) - key) == 0, (variant.label, name, got, key)
            checked += 1
    assert checked == sum(len(q.findall("input")) for q in stack)


def test_every_question_test_reaches_its_note_with_hw6s_score(stack_run):
    """AlgEquiv accepts the key (case 0 reaches every tree's node 0, true) and each mistake
    reaches its own node, not node 0; the score of the path is what hw6 gives that answer."""
    variants, stack, results = stack_run
    tested = mistakes = 0
    for index, (variant, question) in enumerate(zip(variants, stack, strict=True)):
        trees = stack_trees(question)
        parts = dict(_stack_parts(variant))
        part_of = {f"prt{n}": p for n, p in enumerate(parts, start=1)}
        inputs_of = {}
        for name, (_, variables, nodes) in trees.items():
            inputs_of[name] = re.findall(r"ans\d+", variables) or [nodes[0].sans]
        for case, qtest in enumerate(question.findall("qtest")):
            typed = {t.findtext("name"): t.findtext("value") or "" for t in qtest.findall("testinput")}
            for expected in qtest.findall("expected"):
                name = expected.findtext("name") or ""
                _, _, nodes = trees[name]

                def outcome(number: int, name: str = name, case: int = case, index: int = index) -> bool:
                    value = results[("node", str(index), str(case), name, str(number))]
                    assert value in ("true", "false"), value
                    return value == "true"

                score, note, path = walk(nodes, outcome)
                assert note == expected.findtext("expectedanswernote"), (variant.label, case, name, path)
                assert abs(score - Fraction(expected.findtext("expectedscore") or "")) < Fraction(1, 10**6)
                part_id = part_of[name]
                spec = parts[part_id]
                answer = [_hw6_text(typed[i]) for i in inputs_of[name]]
                verdict = compile_part(part_id, spec).grade(answer if spec["kind"] == "expr_list" else answer[0])
                assert abs(score - verdict.credit) < Fraction(1, 10**6), (variant.label, part_id, answer, verdict)
                if case == 0:
                    assert path == [0] and verdict.credit == 1
                else:
                    assert path[0] == 0 and len(path) > 1 and verdict.credit < 1
                    mistakes += 1
                tested += 1
    mistake_nodes = sum(
        1
        for q in stack
        for _, _, nodes in stack_trees(q).values()
        for number, node in nodes.items()
        if number and node.branches[True][0] == "="
    )
    assert mistakes == mistake_nodes and tested > mistakes
    print(
        f"\nSTACK in Maxima: {len(stack)} questions, {tested} tree results ({mistakes} modelled mistakes) agree with hw6"
    )


def _hw6_text(maxima_text: str) -> str:
    """A question test's Maxima input as a student types it for hw6 (``^`` reads the same)."""
    return maxima_text


def test_unreadable_answers_do_not_parse_and_hw6_calls_them_invalid(stack_run):
    variants, _, results = stack_run
    assert ("parsed", "ok") in results  # the run went on past the unreadable answers
    spec = dict(_stack_parts(variants[0]))["1b"]
    for number, text in enumerate(INVALID):
        assert ("parsed", str(number)) not in results, text
        assert compile_part("1b", spec).grade(text).status == "invalid", text


def test_the_printers_maxima_text_means_the_sympy_expression(stack_run):
    *_, results = stack_run
    functions = {"exp": sp.exp, "log": sp.log, "sin": sp.sin, "tanh": sp.tanh, "sqrt": sp.sqrt}
    for number, expr in enumerate(PRINTED):
        got = results[("printed", str(number))]
        text = got.replace("^", "**").replace("%e", "E").replace("%pi", "pi")
        back = sp.sympify(text, locals={"u1": U1, "u2": U2, "w": W, "E": sp.E, "pi": sp.pi, **functions}, rational=True)
        assert sp.simplify(back - expr) == 0, (expr, to_maxima(expr), got)


def test_subscripted_names_and_floats_reach_the_key_as_in_hw6(stack_run):
    """u_1 for u1 and 1.0 * the key: STACK's tree (after its feedback variables) and hw6 both say right."""
    variants, stack, results = stack_run
    typed = {key: value for key, value in results.items() if key[0] == "typed"}
    assert len(typed) >= len(stack) and set(typed.values()) == {"true"}, typed
    spec = dict(_stack_parts(variants[0]))["1b"]
    assert compile_part("1b", spec).grade("3.0*u_1*w^2 + 2*u_2*w + u_3").status == "correct"
