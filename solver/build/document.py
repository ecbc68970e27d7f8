"""The ``document`` section of a parameters file: what page 1 of both sheets says about the course.

Each field is one line of plain text (printed literally: LaTeX's special characters are escaped);
the defaults are the homework's own. It changes no problem's numbers, so a variant's drawn
parameters (and their pins) do not depend on it; a params.json records it only when it differs
from the defaults.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ..kernel.errors import ParamsError
from ..kernel.params import ParamsBase, param

MAX_LENGTH = 120


def _line(*, allow_empty: bool = False):
    """A ``convert=`` for one line of text of at most MAX_LENGTH characters."""

    def convert(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise ParamsError(path, f"one line of text (at most {MAX_LENGTH} characters)", value, has_got=True)
        text = value.strip()
        if not text and not allow_empty:
            raise ParamsError(path, "a non-empty line of text", value, has_got=True)
        if len(text) > MAX_LENGTH:
            raise ParamsError(path, f"at most {MAX_LENGTH} characters", f"{len(text)} characters", has_got=True)
        if any(unicodedata.category(char).startswith("C") for char in text):
            raise ParamsError(path, "one line of text without line breaks or control characters", value, has_got=True)
        return text

    return convert


@dataclass(frozen=True)
class DocumentParams(ParamsBase):
    course: str = param("EECS 182", "course code, top left of page 1", convert=_line())
    course_name: str = param("Deep Neural Networks", "course name, after the code", convert=_line(allow_empty=True))
    term: str = param("Spring 2023", "term, top right of page 1", convert=_line())
    author: str = param("Anant Sahai", "author line, under the term", convert=_line(allow_empty=True))
    title: str = param("Homework 6", "the sheets' title", convert=_line())
    due: str = param("Friday, March 10, 2023, 10:59 PM", "due date and time, under the title", convert=_line())

    @property
    def is_default(self) -> bool:
        return self == DocumentParams()
