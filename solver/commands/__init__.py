"""The subcommands of ``hw6``, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> exit code``;
:data:`COMMANDS` lists them in the order ``hw6 --help`` shows them. Adding a command means one
module and one line here.
"""

from __future__ import annotations

from . import batch, build, check, export, key, report, stress, validate, verify

COMMANDS = (build, batch, stress, key, verify, check, validate, report, export)
