"""What students paste from their notebooks (issue 27): numbers, sequences, edges, big-O
classes, towers. Each form is graded in both channels (an answers file's YAML value and a
class CSV cell) and the two must agree."""

from __future__ import annotations

from fractions import Fraction

import pytest

from solver.build.pipeline import answer_key
from solver.engine.runner import compile_key, grade_answer
from solver.grading.submissions import read_cell


@pytest.fixture(scope="module")
def solved(solved_homework):
    return solved_homework


@pytest.fixture(scope="module")
def parts(solved):
    return answer_key(solved)["parts"]


@pytest.fixture(scope="module")
def graders(parts):
    return compile_key(parts)


def both_channels(graders, parts, part_id, text):
    """The verdict of ``text`` as an answers file's string and as a class CSV cell; they agree."""
    from_file = grade_answer(graders, part_id, text)
    from_cell = grade_answer(graders, part_id, read_cell(text, parts[part_id]["kind"]))
    assert (from_file.status, from_file.credit) == (from_cell.status, from_cell.credit), (text, from_file, from_cell)
    return from_file


TOWERS = ["9**9**9", "9^9^9", "10^10^10", "((w+1)^30)^30", "(999999/999998)^1000^1000", "w^0.5^0.5^0.5"]


@pytest.mark.parametrize("part_id", ["1b", "1c.p", "1d.edges", "2e", "6b", "6c", "3b"])
@pytest.mark.parametrize("answer", TOWERS + ["2^0.5^0.5^0.5", "T^9^9^9", "O(T^(9^9^9))", "(T k M)^(2^0.5^0.5)"])
def test_towers_are_refused_before_evaluation(graders, part_id, answer):
    verdict = grade_answer(graders, part_id, answer)
    assert verdict.status == "invalid", verdict
    assert verdict.feedback and "please report" not in verdict.feedback, verdict


def as_file(part_id, text):
    """The value an answers file holding ``part_id: text`` gives (text after the colon, unquoted
    when YAML can read it so, else as a block)."""
    from solver.io.files import parse_structured

    if "\n" not in text:
        try:
            return parse_structured(f"{part_id}: {text}\n", "answers")[part_id]
        except Exception:  # noqa: BLE001 - YAML refuses the unquoted line; a student would quote it
            pass
    block = "".join(f"  {line}\n" for line in text.splitlines())
    return parse_structured(f"{part_id}: |-\n{block}", "answers")[part_id]


def channels(graders, parts, part_id, text):
    """The verdict of ``text`` in an answers file and in a class CSV cell; the two agree."""
    from_file = grade_answer(graders, part_id, as_file(part_id, text))
    from_cell = grade_answer(graders, part_id, read_cell(text, parts[part_id]["kind"]))
    assert (from_file.status, from_file.credit) == (from_cell.status, from_cell.credit), (text, from_file, from_cell)
    return from_file


VECTOR_6B = [  # the homework's 6(b): [2, -1, 3]
    "[2, -1, 3]",
    "[ 2. -1.  3.]",
    "[ 2 -1  3]",
    "2 -1 3",
    "array([ 2., -1.,  3.])",
    "array([ 2., -1.,  3.], dtype=float32)",
    "tensor([ 2., -1.,  3.])",
    "tensor([ 2., -1.,  3.], requires_grad=True)",
    "tensor([ 2., -1.,  3.], dtype=torch.float64)",
    r"\begin{bmatrix} 2 \\ -1 \\ 3 \end{bmatrix}",
    r"\begin{pmatrix} 2 & -1 & 3 \end{pmatrix}",
    r"\left[ 2, -1, 3 \right]",
    r"$\begin{bmatrix} 2 \\ -1 \\ 3 \end{bmatrix}$",
    "$[2, -1, 3]$",
    r"\([2, -1, 3]\)",
    "[2; -1; 3]",
    "[[2], [-1], [3]]",
    "[[2, -1, 3]]",
    "(2, -1, 3)",
    "x = [2, -1, 3]",
    "6b: [ 2. -1.  3.]",
    "Out[7]: array([ 2., -1.,  3.])",
    "[4/2, -1, 6/2]",
    r"[\frac{4}{2}, -1, 3]",
    "[2.0, -1.0, 3.0]",
]
MATRIX_6C = [  # the homework's 6(c): [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]
    "[[-1, 3, -2], [3, -3, 1], [0, 3, 1]]",
    "[[-1  3 -2]\n [ 3 -3  1]\n [ 0  3  1]]",
    "[[-1. 3. -2.] [3. -3. 1.] [0. 3. 1.]]",
    "array([[-1,  3, -2],\n       [ 3, -3,  1],\n       [ 0,  3,  1]])",
    "tensor([[-1.,  3., -2.],\n        [ 3., -3.,  1.],\n        [ 0.,  3.,  1.]])",
    "[-1 3 -2; 3 -3 1; 0 3 1]",
    "-1 3 -2\n3 -3 1\n0 3 1",
    r"\begin{bmatrix} -1 & 3 & -2 \\ 3 & -3 & 1 \\ 0 & 3 & 1 \end{bmatrix}",
    "[[[-1, 3, -2], [3, -3, 1], [0, 3, 1]]]",
]


