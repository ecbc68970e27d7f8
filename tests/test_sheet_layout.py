"""The compiled sheets as a head TA reads them: the homework and 10 variants, both PDFs each.

Each sheet is built once (``--no-pdf``) and its two .tex files compiled by the same runner a build
uses, in parallel, keeping the logs. Then every log must be free of Underfull boxes and of Overfull
ones over 1 pt, no page may be less than half full unless the next page opens a problem (or it is
the last), and the students' text (``pdftotext``) must carry no staff-only words. With the surnames
(``../shared/data/names``) Problem 4 is on the sheets; without them it is skipped, and then the
sheets must not mention it.
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from solver import __version__
from solver.build.variant import opaque_label
from solver.render import latex as latex_runner

from .conftest import LATEX_MARKS, NAMES_DIR, SKIP_NAMES
from .pdf_layout import pages, short_pages, text

pytestmark = [*LATEX_MARKS, pytest.mark.slow]

SEEDS = (3, 41, 0, 1, 2, 5, 7, 11, 42, 1000)  # the two variants and eight more
SHEETS = ("problems", "solutions")
#: Words that belong to staff (tools, paths, build commands), never to a student sheet.
STAFF_WORDS = (
    "solver",
    "SymPy",
    "sympy",
    "--names-dir",
    "names-dir",
    "--skip",
    "names_classifier",
    "torch.",
    "hw6",
    "latexmk",
    "pdflatex",
    "40-digit",
    ".py",
    "report.txt",
    "output/",
    "cache",
)
_OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\)", re.M)
WITH_NAMES = NAMES_DIR.is_dir()


@dataclass(frozen=True)
class Compiled:
    label: str
    footer: str
    folder: Path

    def pdf(self, sheet: str) -> Path:
        return self.folder / f"{sheet}.pdf"

    def log(self, sheet: str) -> str:
        return (self.folder / f"{sheet}.log").read_text(encoding="utf-8", errors="replace")

    def prose(self, sheet: str) -> str:
        """The sheet's text without its code listings (verbatim notebook code, where ``torch.`` and ``'s`` in a
        comment are the students' own code, not staff words or prose)."""
        tex = (self.folder / f"{sheet}.tex").read_text(encoding="utf-8")
        listed = re.findall(r"\\begin\{lstlisting\}[^\n]*\n(.*?)\n\\end\{lstlisting\}", tex, re.S)
        code = "".join("".join(body.split()) for body in listed)
        # A listing line pdftotext reads back is a run of the code's characters (breaklines may wrap it).
        return "\n".join(line for line in text(self.pdf(sheet)).splitlines() if not _in_code(line, code))


def _in_code(line: str, code: str) -> bool:
    squeezed = "".join(line.split())
    return len(squeezed) > 2 and squeezed in code


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> list[Compiled]:
    """Every sheet built, then its .tex files compiled two at a time, the logs kept beside them."""
    from solver.cli import main

    base = tmp_path_factory.mktemp("layout")
    data = ["--names-dir", str(NAMES_DIR)] if WITH_NAMES else list(SKIP_NAMES)
    builds = [("homework", "Homework", [])]
    builds += [(f"seed{s}", f"Variant {opaque_label(s, '')}", ["--seed", str(s)]) for s in SEEDS]
    folders = []
    for label, footer, which in builds:
        out = base / label
        args = ["build", *which, *data, "--no-pdf", "--out", str(out), "--cache-dir", str(base / "cache")]
        assert main(args) == 0, f"hw6 {' '.join(args)} failed"
        folders.append(Compiled(label, footer, out))
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(latex_runner.compile_pdf, item.folder / f"{sheet}.tex", cache_dir=base / "cache")
            for item in folders
            for sheet in SHEETS
        ]
        for job in jobs:
            job.result()
    return folders


def test_no_overfull_or_underfull_box(compiled):
    bad = []
    for item in compiled:
        for sheet in SHEETS:
            log = item.log(sheet)
            bad += [f"{item.label}/{sheet}: Overfull {w} pt" for w in _OVERFULL.findall(log) if float(w) > 1]
            bad += [f"{item.label}/{sheet}: {line}" for line in log.splitlines() if line.startswith("Underfull")]
    assert not bad, "\n".join(bad)


def test_no_page_less_than_half_full_but_a_problems_last(compiled):
    short = [
        f"{item.label}/{sheet} page {page.number}: {page.fill:.0%} full, next page starts {page.first_line[:40]!r}"
        for item in compiled
        for sheet in SHEETS
        for page in short_pages(item.pdf(sheet))
    ]
    assert not short, "\n".join(short)


def test_student_sheets_carry_no_staff_words(compiled):
    found = []
    for item in compiled:
        for sheet in SHEETS:
            content = item.prose(sheet)
            found += [f"{item.label}/{sheet}: {word!r}" for word in STAFF_WORDS if word in content]
            if not WITH_NAMES:  # a skipped problem leaves no trace
                found += [f"{item.label}/{sheet}: {w!r}" for w in ("Problem 4", "surname") if w in content]
    assert not found, "\n".join(found)


