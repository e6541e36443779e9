from __future__ import annotations

import csv
from pathlib import Path

import pytest

from breachdesk.core.models import TimelineEvent
from breachdesk.registry import selectors
from breachdesk.registry.models import ImportJob
from breachdesk.registry.tests.helpers import master_file, run, run_fails, write_csv
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
CODE = "case-1"


def test_it_matches_a_leaked_file_reports_strengths_and_lists_the_unmatched(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    leaked = write_csv(
        tmp_path / "誤送信.csv",
        [
            ["会員番号", "お名前", "メール", "TEL", "生年月日", "住所", "購入履歴", "備考"],
            ["M0001", "", "", "", "", "", "チケットA", ""],
            ["", "", "HANAKO@example.jp", "", "", "", "チケットB", ""],
            ["", "", "", "07044445555", "", "", "", ""],
            ["", "山田　太郎", "", "", "1980/4/1", "", "", ""],
            ["", "見知らぬ 人", "stranger@example.jp", "", "", "", "チケットC", "外部の人?"],
        ],
        encoding="cp932",
    )
    out = run("match-leak", "--incident", CODE, str(leaked))
    assert out["rows"] == 5
    assert out["matched"] == 4
    assert out["unmatched"] == 1
    assert out["items"] == ["name", "email", "phone", "address", "birth_date", "member_id", "order_history"]
    unmatched = Path(out["unmatched_file"]).read_text(encoding="utf-8-sig")
    assert "st***@example.jp" in unmatched
    assert "stranger@example.jp" not in unmatched
    job = ImportJob.objects.get(pk=TimelineEvent.objects.filter(kind="registry.leak_matched").get().data["job"])
    assert job.result["strength"] == {"strong": 3, "medium": 1}
    with open(job.report_path, encoding="utf-8-sig") as handle:
        assert [r[2:] for r in list(csv.reader(handle))[1:]] == [
            ["member_id", "strong"],
            ["email", "strong"],
            ["phone", "strong"],
            ["name_birth", "medium"],
        ]
    hanako = selectors.person_lookup(incident=world.incident, member_id="M0002")
    assert hanako is not None
    assert hanako.affected
    assert "order_history" in hanako.item_keys


def test_it_matches_on_name_and_address_as_a_weak_match(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    leaked = write_csv(tmp_path / "l.csv", [["氏名", "住所"], ["鈴木 一郎", "大阪府大阪市北区梅田３丁目１番"]])
    out = run("match-leak", "--incident", CODE, str(leaked))
    assert out["matched"] == 1
    assert out["unmatched_file"] is None
    assert ImportJob.objects.filter(kind="match").get().result["strength"] == {"weak": 1}


def test_a_leaked_file_without_identifying_columns_is_bad_input(world: World, tmp_path: Path) -> None:
    leaked = write_csv(tmp_path / "l.csv", [["購入履歴"], ["x"]])
    assert "cannot be told apart" in run_fails("match-leak", "--incident", CODE, str(leaked))


def test_lookup_finds_a_person_through_the_index_and_says_what_leaked(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    affected = write_csv(tmp_path / "a.csv", [["会員ID"], ["M0003"]])
    run("import-people", "--incident", CODE, str(affected), "--source", "affected_list", "--items", "name,phone")
    assert run("lookup", "--incident", CODE, "--phone", "070-4444-5555") == {
        "found": True,
        "affected": True,
        "items": ["name", "phone"],
    }
    assert run("lookup", "--incident", CODE, "--member-id", "M0001") == {"found": True, "affected": False, "items": []}
    assert run("lookup", "--incident", CODE, "--email", "nobody@example.jp") == {
        "found": False,
        "affected": False,
        "items": [],
    }
    assert "not a valid phone" in run_fails("lookup", "--incident", CODE, "--phone", "abc")
    assert "No incident" in run_fails("lookup", "--incident", "nope", "--phone", "090-1234-5678")


def test_lookup_never_crosses_incidents(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    assert run("lookup", "--incident", "case-2", "--email", "taro@example.jp")["found"] is False
