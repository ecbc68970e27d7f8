"""Compiling sheets: one pdflatex pass from the preamble's precompiled format, latexmk when a rerun is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.render import latex, texformat

from .conftest import LATEX_MARKS

pytestmark = LATEX_MARKS

PREAMBLE = "\\documentclass{article}\n\\usepackage{amsmath}\n" + texformat.MARKER + "\n"


def document(folder: Path, body: str, name: str = "sheet", preamble: str = PREAMBLE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tex = folder / f"{name}.tex"
    tex.write_text(preamble + "\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    return tex


@pytest.fixture(autouse=True)
def fresh_formats():
    texformat.forget()
    yield
    texformat.forget()


def test_a_sheet_without_references_takes_one_pass_from_a_cached_format(tmp_path):
    cache = tmp_path / "cache"
    pdf = latex.compile_pdf(document(tmp_path / "a", "$x^2$ once."), cache_dir=cache)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "a" / "sheet.fdb_latexmk").exists()  # latexmk never ran
    formats = list((cache / texformat.KIND).glob("*.fmt"))
    assert len(formats) == 1
    log = (tmp_path / "a" / "sheet.log").read_text(errors="replace")
    assert "mylatexformat" in log  # the preamble came from the format


def test_the_pdf_is_the_same_bytes_from_a_new_or_a_stored_format(tmp_path):
    first = latex.compile_pdf(document(tmp_path / "a", "Same."), cache_dir=tmp_path / "cache").read_bytes()
    texformat.forget()  # the next compile reads the stored format
    second = latex.compile_pdf(document(tmp_path / "b", "Same."), cache_dir=tmp_path / "cache").read_bytes()
    texformat.forget()
    third = latex.compile_pdf(document(tmp_path / "c", "Same."), cache_dir=tmp_path / "other").read_bytes()
    assert first == second == third


def test_a_sheet_that_needs_a_second_pass_goes_to_latexmk(tmp_path):
    tex = document(tmp_path / "a", "See page~\\pageref{here}.\\label{here}")
    latex.compile_pdf(tex, cache_dir=tmp_path / "cache")
    assert (tmp_path / "a" / "sheet.fdb_latexmk").exists()
    assert not latex._needs_rerun(tex.with_suffix(".log"))  # settled: the reference is resolved


def test_a_relative_cache_folder_works_from_the_sheet_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pdf = latex.compile_pdf(document(tmp_path / "a", "Relative."), cache_dir=Path("rel") / "cache")
    assert pdf.exists() and list((tmp_path / "rel" / "cache" / texformat.KIND).glob("*.fmt"))
    assert "mylatexformat" in (tmp_path / "a" / "sheet.log").read_text(errors="replace")


def test_a_changed_preamble_gets_its_own_format(tmp_path):
    other = PREAMBLE.replace("amsmath", "amssymb")
    assert texformat.format_key(PREAMBLE) != texformat.format_key(other)
    first = texformat.format_for(PREAMBLE, tmp_path)
    second = texformat.format_for(other, tmp_path)
    assert first is not None and second is not None and first != second


def test_a_preamble_that_cannot_be_dumped_compiles_without_a_format(tmp_path):
    broken = "\\documentclass{article}\n\\usepackage{no-such-package-hw6}\n" + texformat.MARKER + "\n"
    assert texformat.format_for(broken, tmp_path) is None
    good = document(tmp_path / "a", "Fine.", preamble=broken.replace("\\usepackage{no-such-package-hw6}\n", ""))
    assert latex.compile_pdf(good).exists()


def test_hw6_latex_latexmk_forces_the_old_path(tmp_path, monkeypatch):
    monkeypatch.setenv("HW6_LATEX", "latexmk")
    latex.compile_pdf(document(tmp_path / "a", "Old path."), cache_dir=tmp_path / "cache")
    assert (tmp_path / "a" / "sheet.fdb_latexmk").exists()
    assert not (tmp_path / "cache").exists()


def test_errors_still_name_the_first_error_line(tmp_path):
    with pytest.raises(latex.LatexError, match=r"LaTeX failed on sheet.tex: .*Undefined control sequence"):
        latex.compile_pdf(document(tmp_path / "a", "\\nosuchmacro"), cache_dir=tmp_path / "cache")


def test_the_marker_sits_before_anything_a_variant_changes(solved_homework):
    from solver.build.pipeline import Variant, render_sheet

    solved = solved_homework
    first = texformat.preamble_of(render_sheet("problems", solved, Variant(seed=1, student="Ann")))
    second = texformat.preamble_of(render_sheet("solutions", solved, Variant(seed=2, student="Bob")))
    assert first is not None and first == second
