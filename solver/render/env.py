"""The Jinja2 environment for LaTeX templates.

Delimiters are chosen so templates stay valid-looking LaTeX: ``\\VAR{x}``
prints, ``\\BLOCK{for ...}`` controls, ``\\#{...}`` comments. Every printed
value goes through :func:`solver.render.tex.finalize` (escaping by default).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from . import tex

#: The language the sheets are written in (BCP 47): the PDF's /Lang and, read from the .tex, the HTML edition's lang.
LANGUAGE = "en"


def templates_dir() -> Path:
    """Templates inside an installed wheel, else the checkout's top-level folder."""
    packaged = Path(str(resources.files("solver"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
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
    env.globals["Tex"] = tex.Tex
    env.globals["language"] = LANGUAGE
    return env


def render(template: str, **variables) -> str:
    return environment().get_template(template).render(**variables)
