"""Test the walk: recursion, symlinks kept inside the root, special files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from breachdesk.scanner import walker


def _walk(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    files, skipped = [], []
    for item in walker.entries_walk(root=str(root), seen=set()):
        if isinstance(item, walker.Entry):
            files.append(os.path.relpath(item.path, root))
        else:
            skipped.append((os.path.relpath(item.path, root), item.reason))
    return files, skipped


def test_it_walks_recursively_and_follows_no_symlink_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a/b").mkdir(parents=True)
    (root / "a/b/deep.log").write_text("x")
    (root / "top.log").write_text("x")
    (tmp_path / "secret.log").write_text("x")
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "secret.log", root / "link.log")
    os.symlink(tmp_path / "outside", root / "linkdir")
    os.symlink(root / "a", root / "again")  # inside the root: followed, but each file is read once
    os.symlink(tmp_path / "missing", root / "dangling")
    files, skipped = _walk(root)
    assert files == ["top.log", "a/b/deep.log"]
    assert sorted(skipped) == [
        ("dangling", "broken symlink"), ("link.log", "symlink outside root"), ("linkdir", "symlink outside root"),
    ]  # fmt: skip


def test_it_skips_special_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert _walk(tmp_path) == ([], [("pipe", "not a regular file")])


def test_it_rejects_a_missing_root(tmp_path: Path) -> None:
    with pytest.raises(walker.RootError, match="No such file"):
        walker.root_check(root=str(tmp_path / "nope"))
