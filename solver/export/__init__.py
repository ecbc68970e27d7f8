"""Exports of variants and their grading to the platforms courses run (``hw6 export FORMAT``).

Each format is a module defining ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> exit code``, like :mod:`solver.commands`; :data:`solver.commands.export.FORMATS`
lists them. An export writes only files a platform imports, is deterministic (same inputs, same
bytes) and never puts an answer where the platform shows it to students.

This package imports none of them: the Gradescope autograder (:mod:`solver.export.autograder`)
runs inside it on a machine with only the grading dependencies, where the exporters' imports
(the build, the problems, PyTorch's notebooks) are not installed.
"""
