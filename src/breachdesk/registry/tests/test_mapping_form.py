"""Refuse, at the mapping step, leaked items for every row of a file that is not an affected list."""

from __future__ import annotations

from breachdesk.registry.forms import MappingForm
from breachdesk.registry.models import Source


def _form(source: str, items: list[str]) -> MappingForm:
    data = {"col_0": "member_id", "col_1": "email", "source": source, "items": items}
    return MappingForm(data, headers=["会員番号", "メールアドレス"], suggested=["member_id", "email"])


def test_items_for_every_row_need_an_affected_list() -> None:
    form = _form(Source.MASTER, ["email"])
    assert not form.is_valid()
    assert "items" in form.errors


def test_an_affected_list_takes_items_and_a_master_takes_none() -> None:
    assert _form(Source.AFFECTED_LIST, ["email"]).is_valid()
    assert _form(Source.MASTER, []).is_valid()
