"""Hold the incidents app's forms; they validate input shape only, services enforce the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from breachdesk.incidents.models import StakeholderKind, StakeholderStatus


class StakeholderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StakeholderKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StakeholderStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StakeholderStatus.choices)
