"""Walk the source and check that every ``BREACHDESK_*`` setting is parsed in settings.py and read directly."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import breachdesk

PACKAGE = Path(breachdesk.__file__).resolve().parent
SETTINGS_FILE = PACKAGE / "settings.py"
OPERATIONS_DOC = PACKAGE.parent.parent / "docs" / "operations.md"
PREFIX = "BREACHDESK_"


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == SETTINGS_FILE or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_settings(node: ast.expr) -> bool:
    """Say whether ``node`` names Django's settings object (``settings`` or ``conf.settings``)."""
    if isinstance(node, ast.Name):
        return node.id == "settings"
    return isinstance(node, ast.Attribute) and node.attr == "settings"


def _defined_settings() -> set[str]:
    """Return the ``BREACHDESK_*`` names settings.py assigns (also inside its ``try`` and ``if`` blocks)."""
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.startswith(PREFIX)}
    return names


def _dynamic_reads(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and len(node.args) >= 2
            and _is_settings(node.args[0])
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and node.args[1].value.startswith(PREFIX)
        ):
            found.append((node.lineno, f"{node.func.id}(settings, {node.args[1].value!r})"))
    return found


def _attribute_names(tree: ast.Module) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith(PREFIX) and _is_settings(node.value)
    ]


def test_no_module_reads_a_breachdesk_setting_with_getattr_and_a_default() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}: {call}"
        for path, tree in _sources()
        for line, call in _dynamic_reads(tree)
    ]
    assert offenders == [], "Parse the setting in settings.py and read settings.X:\n" + "\n".join(offenders)


def test_every_breachdesk_setting_the_code_names_is_defined_in_settings_py() -> None:
    defined = _defined_settings()
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}: settings.{name}"
        for path, tree in _sources()
        for line, name in _attribute_names(tree)
        if name not in defined
    ]
    assert offenders == [], "Not defined in settings.py:\n" + "\n".join(offenders)


def test_every_breachdesk_variable_settings_py_reads_is_documented_in_operations_md() -> None:
    variables = set(re.findall(r'"(BREACHDESK_[A-Z0-9_]+)"', SETTINGS_FILE.read_text(encoding="utf-8")))
    documented = set(re.findall(r"`(BREACHDESK_[A-Z0-9_]+)", OPERATIONS_DOC.read_text(encoding="utf-8")))
    assert variables, "settings.py reads no BREACHDESK_ variable: the pattern above is stale"
    assert sorted(variables - documented) == []


def test_the_walker_finds_a_getattr_read_and_an_undefined_name() -> None:
    tree = ast.parse(
        "from django.conf import settings\n"
        "a = getattr(settings, 'BREACHDESK_SOMETHING', 3)\n"
        "b = settings.BREACHDESK_NOT_THERE\n"
        "c = settings.BREACHDESK_SITE_NAME\n"
    )
    assert _dynamic_reads(tree) == [(2, "getattr(settings, 'BREACHDESK_SOMETHING')")]
    names = {name for _line, name in _attribute_names(tree)}
    assert names - _defined_settings() == {"BREACHDESK_NOT_THERE"}
