"""Walk the roots of a scan: every regular file once, no symlink followed out of its root.

Pure Python, no Django import.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    """Name one regular file to scan."""

    path: Path
    size: int


@dataclass(frozen=True)
class Skipped:
    """Name a path that was not scanned, and why (never the file's content)."""

    path: str
    reason: str


class RootError(Exception):
    """Say that a root named on the command line cannot be scanned at all."""


def root_check(*, root: str) -> None:
    """Raise ``RootError`` unless ``root`` exists and can be read."""
    path = Path(root)
    try:
        info = path.stat()
    except OSError as exc:
        raise RootError(f"{root}: {exc.strerror or 'cannot be read'}") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            raise RootError(f"{root}: {exc.strerror or 'cannot be read'}") from None
    elif not os.access(path, os.R_OK):
        raise RootError(f"{root}: permission denied")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def entries_walk(*, root: str, seen: set[tuple[int, int]]) -> Iterator[Entry | Skipped]:
    """Yield the files under ``root`` in a stable order, and what was skipped.

    A symlink is followed only when its target stays inside the root (and then each file is read once, through
    ``seen``, which holds (device, inode) pairs and is shared across roots).
    """
    top = Path(root)
    if not top.is_dir():
        yield from _file_entry(top, seen)
        return
    real_root = os.path.realpath(root)
    walked: set[str] = set()
    stack = [str(top)]
    while stack:
        directory = stack.pop()
        real = os.path.realpath(directory)
        if real in walked:
            continue
        walked.add(real)
        try:
            with os.scandir(directory) as iterator:
                children = sorted(iterator, key=lambda entry: entry.name)
        except OSError as exc:
            yield Skipped(directory, f"unreadable: {exc.strerror or type(exc).__name__}")
            continue
        subdirectories = []
        for child in children:
            if child.is_symlink():
                target = os.path.realpath(child.path)
                if not os.path.exists(target):
                    yield Skipped(child.path, "broken symlink")
                    continue
                if not _inside(target, real_root):
                    yield Skipped(child.path, "symlink outside root")
                    continue
            try:
                is_dir = child.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                subdirectories.append(child.path)
            else:
                yield from _file_entry(Path(child.path), seen)
        stack.extend(reversed(subdirectories))


def _file_entry(path: Path, seen: set[tuple[int, int]]) -> Iterator[Entry | Skipped]:
    try:
        info = path.stat()
    except OSError as exc:
        yield Skipped(str(path), f"unreadable: {exc.strerror or type(exc).__name__}")
        return
    if not stat.S_ISREG(info.st_mode):
        yield Skipped(str(path), "not a regular file")
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return
    seen.add(key)
    yield Entry(path, info.st_size)
