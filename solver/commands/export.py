"""``hw6 export FORMAT``: grading and variants packaged for a course platform (:mod:`solver.export`)."""

from __future__ import annotations

import argparse
from types import ModuleType

from ..export import gradescope, moodle, prairielearn, qti

FORMATS: tuple[ModuleType, ...] = (gradescope, prairielearn, moodle, qti)

NAME = "export"
HELP = "package variants and their grading for a course platform: " + ", ".join(f.NAME for f in FORMATS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    for export_format in FORMATS:
        sub = formats.add_parser(export_format.NAME, help=export_format.HELP)
        export_format.add_arguments(sub)
        sub.set_defaults(handler=export_format.run)


def run(args: argparse.Namespace) -> int:  # each format's parser sets its own handler
    raise AssertionError("hw6 export runs the chosen format's handler")
