"""The Jinja2 environment for LaTeX templates.

Delimiters are chosen so templates stay valid-looking LaTeX: ``\\VAR{x}``
prints, ``\\BLOCK{for ...}`` controls, ``\\#{...}`` comments. Every printed
value goes through :func:`solver.render.tex.finalize` (escaping by default).

Two places hold templates: the spine's (preamble and the two sheets) in the
top-level ``templates/`` folder, and each problem's in its own folder
(``Problem.templates``), named ``problems/<file>`` wherever a template
includes them. The caller passes the problems' folders, so rendering never
imports a problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from ..kernel.errors import ProblemTemplatesClash
from . import listings, tex

#: The language the sheets are written in (BCP 47): the PDF's /Lang and, read from the .tex, the HTML edition's lang.
LANGUAGE = "en"


PROBLEM_PREFIX = "problems"  # templates name a problem's files problems/<file>


def templates_dir() -> Path:
    """The spine's templates inside an installed wheel, else the checkout's top-level folder."""
    packaged = Path(str(resources.files("solver"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def problem_loader(folders: tuple[Path, ...]) -> jinja2.BaseLoader:
    """``problems/<file>`` found in the one folder of ``folders`` that holds ``<file>``.

    A file name in two folders would make one problem's template silently replace another's, so
    it is refused."""
    owners: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.j2")):
            if path.name in owners and owners[path.name] != folder:
                raise ProblemTemplatesClash(
                    f"two problems have a template {path.name}: {owners[path.name]} and {folder}"
                )
            owners[path.name] = folder
    return jinja2.FileSystemLoader([str(folder) for folder in dict.fromkeys(folders)])


@lru_cache(maxsize=4)
def environment(problem_folders: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The environment for the spine's templates and the templates in ``problem_folders``."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(templates_dir())),
            jinja2.PrefixLoader({PROBLEM_PREFIX: problem_loader(problem_folders)}, delimiter="/"),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=tex.finalize,
    )
    env.filters["tex"] = tex.latex
    env.filters["escape"] = tex.escape
    env.filters["texjoin"] = tex.tex_join
    env.filters["number"] = tex.number
    env.filters["url"] = tex.url
    env.filters["keep_together"] = listings.keep_together
    env.globals["Tex"] = tex.Tex
    env.globals["language"] = LANGUAGE
    return env


def render(template: str, problem_folders: Iterable[Path] = (), **variables) -> str:
    """``template`` rendered with ``variables``; ``problem_folders``: where ``problems/<file>`` are found."""
    return environment(tuple(problem_folders)).get_template(template).render(**variables)
