"""Exports of variants and their grading to the platforms courses run (``hw6 export FORMAT``).

Each format is a module defining ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> exit code``, like :mod:`solver.commands`; :data:`FORMATS` lists them. An export
writes only files a platform imports, is deterministic (same inputs, same bytes) and never puts
an answer where the platform shows it to students.
"""

from __future__ import annotations

from types import ModuleType

from . import gradescope, moodle, prairielearn, qti

FORMATS: tuple[ModuleType, ...] = (gradescope, prairielearn, moodle, qti)
