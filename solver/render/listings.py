"""Source code on a sheet: regions of hw6's own modules, cut out between marker comments.

A region is the lines between ``# sheet: begin NAME`` and ``# sheet: end NAME`` in a module's
source (the marker lines themselves left out), dedented, so a sheet always shows the code that
computed its values. The text goes into a ``lstlisting`` environment (the ``listings`` package,
no shell escape), where it is typeset verbatim.
"""

from __future__ import annotations

import inspect
import math
import re
import textwrap
from types import ModuleType

from .tex import Tex

_MARKER = re.compile(r"^\s*# sheet: (begin|end) (\w+)\s*$")
_END_OF_LISTING = "\\end{lstlisting}"


def region(module: ModuleType, name: str) -> Tex:
    """The lines of ``module``'s source between the ``begin``/``end`` markers of ``name``, dedented."""
    lines = inspect.getsource(module).splitlines()
    inside, taken, found = False, [], False
    for line in lines:
        marker = _MARKER.match(line)
        if marker and marker.group(2) == name:
            if marker.group(1) == "begin":
                inside, found = True, True
            else:
                inside = False
            continue
        if inside and not (marker and marker.group(2) != name):
            taken.append(line)
    if not found or inside or not taken:
        raise ValueError(f"{module.__name__}: no complete '# sheet: begin/end {name}' region")  # a bug in hw6
    return verbatim(textwrap.dedent("\n".join(taken)).strip("\n"), f"{module.__name__}: region {name}")


def verbatim(text: str, what: str) -> Tex:
    """``text`` (source code) for a ``lstlisting``; ``what`` names it when it cannot be typeset verbatim."""
    if not text.isascii() or _END_OF_LISTING in text:
        raise ValueError(f"{what} cannot be typeset verbatim")  # a bug in hw6
    return Tex(text)


#: Listing lines kept with a listing's start: a short listing stays whole, a long one breaks no sooner than this.
_KEPT_LINES = 12
#: Characters of a ``\footnotesize`` typewriter line in the text block; a longer line wraps (``breaklines``).
_LINE_WIDTH = 95


def keep_together(code: str) -> Tex:
    """A ``\\needspace`` for a listing of ``code``: a short one is kept whole, a long one breaks no sooner than
    its twelfth line, so no page ends on a listing's title or first line. Listing lines are footnotesize (0.8 of
    a baseline); the title and the frame take about 2.5 baselines more."""
    lines = sum(max(1, math.ceil(len(line) / _LINE_WIDTH)) for line in code.splitlines())
    return Tex(f"\\needspace{{{0.8 * min(lines, _KEPT_LINES) + 2.5:.1f}\\baselineskip}}")
