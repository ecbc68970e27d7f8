"""Issue 15's precision items: what the sheets claim follows from the runs, and the figures print in the
document's font at 8 pt or more at the width they are placed at."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from solver.io import figures
from solver.problems import PROBLEMS, BuildContext
from solver.problems import rnn_lstm as p3
from solver.problems.names_classifier import figures as p4_figures
from solver.problems.rnn_lstm import sheet as p3_sheet
from solver.problems.rnn_lstm.study import gradients, training

TEMPLATES = Path(__file__).parent.parent / "templates"
MIN_PRINTED_PT = 8.0


@pytest.fixture(scope="module")
def solved(solved_homework, session_cache):
    return p3.solve(p3.Params(), BuildContext(cache_dir=session_cache))


def _run(losses: list[float], target: float = 0.01) -> training.TrainedRun:
    return training.TrainedRun(1, tuple(losses), losses[-1], None, target, {}, 0.0, True)


def test_the_epoch_from_which_the_loss_stays_below_its_target():
    assert _run([0.5, 0.005, 0.02, 0.005, 0.004]).stays_below_from == 4  # dipped at 2, back above at 3
    assert _run([0.005, 0.004]).stays_below_from == 1
    assert _run([0.5, 0.005, 0.02]).stays_below_from is None  # ends above
    assert _run([0.5, 0.01]).stays_below_from is None  # equal is not below


def test_the_sheet_reports_the_rebound_of_the_training_loss(solved):
    view = p3.view(solved)
    for row, (layers, run) in zip(view["trained"], solved.trained.items(), strict=True):
        losses = np.asarray(run.losses)
        assert np.all(losses[row["stays_below_from"] - 1 :] < run.target), layers
        assert row["stays_below_from"] == 1 or losses[row["stays_below_from"] - 2] >= run.target
    assert [r["layers"] for r in view["rebounded"]] == [
        r["layers"] for r in view["trained"] if r["stays_below_from"] != r["reached_at"]
    ]


def test_relu_has_a_counterpart_at_the_default_initialisation(solved):
    configs = gradients.study_configs(solved.params.study)
    tanh, relu = (gradients.build_network(configs[name]) for name in ("rnn_default", "relu_default"))
    for name in ("W_x", "W_h", "b"):  # the same weights: only the activation differs
        assert np.array_equal(tanh.layer.params[name], relu.layer.params[name])
    assert np.array_equal(tanh.x, relu.x)
    n, view = solved.numbers, p3.view(solved)
    assert view["relu_vanishes_more"] == (n["default_relu_ratio"] < n["default_tanh_ratio"])
    assert view["default_both_vanish"] == (max(n["default_relu_ratio"], n["default_tanh_ratio"]) < 1)
    assert view["tanh_grows"] == (n["tanh_ratio"] > 1)
    assert view["tanh_near_linear"] == (n["default_tanh_slope"] > 0.9)
    reference = p3.parts(solved)["3f"].value
    faster = "ReLU" if view["relu_vanishes_more"] else "tanh"
    assert f"({faster} vanished faster)" in reference


def test_every_study_run_is_checked_along_an_independent_route(solved):
    checked = {c.part for c in p3.crosscheck(solved) if c.agrees}
    assert {"3f.relu_default", "3f.rnn_default", "3f.relu_default.slope", "3f.rnn_default.slope"} <= checked
    assert {"3k.1-layer.stays-below", "3k.2-layer.stays-below"} <= checked


def test_one_network_keeps_one_colour_across_a_figures_panels(solved):
    for plot in p3_sheet._plots(solved):
        colours: dict[str, set[int]] = {}
        for panel in plot.panels:
            for k, series in enumerate(panel.series):
                colours.setdefault(series.label, set()).add(k if series.color is None else series.color)
        assert all(len(c) == 1 for c in colours.values()), (plot.name, colours)


def _placed_fractions() -> dict[str, float | None]:
    """Figure name -> its width on the sheet as a fraction of the text width, or None for a figure placed
    at its natural size, shrunk only to fit the line (from the templates)."""
    placed: dict[str, float | None] = {}
    for template in sorted(t for p in PROBLEMS if p.templates for t in p.templates.glob("*.tex.j2")):
        text, problem = template.read_text(), template.name.split(".")[0]
        for fraction, name in re.findall(
            r"\\includegraphics\[width=([0-9.]*)\\linewidth\]\{\\VAR\{view\.figure\.(\w+)\}\}", text
        ):
            placed[f"{problem}/{name}"] = float(fraction or 1)
        for name in re.findall(
            r"\\adjustbox\{max width=\\linewidth\}\{\\includegraphics\{\\VAR\{view\.figure\.(\w+)\}\}\}", text
        ):
            placed[f"{problem}/{name}"] = None
    return placed


def _printed_sizes(draw, monkeypatch) -> tuple[bytes, float]:
    """The PDF ``draw()`` makes and the smallest font size of its texts, in the figure's own points."""
    sizes: list[float] = []
    original = figures.pdf_bytes

    def recording(figure, **kwargs):
        from matplotlib.text import Text

        figure.canvas.draw()  # legends and tick labels exist once drawn
        sizes.extend(t.get_fontsize() for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip())
        return original(figure, **kwargs)

    monkeypatch.setattr(figures, "pdf_bytes", recording)
    return draw(), min(sizes)


