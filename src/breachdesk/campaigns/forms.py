"""Hold the campaign forms: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from breachdesk.campaigns.models import Campaign, Channel, NoticeTemplate
from breachdesk.campaigns.sandbox import variable_names
from breachdesk.registry import items as vocabulary
from breachdesk.registry.models import Source

VARIABLES_HELP = ", ".join("{{ %s }}" % name for name in variable_names())  # noqa: UP031 - braces are literal


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body_text = forms.CharField(
        label=_("Plain-text body"), widget=forms.Textarea(attrs={"rows": 18}), help_text=VARIABLES_HELP
    )
    body_html = forms.CharField(
        label=_("HTML body (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    letter_text = forms.CharField(
        label=_("Postal letter body (optional; the plain-text body is used when empty)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(label=_("Template"), queryset=NoticeTemplate.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    affected_only = forms.BooleanField(label=_("Affected people only"), required=False, initial=True)
    items_any = forms.MultipleChoiceField(
        label=_("Having any of these leaked items (none: everyone)"),
        required=False,
        choices=[(key, item.label) for key, item in vocabulary.ITEMS.items()],
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    sources = forms.MultipleChoiceField(
        label=_("From these registry sources (none: all)"), required=False, choices=Source.choices
    )
    throttle_per_second = forms.IntegerField(label=_("Messages per second"), min_value=1, max_value=10000, initial=10)
    max_attempts = forms.IntegerField(label=_("Attempts before giving up"), min_value=1, max_value=20, initial=5)
    scheduled_at = forms.DateTimeField(
        label=_("Not before"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    desk_name = forms.CharField(label=_("Desk name"), max_length=200, required=False)
    desk_email = forms.EmailField(label=_("Desk email"), required=False)
    desk_phone = forms.CharField(label=_("Desk phone"), max_length=40, required=False)
    desk_hours = forms.CharField(label=_("Desk hours"), max_length=200, required=False)
    notice_url = forms.URLField(label=_("Notice page"), required=False, assume_scheme="https")
    selfcheck_url = forms.URLField(label=_("Self-check page"), required=False, assume_scheme="https")
    from_email = forms.EmailField(label=_("Sender address"), required=False)
    attach_letter = forms.BooleanField(label=_("Attach the person's own letter as PDF"), required=False)

    def __init__(self, *args: Any, incident: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = NoticeTemplate.objects.filter(incident=incident)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        audience = campaign.audience or {}
        return {
            **{name: getattr(campaign, name) for name in FIELDS},
            "template": campaign.template_id,
            "affected_only": audience.get("affected_only", True),
            "items_any": audience.get("items_any", []),
            "sources": audience.get("sources", []),
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in FIELDS}
        fields["template"] = data["template"]
        fields["audience"] = {
            "affected_only": data["affected_only"],
            "items_any": data["items_any"],
            "sources": data["sources"],
        }
        return fields


FIELDS = (
    "name",
    "channel",
    "throttle_per_second",
    "max_attempts",
    "scheduled_at",
    "desk_name",
    "desk_email",
    "desk_phone",
    "desk_hours",
    "notice_url",
    "selfcheck_url",
    "from_email",
    "attach_letter",
)


class TestSendForm(forms.Form):
    to = forms.CharField(
        label=_("Internal addresses (one per line; members of this incident only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def addresses(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["to"].splitlines() if line.strip()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("mark_sent", _("Mark as sent")), ("requeue", _("Send again"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class LegalReasonForm(forms.Form):
    include_deleted = forms.BooleanField(label=_("Include people whose deletion was completed"), required=False)
    reason = forms.CharField(label=_("Legal reason"), max_length=4000, required=False, widget=forms.Textarea)


class BounceForm(forms.Form):
    message_id = forms.CharField(label=_("Message-ID of the bounced notice"), max_length=200)
    reason = forms.CharField(label=_("Bounce reason"), max_length=500, required=False)


class PrintForm(forms.Form):
    limit = forms.IntegerField(label=_("Letters in this batch"), min_value=1, max_value=5000, initial=500)
