"""The grading engine: one answer graded against the answer key's JSON.

The engine grades one answer given the key's JSON and imports only the standard
library, numpy and sympy (so it can be shipped alone to a grading platform):

limits.py       what an answer may cost, and AnswerError
tokens.py       untrusted text -> tokens (hand-written, no eval)
syntax.py       tokens -> frozen dataclass nodes (Num, Name, Neg, Sum, Prod, Pow, Call)
budget.py       the cost of a tree, bounded before any algebra
algebra.py      syntax tree -> exact rational function (or values at random points)
complexity.py   big-O classes
answers.py      a student's value (text, YAML lists) read into the shape a kind expects
verdicts.py     Verdict: status, credit, feedback
feedback.py     modelled mistakes and the wording of verdicts
graders.py      grader base, expr and complexity;  lists.py  expr_list, vector, matrix
sequences.py    beam hypotheses;  numbers.py  measured numbers
kinds.py        the one table of answer kinds: a row per kind (grader, CSV cell, platform forms)
keyspec.py      the answer key's part as a typed structure (PartSpec)
runner.py       worker processes with a per-answer time limit
pool.py         the worker pool the platforms' runtimes share
family.py, grid.py, printed.py   answer families, vectors and printed outputs
answer_format.py  the answers template and the format check (``hw6 validate``, the autograder)
code_log.py       Problem 4's submission_log.json against the key's test set (standard library only)

It is the folder the exports copy whole (PrairieLearn's ``hw6grading``); what runs around
it for the CLI (submissions, reports, Gradescope's results) is :mod:`solver.grading`.
"""
