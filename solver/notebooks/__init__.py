"""The homework's notebooks: a starter for students and a solution for staff, per variant.

    cells      Cell, and the cells made from real functions (TODO bodies for the starter), or from a
               file's functions read without importing it (Problem 3's PyTorch code)
    classifier Problem 4's notebook code (standalone NumPy)
    build      a notebook (nbformat, deterministic) from cells in notebook order
    execute    running cells in a fresh kernel (nbclient): outputs without timestamps and the files
               the cells write, cached
    solution   both files as a build writes them: the solution executed and checked against the key

Problems contribute cells through ``Problem.notebook``; the pipeline asks
:func:`solution.notebook_files` for the two files and the checks of the
solution's test cells, and never looks inside them.
"""
