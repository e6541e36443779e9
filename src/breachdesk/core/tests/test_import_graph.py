"""The apps keep their layers and have no import cycles (docs/architecture.md, "Layers and the seam").

The graph is read from the source with ``ast``, without importing anything: every ``import`` and ``from … import``
of ``src/breachdesk``, at module level and inside functions (an import inside a function that only hides a cycle is
still that cycle). What is counted, and why:

- Sources are the app's own modules. ``tests/`` and ``migrations/`` are left out: tests may reach across every layer
  to set up a world, and migrations are frozen history. ``breachdesk.testing`` (factories, fixtures, the crash and
  scale-out harness) is test support: it may import anything, and no module of the app may import it.
- Management commands are entry points, like ``urls.py``: nothing imports them, so they can be in no import cycle,
  and a command of core may open an incident by its code. They count for the layers of the domain apps (a command
  of a domain app never imports web or api) but not for core's own rule nor for the cycles between apps.
- Imports under ``if TYPE_CHECKING:`` never run, so they make no cycle, but they count for the layers: a domain app
  has no business naming a type of the web layer either.
- A ``from package import name`` edge goes to ``package.name`` when that is a module, else to ``package``.

Layers: core → incidents → the domain apps → web and api (the project's ``urls``/``settings`` sit above all).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import breachdesk

PACKAGE = "breachdesk"
ROOT = Path(breachdesk.__file__).resolve().parent
TEST_SUPPORT = "testing"
TOP = {"web", "api"}
LAYER = {"core": 0, "incidents": 1}  # every other app is a domain app (2); web and api are 3; project modules 4

# Core imports of other apps that were there before this check. Each is (core module, app it imports). The test
# fails on any new one, and on an entry here that no longer holds (remove it then).
KNOWN_CORE_IMPORTS = {
    # The timeline, the access log and the audit task lock or load the ``Incident`` row (inside functions);
    # core.services names it in annotations only.
    ("breachdesk.core.access_log", "incidents"),
    ("breachdesk.core.services", "incidents"),
    ("breachdesk.core.tasks", "incidents"),
    ("breachdesk.core.timeline", "incidents"),
}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    type_only: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if "tests" in rel or "migrations" in rel:
            continue
        found[_module_name(path)] = path
    return found


def _type_only_nodes(tree: ast.AST) -> set[int]:
    nodes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                nodes.update(id(n) for n in ast.walk(child))
    return nodes


@cache
def edges() -> tuple[Edge, ...]:
    """Return every import edge between modules of the package."""
    modules = _modules()
    found: set[Edge] = set()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        type_only = _type_only_nodes(tree)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                for alias in node.names:
                    full = f"{origin}.{alias.name}"
                    targets.append(full if full in modules else origin)
            for target in targets:
                if target == PACKAGE or target.startswith(PACKAGE + "."):
                    found.add(Edge(name, target, id(node) in type_only))
    return tuple(sorted(found, key=lambda e: (e.source, e.target)))


def app_of(module: str) -> str:
    """Return the app of ``breachdesk.<app>.…``, or ``(project)`` for the top-level modules."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (ROOT / parts[1]).is_dir()):
        return parts[1]
    return "(project)"


def layer_of(app: str) -> int:
    if app == "(project)":
        return 4
    if app in TOP:
        return 3
    return LAYER.get(app, 2)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _explain(component: Iterable[str], graph_edges: Iterable[Edge], key: str) -> str:
    members = set(component)
    lines = [
        f"  {e.source} -> {e.target}"
        for e in graph_edges
        if (app_of(e.source) if key == "app" else e.source) in members
        and (app_of(e.target) if key == "app" else e.target) in members
        and (key != "app" or app_of(e.source) != app_of(e.target))
    ]
    return "\n".join(lines[:20])


def _is_command(module: str) -> bool:
    return ".management.commands." in module


def _runtime_edges() -> list[Edge]:
    """Return the edges that run: type-only imports make no cycle."""
    return [e for e in edges() if not e.type_only]


def test_the_graph_sees_the_imports_it_should() -> None:
    """Guard the reader itself: a module-level, a function-level and a type-only import are all found."""
    by_source = defaultdict(set)
    for e in edges():
        by_source[e.source].add((e.target, e.type_only))
    assert ("breachdesk.core.extensions", False) in by_source["breachdesk.web.panels"]  # module level
    assert ("breachdesk.registry.selectors", False) in by_source["breachdesk.registry.contributions"]  # in a function
    assert ("breachdesk.incidents.models", True) in by_source["breachdesk.registry.contributions"]  # TYPE_CHECKING
    assert app_of("breachdesk.urls") == "(project)"
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_layer_imports_a_layer_above_it() -> None:
    """A domain app never imports web or api, incidents imports only core; core is checked on its own below."""
    wrong = [
        f"{e.source} -> {e.target}"
        for e in edges()
        if app_of(e.source) not in {"core", TEST_SUPPORT}
        and app_of(e.target) != TEST_SUPPORT
        and layer_of(app_of(e.target)) > layer_of(app_of(e.source))
    ]
    assert not wrong, "Imports of a higher layer:\n" + "\n".join(wrong)


def test_no_app_module_imports_the_test_support() -> None:
    wrong = [
        f"{e.source} -> {e.target}"
        for e in edges()
        if app_of(e.target) == TEST_SUPPORT and app_of(e.source) != TEST_SUPPORT
    ]
    assert not wrong, "The app imports its test support:\n" + "\n".join(wrong)


def test_core_imports_no_other_app_beyond_the_known_ones() -> None:
    found = {
        (e.source, app_of(e.target))
        for e in edges()
        if app_of(e.source) == "core" and app_of(e.target) not in {"core", "(project)"} and not _is_command(e.source)
    }
    new = sorted(found - KNOWN_CORE_IMPORTS)
    gone = sorted(KNOWN_CORE_IMPORTS - found)
    assert not new, f"core imports another app (core sits below every app): {new}"
    assert not gone, f"These core imports are gone: remove them from KNOWN_CORE_IMPORTS: {gone}"


def test_there_is_no_cycle_between_apps() -> None:
    """Cycles through the known core imports are left to the test above, and the known edges below are taken out;
    any other cycle fails."""
    runtime = [
        e
        for e in _runtime_edges()
        if (e.source, app_of(e.target)) not in KNOWN_CORE_IMPORTS and not _is_command(e.source)
    ]
    graph: dict[str, set[str]] = defaultdict(set)
    for e in runtime:
        source, target = app_of(e.source), app_of(e.target)
        if source != target and TEST_SUPPORT not in (source, target):
            graph[source].add(target)
    found = cycles(graph)
    assert not found, "\n".join(f"Cycle between apps {' ↔ '.join(c)}:\n{_explain(c, runtime, 'app')}" for c in found)


def test_there_is_no_cycle_between_modules_of_one_app() -> None:
    runtime = _runtime_edges()
    graph: dict[str, set[str]] = defaultdict(set)
    for e in runtime:
        if app_of(e.source) == app_of(e.target) and e.source != e.target:
            graph[e.source].add(e.target)
    found = cycles(graph)
    assert not found, "\n".join(f"Cycle {' ↔ '.join(c)}:\n{_explain(c, runtime, 'module')}" for c in found)