@pytest.mark.parametrize("text", VECTOR_6B)
def test_vectors_in_every_printed_form(graders, parts, text):
    verdict = channels(graders, parts, "6b", text)
    assert verdict.status == "correct", (text, verdict)


@pytest.mark.parametrize("text", MATRIX_6C)
def test_matrices_in_every_printed_form(graders, parts, text):
    verdict = channels(graders, parts, "6c", text)
    assert verdict.status == "correct", (text, verdict)


def test_a_numpy_vector_is_never_read_as_an_expression(graders, parts):
    three = channels(graders, parts, "6b", "[3 -1 -3]")  # seed 22's filter printed by NumPy
    assert three.status == "incorrect" and "expected 3 entries" not in three.feedback, three
    for text in ("[3, -1 -3]", "[2, -1 3]", "[2 -1, 3]"):
        verdict = channels(graders, parts, "6b", text)
        assert verdict.status == "invalid" and "commas" in verdict.feedback, (text, verdict)


@pytest.mark.parametrize(
    "text",
    ["[2, -1, 3, 0]", "[[2, -1], [3, 0]]", "[2 -1]", "array([2., -1.])", "[[2, -1, 3], [2, -1, 3]]"],
)
def test_wrong_vectors_are_not_correct(graders, parts, text):
    assert channels(graders, parts, "6b", text).status != "correct"


def test_wrong_matrices_are_not_correct(graders, parts):
    for text in ("[[-1, 3, 0], [3, -3, 1], [0, 3, 1]]", "[[-1, 3], [-2, 3]]", "[-1 3 -2 3 -3 1 0 3 1]"):
        assert channels(graders, parts, "6c", text).status != "correct", text


def test_edges_separated_by_semicolons_or_lines(graders, parts):
    for text in ("w^2 u1; w r; t", "w^2 u1\nw r\nt", "[w^2 u1; w r; t]", "w^2 u1, w r, t", "w^2 u1;\nw r;\nt;"):
        verdict = channels(graders, parts, "1d.edges", text)
        assert verdict.status == "correct", (text, verdict)
    assert channels(graders, parts, "1d.edges", "w^2 u1 w r t").status != "correct"  # one product, not three


# --------------------------------------------------------------------------- the precision rule

PREDICTIONS_3B = [
    "0.12875871076997433273",
    "-0.33570412021941342662",
    "0.18805577469176648631",
    "0.54192217381122054221",
]


def printed(values, fmt):
    return "[" + " ".join(format(float(v), fmt) for v in values) + "]"


@pytest.mark.parametrize("fmt", [".4g", ".5g", ".6g", ".7g", ".8g", ".17g", ".4f", ".8f", ".4e"])
def test_rounded_numbers_of_at_least_four_digits_are_right(graders, parts, fmt):
    verdict = channels(graders, parts, "3b", printed(PREDICTIONS_3B, fmt))
    assert verdict.status == "correct", (fmt, verdict)


def test_the_tolerance_is_around_the_exact_value(graders, parts):
    import numpy as np

    float32 = "[" + ", ".join(repr(float(np.float32(float(v)))) for v in PREDICTIONS_3B) + "]"
    assert channels(graders, parts, "3b", float32).status == "correct"
    truncated = "[0.1287 -0.3357 0.1880 0.5419]"  # one unit of the last digit off: still right
    assert channels(graders, parts, "3b", truncated).status == "correct"
    off = channels(graders, parts, "3b", "[0.1286 -0.3357 0.1881 0.5419]")  # two units off
    assert off.status == "incorrect" and "entry 1 is wrong" in off.feedback, off
    # The key prints 0.128759; 0.12875871 (8 digits, within its own last digit of the exact value) is right,
    # 0.12875900 (8 digits, 3e-7 away: more than one unit of its last digit) is not.
    assert channels(graders, parts, "3b", "[0.12875871 -0.33570412 0.18805577 0.54192217]").status == "correct"
    assert channels(graders, parts, "3b", "[0.12875900 -0.33570412 0.18805577 0.54192217]").status == "incorrect"


