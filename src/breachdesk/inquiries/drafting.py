"""Assemble a reply from the approved blocks for the inquiry's labels, with the person's own facts merged in.

A person's facts (affected or not, which items) are merged only when their identity is verified; otherwise the
``identity_check`` block stands in for the fact-bearing blocks. Whether a reply is "free text" is decided by
reading it back: it must consist wholly of approved blocks as rendered for this inquiry, in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from breachdesk.inquiries.blocks import _PLACEHOLDER, approved_blocks
from breachdesk.inquiries.labels import LABEL_KEYS
from breachdesk.inquiries.mailer import desk_config
from breachdesk.inquiries.models import AnswerBlock, Inquiry
from breachdesk.registry import items as item_vocabulary

FACT_LABELS = ("affected_check", "leaked_items")
# Items people ask about most; when one did not leak for this person, the draft says so.
ASKED_ITEMS = ("card_number", "password", "order_history", "my_number", "bank_account")
SEPARATOR = "\n\n"


def _ja(keys: list[str]) -> str:
    return "・".join(item_vocabulary.ITEMS[k].label_ja for k in keys if k in item_vocabulary.ITEMS)


def facts(inquiry: Inquiry) -> dict[str, str]:
    """Return the placeholder values for ``inquiry``; personal facts only for a verified person."""
    config = desk_config(inquiry.incident)
    values = {
        "desk_hours": config.desk_hours,
        "notice_url": config.notice_url,
        "token": inquiry.token,
        "affected": "",
        "items_ja": "",
        "not_included_ja": "",
        "incident_items_ja": "",
    }
    values["incident_items_ja"] = _incident_items(inquiry.incident_id)
    person = inquiry.person if inquiry.identity_verified else None
    if person is not None:
        keys = person.item_keys if person.affected else []
        if person.affected and keys:
            values["items_ja"] = _ja(keys)
            values["affected"] = f"お客様の登録情報のうち、{values['items_ja']}が対象となっておりました。"
            missing = [k for k in ASKED_ITEMS if k not in keys]
            values["not_included_ja"] = f"{_ja(missing)}は含まれておりません。" if missing else ""
        elif person.affected:
            values["affected"] = "お客様の登録情報は、今回の事案の対象となっておりました。"
        else:
            values["affected"] = "お客様の登録情報は、今回の事案の対象には含まれておりませんでした。"
    return values


_items_cache: dict[int, tuple[float, str]] = {}


def _incident_items(incident_id: int) -> str:
    """Return the incident's leaked items in Japanese; the registry aggregate is cached for a minute."""
    import time

    from breachdesk.registry.selectors import registry_counts

    cached = _items_cache.get(incident_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    from breachdesk.incidents.models import Incident

    rows = registry_counts(incident=Incident.objects.get(pk=incident_id))["by_item"]
    text = "・".join(item_vocabulary.ITEMS[row["key"]].label_ja for row in rows)
    _items_cache[incident_id] = (time.monotonic() + 60, text)
    return text


def render(block: AnswerBlock, values: dict[str, str]) -> str:
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), block.body)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass(frozen=True)
class Assembly:
    text: str
    blocks: list[list[int]]  # [[block id, version], …]
    missing: list[str]


def block_keys_for(inquiry: Inquiry) -> list[str]:
    """Return the block keys a draft for ``inquiry`` uses, in reading order."""
    keys = ["greeting", "apology"]
    verified = inquiry.identity_verified and inquiry.person_id is not None
    for label in LABEL_KEYS:
        if label not in inquiry.labels:
            continue
        if label in FACT_LABELS and not verified:
            if "identity_check" not in keys:
                keys.append("identity_check")
            continue
        if label == "leaked_items" and "affected_check" not in keys:
            # The person's own status comes from one block only, so a reply never says it twice.
            keys.append("affected_check")
        keys.append(label)
    keys.append("closing")
    return keys


def assemble(inquiry: Inquiry, *, keys: list[str] | None = None) -> Assembly:
    """Return the draft text made from the approved blocks for the inquiry's labels."""
    blocks = approved_blocks(incident=inquiry.incident)
    values = facts(inquiry)
    parts: list[str] = []
    used: list[list[int]] = []
    missing: list[str] = []
    for key in keys or block_keys_for(inquiry):
        block = blocks.get(key)
        if block is None:
            missing.append(key)
            continue
        text = render(block, values)
        if text:
            parts.append(text)
            used.append([block.pk, block.version])
    return Assembly(text=SEPARATOR.join(parts), blocks=used, missing=missing)


def decompose(inquiry: Inquiry, text: str) -> list[AnswerBlock] | None:
    """Return the approved blocks ``text`` is made of (rendered for this inquiry), or ``None`` for free text."""
    values = facts(inquiry)
    rendered = sorted(
        ((render(b, values), b) for b in approved_blocks(incident=inquiry.incident).values()),
        key=lambda pair: -len(pair[0]),
    )
    remaining = text.replace("\r\n", "\n").strip()
    used: list[AnswerBlock] = []
    while remaining:
        for body, block in rendered:
            if body and remaining.startswith(body):
                used.append(block)
                remaining = remaining[len(body) :].lstrip()
                break
        else:
            return None
    return used
