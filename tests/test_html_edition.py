"""The HTML editions of the sheets: converted from the same .tex, with the same numbers, deterministic,
self-contained, and free of WCAG 2.1 AA violations as axe-core sees them in headless Chromium.

The browser tests open each edition of the homework and three variants. axe-core comes from npm
(``scripts/bootstrap --dev`` installs it into the git-ignored ``.node/``); without it or without
chromium the tests skip on a developer's machine and fail in CI (``CI=true``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.render.html import HtmlConversionError, math_to_mathml, tex_to_html

from .conftest import NAMES_DIR, ROOT, SKIP_NAMES, needs_latex

SHEETS = ("problems", "solutions")
BUILDS = (("homework", []), ("seed1", ["--seed", "1"]), ("seed2", ["--seed", "2"]), ("seed3", ["--seed", "3"]))
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FLAGS = [
    "--headless",
    "--no-sandbox",  # tests may run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PREAMBLE = r"""\documentclass{article}
\csname endofdump\endcsname
\hypersetup{pdftitle={Homework 6 \textemdash{} Problems}, pdflang=en}
\newcommand{\sheetfooter}{Variant 7 \textperiodcentered{} version 1}
\newcommand{\partlabel}[1]{\par\medskip\textbf{(#1)}\enspace}
"""


def page(body: str, figure_data=lambda path: (None, None)) -> str:
    return tex_to_html(PREAMBLE + "\\begin{document}\n" + body + "\n\\end{document}\n", figure_data)


# -- the converter on small documents -------------------------------------------------------------------------------


def test_headings_maths_tables_code_and_lists():
    out = page(
        r"""\section*{Problem 1: Backprop}
Text with $h_t = w \cdot h_{t-1}$ and O\textquoteright{}Brien \& Co.
\partlabel{a} Part text.
\[ \frac{dy}{dw} = 3 \]
\begin{align*}
  p &= u_{1} \tag{$L_1$} \\
  q &= w
\end{align*}
\begin{center}
\begin{tabular}{rl}
\toprule
rank & name \\
\midrule
1 & $-0.36$ \\
\bottomrule
\end{tabular}
\end{center}
\begin{lstlisting}[title={\textit{Forward}}]
x = a < b & c
\end{lstlisting}
\begin{itemize}[nosep]
  \item \textbf{One:} first
  \item Two
\end{itemize}"""
    )
    assert '<html lang="en">' in out and "<title>Homework 6 — Problems</title>" in out
    assert "<h2>Problem 1: Backprop</h2>" in out and "<h3>(a)</h3>" in out
    assert out.count("<math") == 4 and 'display="block"' in out
    assert "O\u2019Brien &amp; Co." in out
    assert '<th scope="col">rank</th><th scope="col" class="l">name</th>' in out
    assert "<mo>&#x02212;</mo><mn>0.36</mn>" in out
    assert "<figcaption><em>Forward</em></figcaption>" in out and "x = a &lt; b &amp; c" in out
    assert "<li><strong>One:</strong> first</li>" in out
    assert "<footer><p>Variant 7 · version 1</p></footer>" in out
    assert '&#x00028;</mo><msub><mi>L</mi><mn>1</mn></msub><mo stretchy="false">&#x00029;' in out  # the tag


@settings(max_examples=300)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40))
def test_any_text_the_sheets_escape_reads_back_as_the_pdf_prints_it(text):
    """What :func:`escape` puts on a sheet (a student's name, a course title) reads in the HTML as pdflatex prints it:
    the same characters, the apostrophe typographic, dashes as ligatures, spaces collapsed."""
    from solver.render.html import Converter
    from solver.render.tex import escape

    expected = text.replace("'", "\u2019").replace("---", "\u2014").replace("--", "\u2013")
    shown = Converter({}, lambda path: (None, None), {}).plain(escape(text)).replace("\u00a0", " ")
    assert " ".join(shown.split()) == " ".join(expected.split())


def test_every_row_of_an_alignment_is_kept():
    out = page("\\begin{align*}\n a &= 1 \\\\\n b &= 2 \\\\\n c &= 3\n\\end{align*}")
    assert out.count("<mtr>") == 3


@pytest.mark.parametrize("body", [r"\unknowncommand{x}", r"\begin{verbatim}x\end{verbatim}", r"$\frac{1}{2}"])
def test_latex_the_converter_does_not_know_is_an_error_not_a_gap(body):
    with pytest.raises(HtmlConversionError):
        page(body)


def test_a_figure_without_data_is_an_error():
    with pytest.raises(HtmlConversionError, match="figures/x.pdf"):
        page(r"\includegraphics[width=\linewidth]{figures/x.pdf}")


def test_a_data_plot_becomes_tables_of_its_data():
    plot = {
        "plot": {
            "name": "training",
            "panels": [
                {"title": "loss", "x": "epoch", "y": "$\\|g\\|$", "series": [["train", [0.5, 0.25], False, None]],
                 "hlines": [[0.01, "target"]]},
            ],
        }
    }  # fmt: skip
    out = page(
        r"\includegraphics{figures/a.pdf}", lambda path: (plot, None) if path == "figures/a.pdf" else (None, None)
    )
    assert "<caption>loss: <math" in out and "; target: 0.01</caption>" in out
    assert '<tr><th scope="row">2</th><td>0.25</td></tr>' in out
    confusion = {"confusion": [[3, 1], [0, 2]], "languages": ["Czech", "Dutch"]}
    out = page(r"\includegraphics{figures/c.pdf}", lambda path: (confusion, None))
    assert '<tr><th scope="row">Dutch</th><td>0</td><td>2</td></tr>' in out


def test_a_tikz_picture_becomes_svg_with_real_text_and_a_table_of_its_arrows():
    out = page(
        r"""\begin{tikzpicture}[
    hyp/.style={rectangle, draw, font=\small},  % a comment
    kept/.style={fill=blue!10, draw=blue!60!black, thick},
  ]
  \node[column] at (3.3, 0.8) {step 1};
  \node[hyp] (v0) at (0, 0) {start};
  \node[hyp, kept] (v1) at (3.3, -1) {\textsf{neural}\\[-1pt]{\scriptsize $-0.36$}};
  \draw[edge] (v0.east) -- node[logprob, above] {$-0.36$} (v1.west);
\end{tikzpicture}"""
    )
    svg = out[out.index("<svg") : out.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg
    assert ">neural</text>" in svg and ">\u22120.36</text>" in svg and ">step 1</text>" in svg
    assert "<td>start</td><td>neural \u22120.36</td><td>\u22120.36</td><td>kept</td>" in out


def test_maths_the_sheets_write_converts():
    for formula in (r"\left[\setlength{\arraycolsep}{3pt}\begin{array}{r|r} 1 & \makebox[0.5em]{$\cdot$} \end{array}\right]",
                    r"\lVert A f - y \rVert^2", r"\underbrace{O(kM)}_{\text{selection}}", r"\textsf{neural}"):  # fmt: skip
        assert "<math" in math_to_mathml(formula)


# -- the editions of real builds -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def builds(tmp_path_factory, session_cache) -> dict[str, Path]:
    """The homework and three variants, without PDFs (Problem 4 only with the surnames)."""
    from solver.cli import main

    base = tmp_path_factory.mktemp("html")
    data = ["--names-dir", str(NAMES_DIR)] if NAMES_DIR.is_dir() else list(SKIP_NAMES)
    folders = {}
    for label, extra in BUILDS:
        out = base / label
        assert main(["build", *data, *extra, "--no-pdf", "--out", str(out), "--cache-dir", str(session_cache)]) == 0
        folders[label] = out
    return folders


def visible_text(page_html: str) -> str:
    """What a reader of the page gets as text: tags gone (MathML's too), entities read, the minus sign as ``-``."""
    body = page_html[page_html.index("<body>") :]
    # An operator after an operand is binary and set apart as a reader sees it: "-1.05 - 0.75", not "-1.05-0.75".
    body = re.sub(r"(</m[ni]>)\s*<mo>([^<]*)</mo>", r"\1 \2 ", body)
    body = re.sub(
        r"</?(?:td|th|tr|mtd|mtr|p|li|br|div|caption|figcaption|text|h\d|pre|table|mspace)\b[^>]*>", " ", body
    )
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\u2212", "-")


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SIGNED = re.compile(r"-?\d+(?:\.\d+)?")


def tex_numbers(tex: str, pattern: re.Pattern = _NUMBER) -> Counter:
    """The numbers a sheet prints: its body without comments, options, lengths, colours and TikZ coordinates."""
    body = tex.split("\\begin{document}", 1)[1]
    body = re.sub(r"(?<!\\)%[^\n]*", "", body)
    body = re.sub(r"\\begin\{tikzpicture\}\[.*?\n  \]", "", body, flags=re.S)
    body = re.sub(r"\[[^\[\]]*\]", "", body)
    body = re.sub(r"at \([^)]*\)|\([A-Za-z]\w*(?:\.\w+)?\)", "", body)  # coordinates, node names (v12.east)
    body = re.sub(
        r"-?\d+(?:\.\d+)?(?:pt|cm|mm|em)\b|\d+(?:\.\d+)?\\(?:linewidth|textheight|baselineskip)|!\d+", "", body
    )
    body = re.sub(r"\\[A-Za-z]+", " ", body)
    return Counter(pattern.findall(body))


@pytest.mark.slow
@pytest.mark.parametrize("sheet", SHEETS)
def test_the_html_prints_every_number_the_sheet_prints(builds, sheet):
    for label, folder in builds.items():
        tex = (folder / f"{sheet}.tex").read_text(encoding="utf-8")
        shown = Counter(_NUMBER.findall(visible_text((folder / f"{sheet}.html").read_text(encoding="utf-8"))))
        missing = tex_numbers(tex) - shown
        assert not missing, (label, sheet, missing.most_common(10))


def _key_values(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _key_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _key_values(item)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        yield str(value)
    elif isinstance(value, str) and _SIGNED.fullmatch(value):
        yield value


@pytest.mark.slow
def test_every_key_value_the_solutions_print_is_in_their_html(builds):
    checked = 0
    for label, folder in builds.items():
        key = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
        printed = set(tex_numbers((folder / "solutions.tex").read_text(encoding="utf-8"), _SIGNED))
        shown = set(_SIGNED.findall(visible_text((folder / "solutions.html").read_text(encoding="utf-8"))))
        for part_id, part in key["parts"].items():
            for value in _key_values(part["value"]):
                if value in printed:
                    checked += 1
                    assert value in shown, (label, part_id, value)
    assert checked > 50  # the key's numbers were found on the sheet at all


@pytest.mark.slow
def test_editions_are_self_contained_labelled_and_deterministic(builds, tmp_path, session_cache):
    for label, folder in builds.items():
        for sheet in SHEETS:
            text = (folder / f"{sheet}.html").read_text(encoding="utf-8")
            assert "<script" not in text and " src=" not in text and "<link" not in text
            assert text.count("<h1>") == 1 and "<h2>Problem 1: " in text and "<h3>(a)</h3>" in text
            footer = re.search(r"<footer><p>(.*?)</p></footer>", text)
            assert footer and "version" in footer.group(1), label
            tex = (folder / f"{sheet}.tex").read_text(encoding="utf-8")
            assert footer.group(1).split(" · ")[0] in tex
            assert "hw6" not in visible_text(text).replace(footer.group(1), "")
    # the same .tex gives the same bytes, also in a fresh build
    from solver.cli import main

    again = tmp_path / "again"
    data = ["--names-dir", str(NAMES_DIR)] if NAMES_DIR.is_dir() else list(SKIP_NAMES)
    cache = session_cache
    assert main(["build", *data, "--seed", "1", "--no-pdf", "--out", str(again), "--cache-dir", str(cache)]) == 0
    for sheet in SHEETS:
        assert (again / f"{sheet}.html").read_bytes() == (builds["seed1"] / f"{sheet}.html").read_bytes()


# -- in a real browser -----------------------------------------------------------------------------------------------


def _required(what: str, present: bool) -> None:
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is not installed (scripts/bootstrap --dev installs it)")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    _required("chromium", path is not None)
    assert path is not None
    return path


@pytest.fixture(scope="module")
def axe_source() -> str:
    _required("axe-core (npm)", AXE.is_file())
    return AXE.read_text(encoding="utf-8")


_AXE_RUNNER = """<script>%s</script><script>
axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']}).then(function (result) {
  var out = document.createElement('pre'); out.id = 'axe-result';
  out.textContent = JSON.stringify(result.violations.map(function (v) {
    return {id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(function (n) { return n.html.slice(0, 160); })};
  }));
  document.body.appendChild(out);
}, function (error) {
  var out = document.createElement('pre'); out.id = 'axe-result'; out.textContent = 'failed: ' + error;
  document.body.appendChild(out);
});
</script>"""


def axe_violations(chromium: str, axe_source: str, page_html: str, tmp_path: Path) -> list:
    """axe-core's WCAG 2.1 A/AA violations on ``page_html``, run in headless Chromium (the page given a copy of
    axe inline, which writes its result into the DOM that ``--dump-dom`` prints)."""
    runner = _AXE_RUNNER % (axe_source, json.dumps(WCAG_21_AA))
    checked = tmp_path / f"page-{len(list(tmp_path.iterdir()))}.html"
    checked.write_text(page_html.replace("</body>", runner + "</body>"), encoding="utf-8")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=60000", "--dump-dom"]
    run = subprocess.run([*command, checked.as_uri()], capture_output=True, text=True, timeout=300, check=False)
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', run.stdout, re.S)
    assert found, run.stderr[-2000:]
    result = html.unescape(found.group(1))
    assert not result.startswith("failed"), result
    return json.loads(result)


@pytest.mark.slow
@pytest.mark.parametrize("build", [label for label, _ in BUILDS])
def test_axe_finds_no_wcag_21_aa_violation(builds, chromium, axe_source, tmp_path, build):
    for sheet in SHEETS:
        text = (builds[build] / f"{sheet}.html").read_text(encoding="utf-8")
        assert axe_violations(chromium, axe_source, text, tmp_path) == [], (build, sheet)


def test_axe_does_find_violations(chromium, axe_source, tmp_path):
    """The check above can fail: an image without alternative text and a page without a language are caught."""
    bad = "<!DOCTYPE html><html><head><title>x</title></head><body><img src='x.png'></body></html>"
    found = {v["id"] for v in axe_violations(chromium, axe_source, bad, tmp_path)}
    assert {"image-alt", "html-has-lang"} <= found


# -- the other student-facing files -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_solution_notebook_figures_carry_alt_text(builds):
    notebook = json.loads((builds["homework"] / "notebook-solution.ipynb").read_text(encoding="utf-8"))
    images = [
        output
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert images, "the solution notebook shows no figure"
    for output in images:
        alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
        assert len(alt) > 40 and "Figure size" not in alt
    headings = [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown" and "".join(cell["source"]).startswith("#")
    ]
    assert len(headings) >= 8


@pytest.mark.slow
def test_prairielearn_statements_have_no_image_only_maths(tmp_path, session_cache):
    """PrairieLearn's question.html is HTML already: its maths is TeX text that the platform typesets (MathJax,
    which gives screen readers the formula), never a picture; its tables have header cells."""
    import zipfile

    from solver.cli import main

    archive = tmp_path / "pl.zip"
    assert (
        main(["export", "prairielearn", "--variants", "1", "--out", str(archive), "--cache-dir", str(session_cache)])
        == 0
    )
    with zipfile.ZipFile(archive) as opened:
        pages = {
            name: opened.read(name).decode("utf-8") for name in opened.namelist() if name.endswith("question.html")
        }
        pictures = [
            name for name in opened.namelist() if name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".svg"))
        ]
    assert pages and pictures == []
    for name, text in pages.items():
        assert "<img" not in text and "<svg" not in text, name
        assert "$" in text, name  # maths as text
        assert text.count("<table") <= text.count("<th"), name


# -- the PDFs ---------------------------------------------------------------------------------------------------------


def _pdf_streams(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated (where pdfTeX keeps the catalogue)."""
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _node_texts(tex: str) -> set[str]:
    """The first line of every TikZ node's text, as the pieces pdftotext reads (``\\textsf{neural}`` -> neural,
    ``$u_{1}$`` -> u1, ``$C_{t-1}$`` -> Ct−1 with maths' minus sign). A superscript sits on a line of its own in
    the extracted text, so ``$h^{(1)}_{2}$`` gives two pieces, h2 and (1)."""
    texts = set()
    for match in re.finditer(r"\\node\[[^\]]*\](?: \([\w]+\))? at \([^)]*\) \{(.*?)\};", tex):
        first = match.group(1).split("\\\\")[0]
        first = re.sub(r"\\text\w+\{([^}]*)\}", r"\1", first)
        if "$" in first:
            first = first.replace("-", "\u2212")
        superscripts = re.findall(r"\^\{([^}]*)\}", first)
        first = re.sub(r"\^\{[^}]*\}", "", first)
        for piece in (first, *superscripts):
            texts.add(re.sub(r"[${}_]", "", piece).strip())
    return {text for text in texts if text and "\\" not in text}


@pytest.mark.slow
@needs_latex
def test_the_pdfs_have_title_language_unicode_fonts_and_readable_figure_labels(builds, session_cache):
    from solver.io.figures import shown_data
    from solver.render import latex as latex_runner

    folder = builds["homework"]
    for sheet in SHEETS:
        pdf_path = latex_runner.compile_pdf(folder / f"{sheet}.tex", cache_dir=session_cache)
        info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
        assert re.search(rf"^Title:\s+Homework 6 \u2014 {sheet.capitalize()}$", info, re.M), info
        assert b"/Lang(en)" in _pdf_streams(pdf_path.read_bytes())
        fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-3] == "yes" for row in rows), fonts  # the "uni" column: a ToUnicode map
        text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
        tex = (folder / f"{sheet}.tex").read_text(encoding="utf-8")
        labels = _node_texts(tex)
        assert labels, sheet
        assert not [label for label in labels if label not in text], sheet
        plotted = re.findall(r"\\includegraphics(?:\[[^\]]*\])?\{([^}]*)\}", tex)
        for path in plotted:
            data = shown_data((folder / path.replace("\\_", "_")).read_bytes())
            assert data is not None, path
            for panel in data.get("plot", {}).get("panels", []):
                for label in (panel["x"], panel["title"]):
                    if "$" not in label:
                        assert label in text, (path, label)
            if "languages" in data:
                assert "predicted language" in text and all(name in text for name in data["languages"])


def test_every_batch_folder_has_both_html_editions_for_its_student(small_batch):
    manifest = small_batch
    folders = [p for p in manifest.parent.iterdir() if p.is_dir() and (p / "answers.json").exists()]
    assert len(folders) == 2
    for folder in folders:
        for sheet in SHEETS:
            text = (folder / f"{sheet}.html").read_text(encoding="utf-8")
            assert re.search(r"Version for (Ann A|Bob B)", text), (folder, sheet)


def test_a_tree_that_repeats_its_tokens_names_each_box_by_its_path():
    out = page(
        r"""\begin{tikzpicture}[hyp/.style={rectangle, draw}]
  \node[hyp] (v0) at (0, 0) {start};
  \node[hyp] (v1) at (3, 1) {deep};
  \node[hyp] (v2) at (3, -1) {vector};
  \node[hyp] (v3) at (6, 1) {deep\\[-1pt]{\scriptsize $-1.5$}};
  \draw[edge] (v0.east) -- node[logprob, above] {$-1$} (v1.west);
  \draw[edge] (v0.east) -- node[logprob, below] {$-2$} (v2.west);
  \draw[edge] (v1.east) -- node[logprob, above] {$-0.5$} (v3.west);
\end{tikzpicture}"""
    )
    assert "<td>[deep]</td><td>[deep deep] (\u22121.5)</td><td>\u22120.5</td>" in out
    assert "<td>start</td><td>[vector]</td>" in out


def test_a_plot_drawn_as_svg_is_inlined_with_its_own_ids_a_title_and_its_tables_as_description():
    plot = {
        "plot": {
            "name": "t",
            "panels": [{"title": "loss", "x": "epoch", "y": "y", "series": [["a", [1.0], False, None]]}],
        }
    }
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg" width="10pt">'
        b'<metadata>m</metadata><defs><path id="g1"/></defs><use xlink:href="#g1"/><g clip-path="url(#c1)"/></svg>'
    )
    out = page(r"\includegraphics{a.pdf}\includegraphics{a.pdf}", lambda path: (plot, svg))
    first = out[out.index("<svg") : out.index("</svg>")]
    assert 'role="img"' in first and 'aria-labelledby="figure-1-title"' in first
    assert 'aria-describedby="figure-1-data-1"' in first and '<table class="figure-data" id="figure-1-data-1">' in out
    assert '<title id="figure-1-title">Plot: loss. Its data are in the table after it.</title>' in first
    assert 'id="figure-1-g1"' in first and 'xlink:href="#figure-1-g1"' in first and "url(#figure-1-c1)" in first
    assert "<metadata>" not in out and "<?xml" not in out and 'id="figure-2-g1"' in out


def test_a_sheet_the_converter_cannot_read_stops_the_build_in_one_line_with_nothing_written(
    run_cli, monkeypatch, tmp_path
):
    from solver.build import pipeline

    real = pipeline.render_sheet
    monkeypatch.setattr(
        pipeline,
        "render_sheet",
        lambda kind, *a: real(kind, *a).replace(r"\end{document}", r"\newthing \end{document}"),
    )
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--out", out)
    assert (code, stdout) == (2, "") and len(err.strip().splitlines()) == 1
    assert "the HTML edition of problems.tex cannot be made" in err and "\\newthing" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