def test_fewer_digits_than_asked_say_how_many(graders, parts):
    verdict = channels(graders, parts, "3b", "[0.129 -0.336 0.188 0.542]")
    assert verdict.status == "incorrect" and "at least 4 significant digits" in verdict.feedback, verdict
    one = channels(graders, parts, "3c", "0.2338, 0.41")
    assert one.status == "incorrect" and "entry 2 gives fewer" in one.feedback and one.credit == Fraction(1, 2), one


NOTEBOOK_FORMS_3 = [
    (
        "3a",
        "3a h_1..h_T: 0.168381 0.0897578 -0.099668 -0.452316 0.196778 -0.153197 0.374167 -0.268444 0.0829805 "
        "0.576225 0.334513 -0.19961",
    ),
    (
        "3a",
        "[[[ 0.1684  0.0898 -0.0997]\n  [-0.4523  0.1968 -0.1532]\n  [ 0.3742 -0.2684  0.0830]\n"
        "  [ 0.5762  0.3345 -0.1996]]]",
    ),
    (
        "3a",
        "tensor([[[ 0.1684,  0.0898, -0.0997],\n         [-0.4523,  0.1968, -0.1532],\n"
        "         [ 0.3742, -0.2684,  0.0830],\n         [ 0.5762,  0.3345, -0.1996]]], grad_fn=<StackBackward0>)",
    ),
    ("3b", "3b predictions: 0.128759 -0.335704 0.188056 0.541922"),
    ("3b", "tensor([[0.1288], [-0.3357], [0.1881], [0.5419]], grad_fn=<AddmmBackward0>)"),
    ("3c", "3c losses (task 1, task 2): 0.233761 0.412064"),
    ("3c", "(tensor(0.2338), tensor(0.4121))"),
    ("3c", "(tensor(0.2338, grad_fn=<MeanBackward0>), tensor(0.4121, grad_fn=<PowBackward0>))"),
    ("3c", "0.2338; 0.4121"),
    ("3c", "$0.2338, 0.4121$"),
    ("3c", "[np.float64(0.2338), np.float64(0.4121)]"),
]


@pytest.mark.parametrize(("part_id", "text"), NOTEBOOK_FORMS_3)
def test_notebook_output_is_read(graders, parts, part_id, text):
    verdict = channels(graders, parts, part_id, text)
    assert verdict.status == "correct", (text, verdict)


def test_a_transposed_matrix_is_not_read_as_the_key_order(graders, parts):
    columns = "[[0.1684 -0.4523 0.3742 0.5762] [0.0898 0.1968 -0.2684 0.3345] [-0.0997 -0.1532 0.0830 -0.1996]]"
    assert channels(graders, parts, "3a", columns).status != "correct"


# --------------------------------------------------------------------------- complexity policy


@pytest.mark.parametrize("text", ["O(T k^2 M)", "O(k^2 T M)", "k*k*M*T", "O(T^2 k M)", "Θ(T k M^2)"])
def test_a_valid_looser_bound_earns_the_stated_partial_credit(graders, parts, text):
    verdict = channels(graders, parts, "2e", text)
    assert verdict.status == "incorrect" and verdict.credit == Fraction(1, 2), (text, verdict)
    assert "not tight" in verdict.feedback and "O(M T k)" in verdict.feedback, verdict


@pytest.mark.parametrize("text", ["O(T k)", "O(k M)", "O(T^3 k^3 M^3)", "O(2^T k M)", "O(M^T)", "O(T k M / k)"])
def test_wrong_or_absurd_bounds_earn_nothing(graders, parts, text):
    verdict = channels(graders, parts, "2e", text)
    assert verdict.status != "correct" and verdict.credit == 0, (text, verdict)


@pytest.mark.parametrize("text", ["O(T k M)", "T*k*M", "O(kMT)", "O(T k M log k)"])
def test_the_tight_bound_earns_full_credit(graders, parts, text):
    assert channels(graders, parts, "2e", text).status == "correct"


def test_the_sheet_states_the_precision_the_key_grades_by(solved, parts):

    rnn = next(item for item in solved if item.problem.section == "rnn_lstm")
    view = rnn.problem.view(rnn.solution)
    assert rnn.problem.templates is not None
    template = (rnn.problem.templates / "rnn_lstm.statement.tex.j2").read_text()
    for part_id in ("3a", "3b", "3c"):
        digits = parts[part_id]["min_digits"]
        assert f"at least {digits} significant digits" in view["precision"][part_id]
        assert f'view.precision["{part_id}"]' in template
        feedback = grade_answer(compile_key(parts), part_id, "0.1").feedback
        assert f"{digits} significant digits" in feedback or "expected" in feedback


# --------------------------------------------------------------------------- beam sequences

