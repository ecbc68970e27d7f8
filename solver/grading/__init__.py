"""Class-side grading (``hw6 check``, ``hw6 validate``): what runs around the grading engine.

check.py (grade a class: keys, submissions, results), keycache.py (checked keys kept between
runs), submissions.py (answer files, folders and class CSVs), answer_format.py (the answer
template and the format check), report.py (tables and JSON), gradescope.py (Gradescope's
results.json). The engine that grades one answer is :mod:`solver.engine`.
"""
