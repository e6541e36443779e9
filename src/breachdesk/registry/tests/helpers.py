"""Write small registry files for tests and run the registry commands the way a shell would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

MASTER_HEADER = ["会員ID", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日"]
MASTER_ROWS = [
    [
        "M0001",
        "山田 太郎",
        "ヤマダ タロウ",
        "taro@example.jp",
        "090-1234-5678",
        "100-0001",
        "東京都千代田区千代田1-1",
        "1980-04-01",
    ],
    [
        "M0002",
        "佐藤 花子",
        "サトウ ハナコ",
        "hanako@example.jp",
        "080-2222-3333",
        "150-0001",
        "東京都渋谷区神宮前2-3",
        "昭和55年3月4日",
    ],
    [
        "M0003",
        "鈴木 一郎",
        "スズキ イチロウ",
        "ichiro@example.jp",
        "070-4444-5555",
        "530-0001",
        "大阪府大阪市北区梅田3-1",
        "H2.1.2",
    ],
]


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def master_file(tmp_path: Path, *, encoding: str = "utf-8", name: str = "master.csv") -> Path:
    return write_csv(tmp_path / name, [MASTER_HEADER, *MASTER_ROWS], encoding=encoding)


def run(command: str, *args: str) -> dict[str, Any]:
    """Run a command and return its JSON output."""
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def run_fails(command: str, *args: str, returncode: int = 2) -> str:
    """Run a command that must fail with ``returncode`` and return its message."""
    with pytest.raises(CommandError) as info:
        call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.returncode == returncode, str(info.value)
    return str(info.value)