SEQUENCES_2B = [  # the homework's 2(b): {neural network, neural neural}, any order
    "neural network, neural neural",
    "neural network\nneural neural",
    "neural network and neural neural",
    "neural → network, neural → neural",
    "neural -> network; neural -> neural",
    "[neural network, neural neural]",
    "{neural network, neural neural}",
    "('neural', 'network'), ('neural', 'neural')",
    "[('neural', 'network'), ('neural', 'neural')]",
    "{neural, network}, {neural, neural}",
    "[['neural', 'network'], ['neural', 'neural']]",
    "neural network (-0.87), neural neural (-1.28)",
    "neural network: -0.87\nneural neural: -1.28",
]


@pytest.mark.parametrize("text", SEQUENCES_2B)
def test_beam_sequences_in_prose_arrows_tuples_and_braces(graders, parts, text):
    verdict = channels(graders, parts, "2b", text)
    assert verdict.status == "correct", (text, verdict)


@pytest.mark.parametrize(
    "text",
    [
        "neural network and network neural",
        "{neural network, network neural}",
        "(neural, network), (network, network)",
        "neural network (-0.5), neural neural (-1.27)",
    ],
)
def test_wrong_beam_sequences_are_not_correct(graders, parts, text):
    assert channels(graders, parts, "2b", text).status != "correct", text


@pytest.mark.parametrize(
    ("part_id", "text"),
    [
        ("1b", "$3 w^2 u_1 + 2 w u_2 + u_3$"),
        ("1b", r"\(3w^2u_1+2wu_2+u_3\)"),
        ("1b", "$$3 w^2 u1 + 2 w u2 + u3$$"),
        ("1c.p", "$w^3$"),
        ("2e", "$O(TkM)$"),
        ("1d.edges", "$w^2 u_1$; $w r$; $t$"),
        ("3k", "0.0003; 0.0001"),
        ("3k", "(tensor(0.0003), tensor(0.0001))"),
    ],
)
def test_math_delimiters_and_scalars(graders, parts, part_id, text):
    assert channels(graders, parts, part_id, text).status == "correct", text


def test_a_set_of_hypotheses_with_scores(graders, parts):
    text = "{neural -> network (-0.87), neural -> neural (-1.28)}"
    assert channels(graders, parts, "2b", text).status == "correct"


# --------------------------------------------------------------------------- property: NumPy's prints read back


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-50, 50), min_size=1, max_size=6).flatmap(
        lambda row: st.lists(
            st.lists(st.integers(-50, 50), min_size=len(row), max_size=len(row)), min_size=0, max_size=3
        ).map(lambda rest: [row, *rest])
    ),
    st.sampled_from(["str", "repr", "tolist", "float str", "torch"]),
)
def test_every_numpy_print_of_an_integer_matrix_reads_back(rows, form):
    import numpy as np

    from solver.engine.grid import read_matrix

    array = np.array(rows, dtype=float if form in ("float str", "torch") else int)
    text = {
        "str": str(array),
        "repr": repr(array),
        "tolist": str(array.tolist()),
        "float str": str(array),
        "torch": "tensor(" + np.array2string(array, separator=", ") + ")",
    }[form]
    read = read_matrix(text)
    assert [[Fraction(str(entry)) for entry in row] for row in read] == [[Fraction(v) for v in row] for row in rows]


def test_a_modelled_mistake_of_3a_3c_gets_its_feedback_and_no_other_wrong_answer_does(graders, parts):
    for part in ("3a", "3b", "3c"):
        mistakes = parts[part]["mistakes"]
        assert mistakes, part
        for mistake in mistakes:
            printed = " ".join(f"{v:.6g}" for v in mistake["value"])  # as the notebook prints it
            verdict = channels(graders, parts, part, printed)
            assert verdict.status == "incorrect" and verdict.feedback.startswith(mistake["feedback"]), (part, verdict)
        other = " ".join(f"{1.5 * v + 0.01:.6g}" for v in parts[part]["value"])
        verdict = channels(graders, parts, part, other)
        assert verdict.status == "incorrect", verdict
        assert not any(m["feedback"] in verdict.feedback for m in mistakes), verdict


def test_the_3c_mistakes_model_the_summed_loss_and_the_wrong_axis(parts):
    (task1, task2), steps = parts["3c"]["value"], len(parts["3b"]["value"])
    by_text = {m["feedback"].split(":")[0]: m["value"] for m in parts["3c"]["mistakes"]}
    assert by_text["Task 1's loss is T times too large"] == pytest.approx([steps * task1, task2], rel=1e-5)
    assert by_text["Task 2's loss equals Task 1's"] == pytest.approx([task1, task1], rel=1e-5)
