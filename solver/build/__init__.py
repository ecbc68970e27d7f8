"""The build: from parameters to a solved, checked variant and the files written for it.

pipeline.py (solve, check, write), variant.py (what a variant is), selection.py (which problems),
document.py (document options), reference.py (the parameter reference) and staff_report.py.
"""
