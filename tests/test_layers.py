"""hw6's layers hold: no import circle, no import from a lower layer to a higher one.

Every module's imports are read with ``ast`` (also those inside functions and under
``TYPE_CHECKING``: a circle that only type checking closes is still a circle a reader has to hold
in their head), so the test needs nothing installed and imports nothing of hw6.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The layers from the bottom up. A module may import its own package (the longest name listed
#: below that contains it) and any layer below its own; packages on one layer do not import each
#: other. ``solver`` itself is the package's face (its version).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("solver.engine",),  # grades one answer; ships alone to the platforms
    ("solver", "solver.kernel"),  # errors, exact numbers, parameters, checks, the Problem contract
    ("solver.io",),  # readers and writers
    ("solver.render", "solver.notebooks", "solver.nn", "solver.analysis"),
    ("solver.problems",),
    ("solver.build",),  # parameters -> solved, checked variant -> files
    ("solver.variants",),  # drawing, batches, stress, clusters
    ("solver.grading",),  # hw6 check around the engine
    ("solver.options",),  # the command line's shared options, for the commands and the exports
    ("solver.export",),  # packages for the platforms
    ("solver.commands",),  # one module per subcommand
    ("solver.cli",),  # hw6: one command, user errors as one line
    ("solver.__main__",),
)
#: What the engine may import besides itself: it ships to platforms that have nothing else
#: (mpmath comes with sympy, which requires it).
ENGINE_DEPENDENCIES = {"numpy", "sympy", "mpmath"}


def modules() -> dict[str, tuple[Path, bool]]:
    """dotted name -> (file, is a package) for every module of solver/."""
    found = {}
    for path in sorted((ROOT / "solver").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports(name: str, path: Path, is_package: bool, known: dict) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the module, resolved to absolute names."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append((full if full in known else base, node.lineno))
    return found


def unit_of(module: str) -> tuple[str, int] | None:
    """The package a module belongs to for the layering, and its layer (None: outside hw6)."""
    best = None
    for layer, units in enumerate(LAYERS):
        for unit in units:
            if (module == unit or module.startswith(unit + ".")) and (best is None or len(unit) > len(best[0])):
                best = (unit, layer)
    return best


def graph() -> dict[str, dict[str, int]]:
    """module -> {imported hw6 module: line}."""
    known = modules()
    edges: dict[str, dict[str, int]] = {}
    for name, (path, is_package) in known.items():
        edges[name] = {}
        for target, line in imports(name, path, is_package, known):
            if target == "solver" or target.startswith("solver."):
                while target not in known and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target != name:
                    edges[name].setdefault(target, line)
    return edges


def circles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def upward_imports(edges: dict[str, dict[str, int]]) -> list[str]:
    wrong = []
    for module, targets in sorted(edges.items()):
        source = unit_of(module)
        assert source is not None, f"{module} is on no layer: add its package to LAYERS"
        for target, line in sorted(targets.items()):
            destination = unit_of(target)
            assert destination is not None, target
            if destination[0] == source[0] or destination[1] < source[1]:
                continue
            where = "a higher layer" if destination[1] > source[1] else "a package on its own layer"
            wrong.append(f"{module} (line {line}) imports {target}, {where}")
    return wrong


def test_every_package_is_on_a_layer():
    packages = {name for name, (_, is_package) in modules().items() if is_package and name.count(".") == 1}
    listed = {unit for units in LAYERS for unit in units}
    assert packages - listed == set()


def test_no_import_circles():
    assert circles(graph()) == []


def test_no_module_imports_a_higher_layer():
    assert upward_imports(graph()) == []


def test_the_checks_catch_a_circle_and_an_upward_import():
    edges = {"solver.kernel.a": {"solver.build.b": 1}, "solver.build.b": {"solver.kernel.a": 2}}
    assert circles(edges) == [["solver.build.b", "solver.kernel.a"]]
    assert upward_imports(edges) == ["solver.kernel.a (line 1) imports solver.build.b, a higher layer"]
    peers = {"solver.nn.x": {"solver.render.y": 3}, "solver.render.y": {}}
    assert upward_imports(peers) == ["solver.nn.x (line 3) imports solver.render.y, a package on its own layer"]


def test_the_engine_imports_only_the_standard_library_numpy_sympy_and_itself():
    known = modules()
    outside = []
    for name, (path, is_package) in known.items():
        if not name.startswith("solver.engine"):
            continue
        for target, line in imports(name, path, is_package, known):
            top = target.split(".")[0]
            if target.startswith("solver.engine") or top in ENGINE_DEPENDENCIES or top in sys.stdlib_module_names:
                continue
            outside.append(f"{name} (line {line}) imports {target}")
    assert outside == []


def test_prairielearn_ships_exactly_the_engine_folder():
    from solver.export.prairielearn import grading_files

    engine = sorted(p.name for p in (ROOT / "solver" / "engine").glob("*.py"))
    assert sorted(name for name, _ in grading_files()) == engine
    for name, content in grading_files():
        assert content == (ROOT / "solver" / "engine" / name).read_bytes()