def test_page_one_and_the_footer_say_what_staff_need(compiled):
    for item in compiled:
        for sheet in SHEETS:
            found = pages(item.pdf(sheet))
            first = " ".join(found[0].words)
            assert "EECS 182" in first and "Spring 2023" in first, f"{item.label}/{sheet}: page 1 lacks the course"
            assert "Due Friday, March 10, 2023, 10:59 PM" in first, f"{item.label}/{sheet}: page 1 lacks the due date"
            footer = f"{item.footer} · version {__version__}"
            content = text(item.pdf(sheet))
            assert content.count(footer) == len(found), f"{item.label}/{sheet}: not every page ends with {footer!r}"


def test_apostrophes_are_typographic(compiled):
    """Prose possessives print with a typographic apostrophe, never a straight typewriter one (code listings
    are code, printed as the notebook holds them)."""
    straight = []
    for item in compiled:
        for sheet in SHEETS:
            content = item.prose(sheet)
            straight += [f"{item.label}/{sheet}: {m}" for m in sorted(set(re.findall(r"\b[A-Za-z]+'s\b", content)))]
    assert not straight, "\n".join(straight)


def test_problem_3_shows_the_reference_code(compiled):
    """The listings are the solution notebook's own cells: the RNN step of the notebook each sheet was built with."""
    for item in compiled:
        notebook = json.loads((item.folder / "notebook-solution.ipynb").read_text(encoding="utf-8"))
        cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
        step = next(line.strip() for cell in cells for line in cell.splitlines() if "return activate(" in line)
        content = " ".join(text(item.pdf("solutions")).split())
        assert " ".join(step.split("#")[0].split()) in content, f"{item.label}: the RNN step's code is not shown"
        assert "The listings below are the solution notebook" in content


def test_poppler_is_installed():
    """The layout tests read PDFs with poppler (scripts/bootstrap --dev installs poppler-utils)."""
    assert shutil.which("pdftotext") is not None


#: A page may not end on a problem's heading, a lone part label, or a line that leads in to what follows.
_DANGLING = re.compile(r"^Problem \d+:|^\([a-z]\)$|:$")


def test_no_heading_or_lead_in_ends_a_page(compiled):
    dangling = [
        f"{item.label}/{sheet} page {page.number} ends with {page.last_line!r}"
        for item in compiled
        for sheet in SHEETS
        for page in pages(item.pdf(sheet))[:-1]
        if _DANGLING.search(page.last_line.strip())
    ]
    assert not dangling, "\n".join(dangling)


def test_no_display_continues_on_the_next_page(compiled):
    """A page that opens with '=' or '+' holds the rest of a display that began on the page before."""
    split = [
        f"{item.label}/{sheet} page {page.number} opens with {page.first_line[:40]!r}"
        for item in compiled
        for sheet in SHEETS
        for page in pages(item.pdf(sheet))
        if page.first_line.lstrip()[:1] in ("=", "+")
    ]
    assert not split, "\n".join(split)


def test_no_figure_floats_into_a_paragraph(compiled):
    """A figure ends a paragraph: text straight after one would be the rest of a sentence split around it."""
    inside = []
    for item in compiled:
        for sheet in SHEETS:
            lines = (item.folder / f"{sheet}.tex").read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines[:-1], start=1):
                after = lines[number].strip()
                if (
                    line.strip() in (r"\end{sheetfigure}", r"\end{figure}")
                    and after
                    and not after.startswith(("\\", "%"))
                ):
                    inside.append(f"{item.label}/{sheet}.tex line {number + 1}: {after[:50]!r}")
    assert not inside, "\n".join(inside)


def test_urls_break_only_at_punctuation(compiled):
    """Each URL either fits on its line or breaks after a slash, hyphen, dot or similar, never inside a word.

    A URL has no spaces, so where it spans two of poppler's words it was broken at a line's end (the words are
    read from the boxes, as pdftotext's text would join a hyphenated break)."""
    broken = []
    for item in compiled:
        for sheet in SHEETS:
            tex = (item.folder / f"{sheet}.tex").read_text(encoding="utf-8")
            words = "\n".join(word for page in pages(item.pdf(sheet)) for word in page.words)
            for url in sorted(set(re.findall(r"\\url\{([^}]*)\}", tex))):
                found = re.search("\n?".join(re.escape(ch) for ch in url), words)
                assert found, f"{item.label}/{sheet}: {url} is not in the PDF's text"
                text = found.group(0)
                broken += [
                    f"{item.label}/{sheet}: {url} breaks after {text[k - 1]!r}"
                    for k, ch in enumerate(text)
                    if ch == "\n" and text[k - 1] not in "/-._?=&#"
                ]
    assert not broken, "\n".join(broken)
