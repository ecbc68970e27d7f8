"""Parameters -> exact solutions -> cross-checks -> answer key and sheets.

This is the only place that strings the problems together; it iterates over
:data:`solver.problems.PROBLEMS` and never looks inside one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine.answer_format import template_text
from ..io.cache import Cache
from ..io.figures import shown
from ..io.files import StagedOutput, dump_json, read_structured
from ..kernel.checks import Check
from ..kernel.errors import CrossCheckFailed, OracleUnavailable, OutputError, ParamsError
from ..kernel.params import from_mapping, to_jsonable
from ..kernel.points import GradingParams, points_for
from ..kernel.rubric import RUBRIC_FILE, rubric_markdown
from ..kernel.seeds import SEED_TEXT, is_seed
from ..problems import PROBLEMS, BuildContext, by_section
from ..render import latex as latex_runner
from ..render.html import HtmlConversionError, tex_to_html
from . import selection
from .document import DocumentParams
from .reference import Section, reference_yaml
from .solved import Solved as Solved
from .staff_report import REPORT_FILE, report_text
from .variant import MAX_SEED as MAX_SEED
from .variant import Variant as Variant
from .variant import options_digest as options_digest
from .variant import options_from_data as options_from_data
from .variant import options_json as options_json
from .variant import variant_label as variant_label

GENERATOR = {"name": "hw6", "version": __version__}
TEMPLATE_FILE = "answers-template.yaml"  # what students fill in and submit


@dataclass(frozen=True)
class Sheets:
    """Everything one build writes, held in memory until it is staged."""

    files: dict[str, str | bytes]  # relative path -> content, in writing order
    documents: tuple[str, ...]  # the .tex files to compile
    checks: list[Check] = field(default_factory=list)


@dataclass(frozen=True)
class Built:
    written: list[Path]
    checks: list[Check] = field(default_factory=list)


#: Sections of a parameters file that belong to no problem, read like a problem's parameters.
OTHER_SECTIONS: dict[str, type] = {"document": DocumentParams, "grading": GradingParams}
SECTION_COMMENTS = {"document": "what page 1 of both sheets says", "grading": "how hw6 check scores each part"}
#: The section a seeded build records in its params.json (see :func:`variant_from_data`).
VARIANT_SECTION = "variant"


def params_from_data(raw: Any, source: str = "parameters") -> dict[str, Any]:
    """Every problem's parameters from a parsed file, plus the ``document`` and ``grading`` sections;
    missing sections take defaults. A recorded ``skip`` (the problems a build left out) is kept
    under its key as a frozenset."""
    if raw is None:
        raw = {}
    sections = by_section()
    known = [*sections, *OTHER_SECTIONS, VARIANT_SECTION, selection.SKIP_FIELD]
    if not isinstance(raw, Mapping):
        raise ParamsError(source, "a mapping whose keys are sections (" + ", ".join(known) + ")", raw, has_got=True)
    for key in raw:
        if key not in known:
            raise ParamsError(str(key), "a known section: " + ", ".join(known))
    params = {name: from_mapping(problem.params_type, raw.get(name), name) for name, problem in sections.items()}
    for name, params_type in OTHER_SECTIONS.items():
        params[name] = from_mapping(params_type, raw.get(name), name)
    if (skip := raw.get(selection.SKIP_FIELD)) is not None:
        if not isinstance(skip, list):
            raise ParamsError(selection.SKIP_FIELD, "a list of problems", skip, has_got=True)
        if skip:
            params[selection.SKIP_FIELD] = selection.skip_list(skip, PROBLEMS, selection.SKIP_FIELD)
    return params


def variant_from_data(raw: Any) -> Variant:
    """The ``variant`` section a seeded build records in its params.json."""
    section = raw.get(VARIANT_SECTION) if isinstance(raw, Mapping) else None
    if section is None:
        return Variant()
    if not isinstance(section, Mapping) or "seed" not in section or not set(section) <= {"seed", "options"}:
        raise ParamsError("variant", "a mapping with the keys seed and, optionally, options", section, has_got=True)
    try:
        options = options_json(options_from_data(section.get("options"), "variant.options"))
    except ParamsError as exc:
        raise exc if exc.field.startswith("variant.") else exc.within("variant.options") from None
    seed = section["seed"]
    if not is_seed(seed):  # a JSON integer: digits as text are not a seed in a parameters file
        raise ParamsError("variant.seed", SEED_TEXT, seed, has_got=True)
    return Variant(seed=seed, options=options)


def parameter_reference() -> str:
    """Every section of a parameters file with its defaults, as commented YAML (the README's reference)."""
    sections = [Section(p.section, p.params_type, f"Problem {p.number}: {p.title}") for p in PROBLEMS]
    sections += [
        Section(name, params_type, SECTION_COMMENTS.get(name, "")) for name, params_type in OTHER_SECTIONS.items()
    ]
    return reference_yaml(sections)


def read_params(path: str | Path | None) -> dict[str, Any]:
    """Parameters from a YAML/JSON file, or the homework's own values without one."""
    return read_params_and_variant(path)[0]


def read_params_and_variant(path: str | Path | None) -> tuple[dict[str, Any], Variant]:
    if path is None:
        return params_from_data({}), Variant()
    raw = read_structured(path)
    return params_from_data(raw, str(path)), variant_from_data(raw)


def params_json(params: Mapping[str, Any], variant: Variant | None = None) -> dict[str, Any]:
    """Parameters as data that reads back to the same; default non-problem sections are left out."""
    data = {
        section: to_jsonable(value)
        for section, value in params.items()
        if not (section in OTHER_SECTIONS and value.is_default) and section != selection.SKIP_FIELD
    }
    if skip := params.get(selection.SKIP_FIELD):
        data[selection.SKIP_FIELD] = [p.section for p in PROBLEMS if p.section in skip]
    if variant is not None and variant.to_json() is not None:
        data[VARIANT_SECTION] = variant.to_json()
    return data


def solve_all(params: Mapping[str, Any], context: BuildContext | None = None) -> list[Solved]:
    """Solve every problem but those skipped (by ``context`` or a recorded ``skip``); a section
    missing from ``params`` takes the homework's values."""
    context = context or BuildContext()
    solved = []
    for problem in selection.included(PROBLEMS, context.skip | params.get(selection.SKIP_FIELD, frozenset())):
        section = params.get(problem.section) or problem.params_type()
        solved.append(Solved(problem, section, problem.solve(section, context)))
    return solved


def run_checks(solved: list[Solved], *, oracle: bool = False) -> tuple[list[Check], list[str]]:
    """NumPy checks of every problem, plus torch's when ``oracle``; returns checks and notes."""
    checks: list[Check] = []
    notes: list[str] = []
    for item in solved:
        checks += item.problem.crosscheck(item.solution)
    if oracle:
        for item in solved:
            if item.problem.oracle_check is None:
                continue
            try:
                checks += item.problem.oracle_check(item.solution)
            except OracleUnavailable as exc:
                notes.append(str(exc))
                break
    return checks, notes


def checked(solved: list[Solved]) -> list[Check]:
    """Every NumPy cross-check of ``solved``; raises :class:`CrossCheckFailed` when any disagrees,
    so nothing built from a disagreeing answer (a sheet, a key to grade against) is ever used."""
    checks, _ = run_checks(solved)
    failures = [c for c in checks if not c.agrees]
    if failures:
        raise CrossCheckFailed(failures)
    return checks


def answer_key(
    solved: list[Solved], variant: Variant | None = None, grading: GradingParams | None = None
) -> dict[str, Any]:
    """The key: generator, parameters and every part, each with its ``points``."""
    key: dict[str, Any] = {"generator": dict(GENERATOR)}
    if variant is not None and variant.to_json() is not None:
        key["variant"] = variant.to_json()
    if skip := skipped_sections(solved):
        key[selection.SKIP_FIELD] = skip
    key["params"] = {item.problem.section: to_jsonable(item.params) for item in solved}
    parts: dict[str, Any] = {}
    for item in solved:
        for part_id, part in item.problem.parts(item.solution).items():
            parts[part_id] = part.to_json()
    code_parts: dict[str, Any] = {
        item.problem.code_submission.part: {} for item in solved if item.problem.code_submission
    }
    points = points_for({**parts, **code_parts}, grading)  # a code submission's points are set like a part's
    for part_id in parts:
        parts[part_id]["points"] = points[part_id]
    key["parts"] = parts
    if (code := code_submission(solved, points)) is not None:
        key["code_submission"] = code
    return key


def code_submission(solved: list[Solved], points: Mapping[str, Any]) -> dict[str, Any] | None:
    """answers.json's ``code_submission``: what a handed-in file (Problem 4's log) is graded
    against, with its part id, title and points; None when no problem has one to grade (no data)."""
    for item in solved:
        declared = item.problem.code_submission
        if declared is not None and (section := declared.key(item.solution)) is not None:
            return {"part": declared.part, "title": declared.title, "points": points[declared.part], **section}
    return None


def skipped_sections(solved: list[Solved]) -> list[str]:
    """The problems ``solved`` leaves out, in sheet order."""
    return selection.skipped(PROBLEMS, (item.problem.section for item in solved))


def recorded_params(
    solved: list[Solved], grading: GradingParams | None = None, document: DocumentParams | None = None
) -> dict[str, Any]:
    """What a build's params.json records: each solved problem's parameters, the non-problem sections
    given and the problems left out, so that ``--params params.json`` rebuilds the same sheets and key."""
    recorded: dict[str, Any] = {s.problem.section: s.params for s in solved}
    if document is not None:
        recorded["document"] = document
    if grading is not None:
        recorded["grading"] = grading
    if skip := skipped_sections(solved):
        recorded[selection.SKIP_FIELD] = frozenset(skip)
    return recorded


def _sections(solved: list[Solved]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for item in solved:
        view = item.problem.view(item.solution) if item.problem.view else {}
        sections.append(
            {
                "problem": item.problem,
                "params": item.params,
                "solution": item.solution,
                "view": view,
                "starts_number": not sections or sections[-1]["problem"].number != item.problem.number,
            }
        )
    return sections


def render_sheet(
    kind: str,
    solved: list[Solved],
    variant: Variant,
    sections: list[dict[str, Any]] | None = None,
    document: DocumentParams | None = None,
) -> str:
    """``kind`` is "solutions" or "problems"; ``sections`` lets both sheets share one set of views."""
    from ..render.env import render  # Jinja2 only where sheets are rendered: grading never needs it

    sections = _sections(solved) if sections is None else sections
    document = document or DocumentParams()
    folders = [p.templates for p in PROBLEMS if p.templates is not None]
    return render(f"{kind}.tex.j2", folders, sections=sections, variant=variant, generator=GENERATOR, document=document)


def html_edition(tex: str, files: Mapping[str, str | bytes]) -> str:
    """The HTML edition of a sheet, converted from its .tex; a figure it includes is one of ``files``."""

    def figure_data(path: str) -> tuple[Any, bytes | None]:
        content = files.get(path)
        return shown(content) if isinstance(content, bytes) else (None, None)

    return tex_to_html(tex, figure_data)


def prepare(
    solved: list[Solved],
    variant: Variant | None = None,
    grading: GradingParams | None = None,
    context: BuildContext | None = None,
    *,
    document: DocumentParams | None = None,
    notebooks: bool = True,
) -> Sheets:
    """Check every answer, then render both sheets, the key, the parameters, the staff report and
    (with ``notebooks``) the two notebooks in memory; the solution notebook is executed (cached in
    ``context``'s folder, reading its data folders) and its test cells are checked against the key.

    Raises :class:`CrossCheckFailed` (and writes nothing) when a check disagrees, among them the
    notebook's test cells, and :class:`NotebookFailed` when a cell of the solution raises.
    """
    from ..notebooks.solution import notebook_files, where_printed  # nbformat only where notebooks are made

    variant = variant or Variant()
    context = context or BuildContext()
    checks = checked(solved)
    key = answer_key(solved, variant, grading)
    files: dict[str, str | bytes] = {}
    for item in solved:
        if item.problem.assets:
            files.update(item.problem.assets(item.solution))
    contributions = notebook_contributions(solved, context) if notebooks else []
    written, notebook_checks = notebook_files(contributions, key["parts"], Cache(context.cache_dir))
    failures = [c for c in notebook_checks if not c.agrees]
    if failures:
        raise CrossCheckFailed(failures)
    files.update(written)
    checks += notebook_checks
    documents = ("problems", "solutions")
    sections = _sections(solved)
    for kind in documents:
        files[f"{kind}.tex"] = render_sheet(kind, solved, variant, sections, document)
    for kind in documents:
        try:
            files[f"{kind}.html"] = html_edition(str(files[f"{kind}.tex"]), files)
        except HtmlConversionError as exc:
            raise HtmlConversionError(
                f"the HTML edition of {kind}.tex cannot be made: {exc}; nothing was written"
            ) from None
    files["answers.json"] = dump_json(key)
    files[RUBRIC_FILE] = rubric_markdown(key["parts"], variant_label(variant))
    files[TEMPLATE_FILE] = template_text(key["parts"], variant_label(variant), where_printed(contributions))
    files["params.json"] = dump_json(params_json(recorded_params(solved, grading, document), variant))
    files[REPORT_FILE] = report_text(solved, checks, variant, skipped_sections(solved))
    return Sheets(files, documents, checks)


def notebook_contributions(solved: list[Solved], context: BuildContext) -> list[Any]:
    """Each problem's notebook cells (solver.notebooks.solution.Contribution), with the data folders it
    declares that were given: only those are where its cells run."""
    from ..notebooks.solution import Contribution  # nbformat only where notebooks are made

    contributions = []
    for item in solved:
        if item.problem.notebook:
            given = {folder.key: context.data_folder(folder.key) for folder in item.problem.data_folders}
            folders = {key: path for key, path in given.items() if path is not None}
            contributions.append(Contribution(tuple(item.problem.notebook(item.solution)), folders))
    return contributions


def stage(sheets: Sheets, out_dir: str | Path) -> StagedOutput:
    """Write ``sheets`` into a staging folder inside ``out_dir`` (nothing visible yet)."""
    staged = StagedOutput(out_dir)
    try:
        for name, content in sheets.files.items():
            if isinstance(content, bytes):
                staged.write_bytes(name, content)
            else:
                staged.write_text(name, content)
    except BaseException:
        staged.discard()
        raise
    return staged


def compile_staged(staged: StagedOutput, sheets: Sheets, cache_dir: str | Path | None = None) -> None:
    """Make the PDFs inside the staging folder and register them for the commit (``cache_dir``: the TeX format's)."""
    for kind in sheets.documents:
        try:
            latex_runner.compile_pdf(staged.staging / f"{kind}.tex", cache_dir=cache_dir)
        except OutputError as exc:  # named by the staging folder, which the user never sees
            raise OutputError(str(exc).replace(str(staged.staging), str(staged.destination), 1)) from None
        staged.path(f"{kind}.pdf")


def write(sheets: Sheets, out_dir: str | Path, *, pdf: bool = True, cache_dir: str | Path | None = None) -> Built:
    """Stage, compile and move into place: all files or none."""
    with stage(sheets, out_dir) as staged:
        if pdf:
            compile_staged(staged, sheets, cache_dir)
        written = staged.commit()
    return Built(written, sheets.checks)


def build(
    params: Mapping[str, Any],
    out_dir: str | Path,
    *,
    pdf: bool = True,
    context: BuildContext | None = None,
    variant: Variant | None = None,
) -> Built:
    """Solve, check and write the sheets and key into ``out_dir``, all or nothing."""
    grading = params.get("grading")
    cache_dir = context.cache_dir if context else None
    sheets = prepare(solve_all(params, context), variant, grading, context, document=params.get("document"))
    return write(sheets, out_dir, pdf=pdf, cache_dir=cache_dir)
