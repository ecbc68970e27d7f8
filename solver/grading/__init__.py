"""Class-side grading (``hw6 check``, ``hw6 validate``): what runs around the grading engine.

check.py (grade a class: keys, submissions, results), keycache.py (checked keys, kept between
runs), submissions.py (answer files, folders and class CSVs), report.py (tables and JSON),
gradescope.py (Gradescope's results.json). The engine that grades one answer, and reads an
answers file's format, is :mod:`solver.engine`.
"""
