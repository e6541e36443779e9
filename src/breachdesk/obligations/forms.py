"""Hold the forms of the obligations pages; they check the input's shape, the services check the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from breachdesk.obligations.engine import BOOLEANS
from breachdesk.obligations.models import Fact
from breachdesk.obligations.reports.prefill import item_headings

TRUE = {"true", "yes", "1", "on", "はい"}
FALSE = {"false", "no", "0", "off", "いいえ"}


def parse_fact_value(fact: str, text: str) -> Any:
    """Return the typed value of a fact typed into a text box; raise ``ValidationError`` when it does not parse."""
    text = text.strip()
    if fact in BOOLEANS:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise forms.ValidationError(_("Enter true or false."))
    if fact in ("persons", "without_contact"):
        digits = text.replace(",", "").replace("_", "")
        # ``isdigit`` is also true for "²" and other digits ``int`` refuses; 18 digits is more than anyone counts.
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            raise forms.ValidationError(_("Enter a whole number."))
        return int(digits)
    if fact == "items":
        return [part for part in re.split(r"[,、\s]+", text) if part]
    return text


class FactOverrideForm(forms.Form):
    fact = forms.ChoiceField(label=_("Fact"), choices=Fact.choices)
    value = forms.CharField(
        label=_("Value"),
        required=False,
        help_text=_("true/false, a number, a list of item keys separated by commas, or a key such as 'advanced'."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("set", _("Set the override")), ("clear", _("Remove the override"))]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "set" and data.get("fact"):
            try:
                data["parsed"] = parse_fact_value(data["fact"], data.get("value", ""))
            except forms.ValidationError as exc:
                self.add_error("value", exc)
        return data


class ReportForm(forms.Form):
    """Edit every item of a report; the labels are the legal headings."""

    def __init__(self, *args: Any, jurisdiction: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, (key, heading) in enumerate(item_headings(jurisdiction), start=1):
            label = f"{number} {heading}" if jurisdiction == "JP" else heading
            self.fields[key] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DateInput(forms.DateInput):
    input_type = "date"


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
