"""``hw6 notebooks``: execute the solution notebooks that ``hw6 build`` / ``hw6 batch`` wrote."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from ..core.errors import InputFileError, OracleUnavailable
from ..io.cache import Cache
from . import options

NAME = "notebooks"
HELP = "run notebook-solution.ipynb in built folders and store its outputs (needs nbclient, ipykernel)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folders", nargs="+", metavar="DIR", help="build or batch output folders (searched below)")
    parser.add_argument("--names-dir", metavar="DIR", required=True, help="folder of surname files for Problem 4")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache of executed notebooks (default: output/.cache)")


def run(args: argparse.Namespace) -> int:
    from ..notebooks.build import SOLUTION
    from ..notebooks.execute import execute_file

    for module in ("nbclient", "ipykernel"):
        if importlib.util.find_spec(module) is None:
            raise OracleUnavailable(f"executing notebooks needs {module} (pip install 'hw6[notebooks]')")
    names_dir = Path(args.names_dir)
    if not names_dir.is_dir():
        raise InputFileError(f"{names_dir}: no such folder; expected the surnames folder (--names-dir)")
    found = []
    for folder in map(Path, args.folders):
        if not folder.is_dir():
            raise InputFileError(f"{folder}: not a folder")
        found += sorted(folder.rglob(SOLUTION))
    if not found:
        raise InputFileError(f"{', '.join(args.folders)}: no {SOLUTION} below (build the sheets first)")
    cache = Cache(Path(args.cache_dir or options.DEFAULT_OUT / ".cache"))
    for path in found:
        hit = execute_file(path, cache, names_dir)
        print(f"{path}{' (cached)' if hit else ''}")
    return 0
