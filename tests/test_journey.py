"""The student's journey through Problem 3: fill the starter's TODOs, run it, copy what it prints, get graded.

The implementations below are written for this test, independently of the solution cells
(other torch calls, autograd.grad instead of retain_grad, slices instead of chunk), as a
student would write them. The starter with them filled in is executed like any notebook,
the lines its test cells print are copied into answers-template.yaml the way the template's
comments say, and ``hw6 check`` grades the file: full marks for Problem 3's code parts when
the code is right; each of three typical mistakes is graded wrong, with its modelled feedback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from solver.build.pipeline import build
from solver.cli import main
from solver.kernel.problem import BuildContext
from solver.notebooks.build import STARTER
from solver.notebooks.execute import executed

from .conftest import SKIP_NAMES

pytestmark = pytest.mark.slow

CORRECT = {
    "todo-1a": """
def rnn_step(x_t, h_prev, W_x, W_h, b, nonlinearity="tanh"):
    pre = torch.einsum("hd,bd->bh", W_x, x_t) + torch.einsum("hk,bk->bh", W_h, h_prev) + b
    return activate(pre, nonlinearity)


def rnn_forward(x, W_x, W_h, b, nonlinearity="tanh", h0=None):
    h = torch.zeros(x.shape[0], W_h.shape[0], dtype=x.dtype) if h0 is None else h0
    states = []
    for t in range(x.shape[1]):
        h = rnn_step(x[:, t, :], h, W_x, W_h, b, nonlinearity)
        states.append(h.unsqueeze(1))
    return torch.cat(states, dim=1)
""",
    "todo-1b": """
def regression_head(hs, W_f, b_f):
    return torch.matmul(hs, W_f.transpose(0, 1)) + b_f
""",
    "todo-1c": """
def mse_all_steps(predictions, labels):
    return ((predictions - labels) ** 2).mean()


def mse_last_step(predictions, labels):
    return torch.nn.functional.mse_loss(predictions[:, -1, :], labels[:, -1, :])
""",
    "todo-1d": """
def gradient_norms(x, y, step, state, W_f, b_f, last_target_only=True):
    hidden_states, cell_states = [], []
    for t in range(x.shape[1]):
        state = step(x[:, t], state)
        if isinstance(state, tuple):
            hidden_states.append(state[0])
            cell_states.append(state[1])
        else:
            hidden_states.append(state)
    predictions = regression_head(torch.stack(hidden_states, 1), W_f, b_f)
    loss = mse_last_step(predictions, y) if last_target_only else mse_all_steps(predictions, y)
    grads = torch.autograd.grad(loss, hidden_states + cell_states)
    steps = len(hidden_states)
    grad_norms = torch.stack([g.norm() for g in grads[:steps]])
    hidden_norms = torch.stack([h.detach().norm() for h in hidden_states])
    cell_norms = torch.stack([g.norm() for g in grads[steps:]]) if cell_states else None
    return grad_norms, hidden_norms, cell_norms
""",
    "todo-1h": """
def lstm_step(x_t, h_prev, c_prev, U, W, b):
    H = h_prev.shape[1]
    z = torch.addmm(b, x_t, U) + h_prev @ W
    f, i, o = torch.sigmoid(z[:, :H]), torch.sigmoid(z[:, H : 2 * H]), torch.sigmoid(z[:, 2 * H : 3 * H])
    c = f * c_prev + i * torch.tanh(z[:, 3 * H :])
    return o * torch.tanh(c), c
""",
    "todo-1k": """
def stacked_forward(x, layers, nonlinearity="tanh"):
    every_layer = []
    for W_x, W_h, b in layers:
        x = rnn_forward(x, W_x, W_h, b, nonlinearity)
        every_layer.append(x)
    return every_layer
