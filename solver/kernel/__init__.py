"""The kernel: errors, exact numbers, parameters, checks and the Problem contract.

Everything else in hw6 builds on these; they import nothing of hw6 but the grading engine's
table of answer kinds.
"""
