"""Hold the forms of the costs pages."""

from __future__ import annotations

from django import forms

from breachdesk.costs.models import CostItem, CostSettings
from breachdesk.costs.services import ITEM_FIELDS


class CostSettingsForm(forms.ModelForm):
    class Meta:
        model = CostSettings
        fields = [
            "social_responsibility",
            "social_responsibility_reason",
            "response_evaluation",
            "response_evaluation_reason",
            "daily_report_hour",
        ]
        widgets = {
            "social_responsibility": forms.RadioSelect,
            "response_evaluation": forms.RadioSelect,
            "social_responsibility_reason": forms.Textarea(attrs={"rows": 2}),
            "response_evaluation_reason": forms.Textarea(attrs={"rows": 2}),
        }


class CostItemForm(forms.ModelForm):
    class Meta:
        model = CostItem
        fields = list(ITEM_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
