"""Parameters -> exact solutions -> cross-checks -> answer key and sheets.

This is the only place that strings the problems together; it iterates over
:data:`solver.problems.PROBLEMS` and never looks inside one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .checks import Check
from .errors import CrossCheckFailed, OracleUnavailable, ParamsError
from .files import StagedOutput, dump_json, read_structured
from .grading.points import GradingParams, points_for
from .params import from_mapping, to_jsonable
from .problems import PROBLEMS, BuildContext, Problem, by_section
from .render import latex as latex_runner
from .render.env import render

GENERATOR = {"name": "hw6", "version": __version__}


@dataclass(frozen=True)
class Solved:
    problem: Problem
    params: Any
    solution: Any


@dataclass(frozen=True)
class Variant:
    """Identifies a sheet: the homework's own values (seed None) or a seeded variant."""

    seed: int | None = None
    label: str = "homework"

    @property
    def id(self) -> str:
        return f"hw6 {__version__} · " + (f"seed {self.seed}" if self.seed is not None else "homework values")


@dataclass(frozen=True)
class Built:
    written: list[Path]
    checks: list[Check] = field(default_factory=list)


#: Sections of a parameters file that belong to no problem.
OTHER_SECTIONS: dict[str, type] = {"grading": GradingParams}


def params_from_data(raw: Any, source: str = "parameters") -> dict[str, Any]:
    """Every problem's parameters from a parsed file, plus the ``grading`` section;
    missing sections take defaults."""
    if raw is None:
        raw = {}
    sections = by_section()
    known = [*sections, *OTHER_SECTIONS]
    if not isinstance(raw, Mapping):
        raise ParamsError(source, "a mapping whose keys are sections (" + ", ".join(known) + ")", raw, has_got=True)
    for key in raw:
        if key not in known:
            raise ParamsError(str(key), "a known section: " + ", ".join(known))
    params = {name: from_mapping(problem.params_type, raw.get(name), name) for name, problem in sections.items()}
    for name, params_type in OTHER_SECTIONS.items():
        params[name] = from_mapping(params_type, raw.get(name), name)
    return params


def read_params(path: str | Path | None) -> dict[str, Any]:
    """Parameters from a YAML/JSON file, or the homework's own values without one."""
    if path is None:
        return params_from_data({})
    return params_from_data(read_structured(path), str(path))


def params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as data that reads back to the same; default non-problem sections are left out."""
    return {
        section: to_jsonable(value)
        for section, value in params.items()
        if not (section in OTHER_SECTIONS and value.is_default)
    }


def solve_all(params: Mapping[str, Any], context: BuildContext | None = None) -> list[Solved]:
    context = context or BuildContext()
    return [Solved(p, params[p.section], p.solve(params[p.section], context)) for p in PROBLEMS]


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


def answer_key(
    solved: list[Solved], variant: Variant | None = None, grading: GradingParams | None = None
) -> dict[str, Any]:
    """The key: generator, parameters and every part, each with its ``points``."""
    key: dict[str, Any] = {"generator": dict(GENERATOR)}
    if variant is not None and variant.seed is not None:
        key["variant"] = {"seed": variant.seed}
    key["params"] = {item.problem.section: to_jsonable(item.params) for item in solved}
    parts: dict[str, Any] = {}
    for item in solved:
        for part_id, part in item.problem.parts(item.solution).items():
            parts[part_id] = part.to_json()
    for part_id, points in points_for(parts, grading).items():
        parts[part_id]["points"] = points
    key["parts"] = parts
    return key


def _sections(solved: list[Solved]) -> list[dict[str, Any]]:
    sections = []
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


def render_sheet(kind: str, solved: list[Solved], variant: Variant) -> str:
    """``kind`` is "solutions" or "problems"."""
    return render(f"{kind}.tex.j2", sections=_sections(solved), variant=variant, generator=GENERATOR)


def build(
    params: Mapping[str, Any],
    out_dir: str | Path,
    *,
    pdf: bool = True,
    context: BuildContext | None = None,
    variant: Variant | None = None,
) -> Built:
    """Solve, check and write the sheets and key into ``out_dir``, all or nothing."""
    variant = variant or Variant()
    solved = solve_all(params, context)
    checks, _ = run_checks(solved)
    failures = [c for c in checks if not c.agrees]
    if failures:
        raise CrossCheckFailed(failures)
    documents = {kind: render_sheet(kind, solved, variant) for kind in ("problems", "solutions")}
    key = answer_key(solved, variant, params.get("grading"))
    with StagedOutput(out_dir) as staged:
        for item in solved:
            if item.problem.assets:
                for name, data in item.problem.assets(item.solution).items():
                    staged.write_bytes(name, data)
        for kind, text in documents.items():
            staged.write_text(f"{kind}.tex", text)
        staged.write_text("answers.json", dump_json(key))
        staged.write_text("params.json", dump_json(params_json(params)))
        if pdf:
            for kind in documents:
                latex_runner.compile_pdf(staged.staging / f"{kind}.tex")
                staged.path(f"{kind}.pdf")
        written = staged.commit()
    return Built(written, checks)
