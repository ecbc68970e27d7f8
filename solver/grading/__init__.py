"""Grading students' answers against the answer key (``hw6 check``).

parser.py       untrusted text -> syntax tree; every limit checked before any algebra
algebra.py      syntax tree -> exact rational function (or values at random points)
complexity.py   big-O classes
equivalence.py  one grader per part kind: verdict, partial credit, feedback
feedback.py     modelled mistakes and the wording of verdicts
submissions.py  answer files, folders and class CSVs
runner.py       worker processes with a per-answer time limit
report.py       tables and JSON;  gradescope.py  Gradescope's results.json
points.py       points per part from the parameters file
synthetic.py    answers in many forms, for tests and benchmarks
"""
