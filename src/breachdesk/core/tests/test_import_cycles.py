"""Read every app's modules with ``ast`` and check that no two of them import each other, directly or round about.

Imports inside functions count as much as the ones at the top: an import moved into a function hides a cycle from
Python, not from the reader. Imports under ``if TYPE_CHECKING:`` do not count: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # src/breachdesk
# Known cycle with its own issue: campaigns services↔tasks↔worker (#16).
KNOWN = {"campaigns"}
APPS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name not in KNOWN)


def _modules(app: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in (PACKAGE / app).rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _nodes_that_run(tree: ast.AST) -> list[ast.AST]:
    """Return every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Return the modules of ``known`` that ``name`` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _nodes_that_run(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            # ``from package import module`` imports the module; ``from module import name`` imports the module.
            targets.update(submodules or {base})
            if len(submodules) < len(node.names):
                targets.add(base)
    return (targets & known) - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import() -> None:
    graph = {"a.services": {"a.tasks"}, "a.tasks": {"a.services"}, "a.models": set()}
    assert _cycles(graph) == [["a.services", "a.tasks"]]
    assert _cycles({"a.services": {"a.tasks"}, "a.tasks": {"a.models"}, "a.models": set()}) == []


def test_an_import_inside_a_function_counts_and_one_for_type_checking_does_not(tmp_path: Path) -> None:
    services = tmp_path / "services.py"
    services.write_text(
        "if TYPE_CHECKING:\n    from breachdesk.x.views import page\n"
        "def wake():\n    from breachdesk.x.tasks import run\n    from . import models\n"
    )
    known = {"breachdesk.x.tasks", "breachdesk.x.models", "breachdesk.x.services", "breachdesk.x.views"}
    assert _imports("breachdesk.x.services", services, known) == {"breachdesk.x.tasks", "breachdesk.x.models"}


@pytest.mark.parametrize("app", APPS)
def test_no_app_has_an_import_cycle_inside(app: str) -> None:
    modules = _modules(app)
    graph = {name: _imports(name, path, set(modules)) for name, path in modules.items()}
    assert _cycles(graph) == []