""",
}

#: Three typical wrong implementations: the cell they change, the code, and what the feedback names.
WRONG = {
    "transposed W_h": (
        "todo-1a",
        CORRECT["todo-1a"].replace(
            'torch.einsum("hk,bk->bh", W_h, h_prev)', "h_prev @ W_h"
        ),  # h_{t-1} W_h: the transpose of W_h h_{t-1}
        {"3a": "transpose of W_h", "3b": "transpose of W_h", "3c": "transpose of W_h"},
    ),
    "wrong nonlinearity": (
        "todo-1a",
        CORRECT["todo-1a"].replace("return activate(pre, nonlinearity)", "return torch.relu(pre)"),
        {"3a": "ReLU as the nonlinearity", "3b": "ReLU as the nonlinearity", "3c": "ReLU as the nonlinearity"},
    ),
    "loss averaged over the wrong axis": (
        "todo-1c",
        CORRECT["todo-1c"].replace(
            "return ((predictions - labels) ** 2).mean()", "return ((predictions - labels) ** 2).sum(dim=1).mean()"
        ),
        {"3c": "T times too large"},
    ),
}
CODE_PARTS = ("3a", "3b", "3c")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("journey-cache")


@pytest.fixture(scope="module")
def homework(tmp_path_factory, cache_dir) -> Path:
    out = tmp_path_factory.mktemp("journey") / "out"
    build({}, out, pdf=False, context=BuildContext(cache_dir=cache_dir))
    return out


def run_starter(
    homework: Path, filled: dict[str, str], tmp_path: Path, *, through: str | None = None
) -> dict[str, str]:
    """The starter with ``filled`` cells, executed (up to the cell ``through``); cell id -> what it printed."""
    node = nbformat.reads((homework / STARTER).read_text(encoding="utf-8"), as_version=4)
    if through is not None:  # the homework without the names data: Problem 3's cells only
        node.cells = node.cells[: [c.id for c in node.cells].index(through) + 1]
    for cell in node.cells:
        if cell.id in filled:
            cell.source = filled[cell.id].strip()
    done = executed(node, cwd=tmp_path)
    return {
        c.id: "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
        for c in done.cells
        if c.cell_type == "code"
    }


def answers_from(homework: Path, printed: dict[str, str], path: Path) -> Path:
    """answers-template.yaml with the lines the test cells printed after 3a-3c's colons (quoted, as its
    comments say for text with ': '), and 3k from the training cell's printout."""
    copied = {"3a": printed["test-1a"], "3b": printed["test-1b"], "3c": printed["test-1c"]}
    losses = re.findall(r"final training loss (\S+),", printed.get("train-1k", ""))
    if losses:
        copied["3k"] = "[" + ", ".join(losses) + "]"
    lines = []
    for line in (homework / "answers-template.yaml").read_text(encoding="utf-8").splitlines():
        part = line.split(":", 1)[0]
        if part in copied and not line.startswith("#"):
            line = f"{part}: {json.dumps(copied[part].strip())}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def graded(answers: Path, cache_dir: Path, capsys) -> dict[str, dict]:
    capsys.readouterr()
    main(["check", str(answers), "--json", *SKIP_NAMES, "--cache-dir", str(cache_dir)])
    return json.loads(capsys.readouterr().out)["parts"]


def test_a_correct_notebook_gets_full_marks_for_problem_3s_code(homework, cache_dir, tmp_path, capsys):
    printed = run_starter(homework, CORRECT, tmp_path)
    assert "below 0.01: True" in printed["train-1k"] and "below 0.001: True" in printed["train-1k"]
    assert "||dL/dh_1|| / ||dL/dh_T||" in printed["visualize-1d"] and "LSTM" in printed["visualize-1h"]
    parts = graded(answers_from(homework, printed, tmp_path / "answers.yaml"), cache_dir, capsys)
    for part in (*CODE_PARTS, "3k"):
        assert parts[part]["status"] == "correct", (part, parts[part])
        assert parts[part]["score"] == parts[part]["max_score"]


@pytest.mark.parametrize("mistake", list(WRONG))
def test_a_typical_mistake_is_graded_wrong_with_its_feedback(homework, cache_dir, tmp_path, capsys, mistake):
    cell, source, feedback = WRONG[mistake]
    printed = run_starter(homework, {**CORRECT, cell: source}, tmp_path, through="test-1c")
    parts = graded(answers_from(homework, printed, tmp_path / "answers.yaml"), cache_dir, capsys)
    for part in CODE_PARTS:
        if part in feedback:
            assert parts[part]["status"] == "incorrect", (part, parts[part])
            assert feedback[part] in parts[part]["feedback"], (part, parts[part])
        else:
            assert parts[part]["status"] == "correct", (part, parts[part])
