"""The homework's notebooks: a starter for students and a solution for staff, per variant.

    cells      Cell, and the cells made from real functions (TODO bodies for the starter)
    reference  the pieces students write, as standalone NumPy (checked against solver.nn)
    provided   the code the notebooks give ready-made (data, backward passes, Adam, plots)
    build      the two .ipynb files from every problem's cells (nbformat, deterministic)
    execute    running the solution notebook (nbclient), outputs stored without timestamps

Problems contribute cells through ``Problem.notebook``; the pipeline asks
:func:`build.files` for the two files and never looks inside them.
"""
