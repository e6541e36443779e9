"""Replace the matched phrases kept as classifier evidence by the ids of the rules that match them: no text stays."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _rule_ids(label: str, phrases: list[Any]) -> list[dict[str, object]]:
    from breachdesk.inquiries.classify import rules

    out: list[dict[str, object]] = []
    for phrase in phrases:
        if isinstance(phrase, dict):  # already the new shape
            out.append({k: v for k, v in phrase.items() if k in ("rule", "start", "end")})
            continue
        for rule_id, rule_label, pattern, _ in rules.COMPILED:
            if rule_label == label and pattern.search(str(phrase)):
                out.append({"rule": rule_id})
                break
    return out


def forwards(apps: Any, schema_editor: Any) -> None:
    inquiry_model = apps.get_model("inquiries", "Inquiry")
    changed = []
    for inquiry in inquiry_model.objects.exclude(evidence={}).only("id", "evidence").iterator(chunk_size=500):
        evidence = inquiry.evidence if isinstance(inquiry.evidence, dict) else {}
        inquiry.evidence = {label: _rule_ids(label, list(items or [])) for label, items in evidence.items()}
        changed.append(inquiry)
        if len(changed) >= 500:
            inquiry_model.objects.bulk_update(changed, ["evidence"])
            changed = []
    if changed:
        inquiry_model.objects.bulk_update(changed, ["evidence"])


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0006_classifier_model")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
