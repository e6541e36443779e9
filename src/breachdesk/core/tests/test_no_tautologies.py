"""Walk every test file and fail on an assertion that cannot fail."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import breachdesk

PACKAGE = Path(breachdesk.__file__).resolve().parent
# unittest's one-argument truth checks, and the two-argument ones that hold for any pair of identical arguments.
_TRUTH_METHODS = {"assertTrue": True, "assert_": True, "assertFalse": False}
_SAME_METHODS = {"assertEqual", "assertEquals", "assertIs", "assertGreaterEqual", "assertLessEqual", "assertCountEqual"}
_REFLEXIVE = (ast.Eq, ast.Is, ast.LtE, ast.GtE)


def _test_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py":
            yield path


def _always_true(node: ast.expr) -> bool:
    """Say whether ``node`` is true whatever the code under test does."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
        return bool(node.elts if not isinstance(node, ast.Dict) else node.keys)  # ``assert (x, "msg")``
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _always_false(node.operand)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.Or):
            return any(_always_true(value) for value in node.values)
        return all(_always_true(value) for value in node.values)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], _REFLEXIVE):
        return ast.dump(node.left) == ast.dump(node.comparators[0])
    return False


def _always_false(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return not node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _always_true(node.operand)
    return False


def tautologies(tree: ast.AST) -> list[tuple[int, str]]:
    """Return the line and source of every assertion in ``tree`` that holds whatever the code does."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and _always_true(node.test):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, args = node.func.attr, node.args
            if name in _TRUTH_METHODS and args:
                holds = _always_true(args[0]) if _TRUTH_METHODS[name] else _always_false(args[0])
                if holds:
                    found.append((node.lineno, ast.unparse(node)))
            elif name in _SAME_METHODS and len(args) >= 2 and ast.dump(args[0]) == ast.dump(args[1]):
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_test_file_contains_an_assertion_that_cannot_fail() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}: {source}"
        for path in _test_files()
        for line, source in tautologies(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    ]
    assert offenders == [], "These assertions hold whatever the code does:\n" + "\n".join(offenders)


def test_the_walker_finds_each_kind_of_tautology() -> None:
    source = "\n".join(
        [
            "assert True",
            "assert response.status_code == 200 or True",
            "self.assertTrue(True)",
            "self.assertFalse(False)",
            "assert 3 == 3",
            "assert count == count",
            "self.assertEqual('a', 'a')",
            "assert (ok, 'message')",
            "assert not False",
            "assert response.status_code == 200",
            "assert ok or fallback",
            "self.assertTrue(ok)",
            "self.assertEqual(left, right)",
            "assert 3 != 3 or ok",
        ]
    )
    assert sorted(line for line, _source in tautologies(ast.parse(source))) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