def _width_pt(pdf: bytes) -> float:
    box = re.search(rb"/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    assert box, "no MediaBox"
    return float(box.group(1))


def test_figures_print_in_computer_modern_at_8_pt_or_more(solved, monkeypatch):
    assert "margin=2.3cm" in (TEMPLATES / "preamble.tex.j2").read_text()  # figures.TEXT_WIDTH_IN assumes it
    text_width_pt = figures.TEXT_WIDTH_IN * 72
    placed = _placed_fractions()
    drawn = {f"rnn_lstm/{plot.name}": (lambda plot=plot: figures.render(plot)) for plot in p3_sheet._plots(solved)}
    keys = ("train_loss", "validation_loss", "train_accuracy", "validation_accuracy")
    epochs = [{key: 1.0 / epoch for key in keys} for epoch in range(1, 7)]
    drawn["names_classifier/training"] = lambda: figures.render(p4_figures.training_plot(epochs))
    languages = [f"Language{i}" for i in range(18)]
    confusion = np.diag(np.full(18, 940)) + 3
    drawn["names_classifier/confusion"] = lambda: p4_figures.draw_confusion(confusion, languages)
    for name, draw in drawn.items():
        assert name in placed, name
        pdf, smallest = _printed_sizes(draw, monkeypatch)
        fraction, width = placed[name], _width_pt(pdf)
        scale = fraction * text_width_pt / width if fraction is not None else min(1.0, text_width_pt / width)
        assert smallest * scale >= MIN_PRINTED_PT, (name, smallest, scale)
        assert b"/Type3" not in pdf.replace(b" ", b""), name  # TrueType fonts, not Type 3
        assert b"Cmr10" in pdf and b"STIX" not in pdf, name  # Computer Modern throughout, its partial sign too


def test_3f_asks_neutrally_and_answers_the_textbook_way_before_the_measured_caveat(solved):
    from solver.build.pipeline import Solved, Variant, render_sheet

    item = [Solved(p3.PROBLEM, p3.Params(), solved)]
    question = render_sheet("problems", item, Variant()).split(r"\partlabel{f}")[1].split(r"\partlabel{g}")[0]
    assert "Does either activation give more" in question and "which one" not in question, "no one-of-each premise"
    answer = render_sheet("solutions", item, Variant()).split(r"\partlabel{f}")[1].split(r"\partlabel{g}")[0]
    textbook = r"ReLU gives the more exploding gradients and $\tanh$ the more vanishing ones"
    assert answer.index(textbook) < answer.index(r"\toprule") < answer.index("in these runs"), "textbook, then runs"
    reference = p3.parts(solved)["3f"].value
    assert reference.startswith("The usual answer: ReLU gives the more exploding gradients and tanh the more vanishing")
    assert reference.index("vanishing ones") < reference.index("Measured")
