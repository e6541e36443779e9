"""The campaigns modules import each other as a DAG: no cycle, not even one hidden in a function-level import."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import breachdesk.campaigns

PACKAGE = "breachdesk.campaigns"
ROOT = Path(breachdesk.campaigns.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, known: set[str]) -> set[str]:
    """Return the package's modules that ``tree`` imports anywhere (functions included, ``TYPE_CHECKING`` not)."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return {name for name in found if name in known and name != PACKAGE}


def import_graph() -> dict[str, set[str]]:
    files = [p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    known = {_module_name(p) for p in files}
    return {_module_name(p): _imports(ast.parse(p.read_text()), known) - {_module_name(p)} for p in files}


def test_the_campaigns_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph()
    assert graph[f"{PACKAGE}.services"] >= {f"{PACKAGE}.tasks", f"{PACKAGE}.lifecycle"}
    assert f"{PACKAGE}.services" not in graph[f"{PACKAGE}.worker"]
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
    assert order.index(f"{PACKAGE}.lifecycle") < order.index(f"{PACKAGE}.worker") < order.index(f"{PACKAGE}.tasks")
