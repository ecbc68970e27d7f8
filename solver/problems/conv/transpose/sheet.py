"""How Problem 6 (c)'s sheet shows the solution: each placed copy, their sum, the worked 1-D example."""

from __future__ import annotations

import sympy as sp

from ....render.tex import Tex, bracket_list, matrix
from .. import exact as conv
from .solve import Solution

SHOWN_COPIES = 16  # more input entries than this: the sheet gives the entry formula instead of every copy
SHOWN_WIDTH = {1: 24, 2: 10}  # widest full output whose copies are drawn, by dimension

EXAMPLE_INPUT = sp.symbols("a b c")
EXAMPLE_FILTER = sp.symbols("x y z")
EXAMPLE_STRIDE = 2
DOT = r"\makebox[0.5em]{$\cdot$}"  # 0.5em: a digit's width in Latin Modern


def tableau(x: list, w: list, stride: int) -> dict:
    """1-D copies as rows of a table whose columns are the full output's positions.

    Positions a copy does not cover are left blank, so each copy's place is visible.
    """
    copies = conv.placements([list(x)], [list(w)], (1, stride))
    width = len(copies[0].grid[0])
    rows = []
    for copy in copies:
        left = copy.offset[1]
        cells = [Tex(sp.latex(v)) if left <= c < left + len(w) else Tex("") for c, v in enumerate(copy.grid[0])]
        rows.append({"label": Tex(sp.latex(copy.scale)), "cells": cells})
    total = conv.add_grids([c.grid for c in copies])[0]
    return {
        "spec": Tex("r|" + "c" * width),
        "positions": list(range(1, width + 1)),
        "rows": rows,
        "sum": [Tex(sp.latex(v)) for v in total],
    }


ENTRY_FORMULA = {
    1: r"\tilde y_{r} = \sum_{(i-1)s + k = r} x_{i}\, w_{k},",
    2: r"\tilde Y_{r,c} = \sum_{(i-1)s + k = r,\ (j-1)s + l = c} X_{i,j}\, W_{k,l},",
}


def view(solution: Solution) -> dict:
    p = solution.params
    d = p.dimensions
    full_rows, full_cols = conv.shape(solution.full)
    show_copies = len(solution.placements) <= SHOWN_COPIES and full_cols <= SHOWN_WIDTH[d]
    kernel_rows, kernel_cols = conv.shape(p.filter_grid)

    def grid_tex(grid) -> Tex:
        return matrix(grid) if d == 2 else bracket_list(grid[0])

    def shape_tex(grid) -> Tex:
        return Tex(r" \times ".join(map(str, conv.shape(grid))) if d == 2 else str(len(grid[0])))

    def placed(copy: conv.Placement) -> Tex:
        # Entries the copy does not reach print as a dot, so its position stands out; the dot sits centred
        # in a digit's width, where the ones digit of a right-aligned number would be.
        top, left = copy.offset
        cells = [
            [
                v if top <= r < top + kernel_rows and left <= c < left + kernel_cols else Tex(DOT)
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(copy.grid)
        ]
        # A unit scale reads as W or -W, as a person writes it (not "1 W").
        if copy.scale in (1, -1):
            label = "W" if copy.scale == 1 else "-W"
        elif copy.scale >= 0:
            label = rf"{sp.latex(copy.scale)}\,W"
        else:
            label = rf"\left({sp.latex(copy.scale)}\right)\,W"
        return Tex(rf"\underbrace{{{matrix(cells, small=True)}}}_{{{label}}}")

    copy_lines = []
    if d == 2 and show_copies:
        per_line = 4 if full_cols <= 4 else (3 if full_cols <= 6 else 2)
        copies = [placed(c) for c in solution.placements]
        copy_lines = [copies[i : i + per_line] for i in range(0, len(copies), per_line)]
    example = conv.transpose_conv1d(EXAMPLE_INPUT, EXAMPLE_FILTER, EXAMPLE_STRIDE, 0)
    return {
        "dimensions": d,
        "input_symbol": Tex("X" if d == 2 else "x"),
        "filter_symbol": Tex("W" if d == 2 else "w"),
        "input": grid_tex(p.input_grid),
        "filter": grid_tex(p.filter_grid),
        "input_shape": shape_tex(p.input_grid),
        "filter_shape": shape_tex(p.filter_grid),
        "full_shape": Tex(rf"{full_rows} \times {full_cols}" if d == 2 else str(full_cols)),
        "result_shape": shape_tex(solution.result),
        "show_copies": show_copies,
        "copy_count": len(solution.placements),
        "copy_lines": copy_lines,
        "tableau": tableau(p.input_grid[0], p.filter_grid[0], p.stride) if d == 1 and show_copies else None,
        "entry_formula": Tex(ENTRY_FORMULA[d]),
        "full": grid_tex(solution.full),
        "result": grid_tex(solution.result),
        "example": {
            "input": bracket_list(EXAMPLE_INPUT),
            "filter": bracket_list(EXAMPLE_FILTER),
            "stride": EXAMPLE_STRIDE,
            "tableau": tableau(list(EXAMPLE_INPUT), list(EXAMPLE_FILTER), EXAMPLE_STRIDE),
            "result": bracket_list(example),
        },
    }
