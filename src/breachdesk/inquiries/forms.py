"""Hold the desk's forms; they validate input only, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from breachdesk.inquiries.blocks import BLOCK_KEYS
from breachdesk.inquiries.labels import LABELS
from breachdesk.inquiries.templatetags.answer_blocks import block_name

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class PublicInquiryForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=30, required=False)
    member_id = forms.CharField(label=_("Member ID (optional)"), max_length=40, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your inquiry"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))
    # A field people never see (hidden by CSS); bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)


class PhoneLogForm(forms.Form):
    caller_name = forms.CharField(label=_("Caller's name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email address (for a written answer)"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    summary = forms.CharField(label=_("What the caller asked"), widget=forms.Textarea(attrs={"rows": 6}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Mail file (.eml or .mbox)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 25 MB."))
        return upload


class LabelsForm(forms.Form):
    labels = forms.MultipleChoiceField(
        label=_("Labels"), choices=[(k, v) for k, v in LABELS.items()], widget=forms.CheckboxSelectMultiple
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 16}), max_length=20_000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return with comments"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BlockForm(forms.Form):
    key = forms.ChoiceField(label=_("Block"), choices=[(k, lazy(block_name, str)(k)) for k in BLOCK_KEYS])
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))


class DeskConfigForm(forms.Form):
    desk_address = forms.EmailField(label=_("Desk address"))
    desk_hours = forms.CharField(label=_("Desk hours"), max_length=200)
    notice_url = forms.URLField(label=_("Notice link"), required=False, assume_scheme="https")
    first_answer_business_days = forms.IntegerField(
        label=_("First answer within (business days)"), min_value=1, max_value=30
    )
    public_form_open = forms.BooleanField(label=_("Public form open"), required=False)
    ack_per_recipient_day = forms.IntegerField(
        label=_("Acknowledgments per recipient per day"), min_value=1, max_value=20, required=False
    )
    ack_per_incident_day = forms.IntegerField(
        label=_("Acknowledgments per day (whole incident)"), min_value=1, max_value=1_000_000, required=False
    )
    link_domains = forms.CharField(
        label=_("Link domains"),
        required=False,
        max_length=500,
        help_text=_("Domains the desk's mail may link to besides the public page (comma-separated)."),
    )
    # Not required: a form posted by an older page (or a script) without it means the default, UTF-8.
    outbound_charset = forms.TypedChoiceField(
        label=_("Charset of outgoing mail"),
        choices=[("utf-8", _("UTF-8 (recommended)")), ("iso-2022-jp", _("ISO-2022-JP (old carrier phones)"))],
        initial="utf-8",
        required=False,
        empty_value="utf-8",
    )
    imap_host = forms.CharField(label=_("IMAP host"), required=False, max_length=200)
    imap_port = forms.IntegerField(label=_("IMAP port"), min_value=1, max_value=65535)
    imap_security = forms.ChoiceField(label=_("Security"), choices=[("ssl", "IMAPS"), ("starttls", "STARTTLS")])
    imap_username = forms.CharField(label=_("IMAP user"), required=False, max_length=200)
    imap_password = forms.CharField(
        label=_("IMAP password (leave empty to keep)"), required=False, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("ack_per_recipient_day", "ack_per_incident_day"):
            if data.get(name) is None:
                data.pop(name, None)  # left empty: keep the current limit
        return data


class DecisionForm(forms.Form):
    legal_notices_allowed = forms.BooleanField(label=_("Notices required by law may still be sent"), required=False)
    note = forms.CharField(label=_("Reason"), max_length=300)
