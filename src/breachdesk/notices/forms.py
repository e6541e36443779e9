"""Hold the forms of the notices pages; they only parse input, the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from breachdesk.notices.models import Notice


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Body (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: headings (##), lists, links and tables. Raw HTML is removed."),
    )
    correction_note = forms.CharField(
        label=_("What this notice corrects"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(forms.Form):
    confirm = forms.MultipleChoiceField(label=_("Open items I confirm"), required=False, choices=())
    reason = forms.CharField(
        label=_("Why publish with these items open"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, open_items: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i.key, f"{i.label}: {i.detail}") for i in open_items or []]
        field = cast(forms.MultipleChoiceField, self.fields["confirm"])
        field.choices = choices
        field.widget = forms.CheckboxSelectMultiple(choices=choices)


class FaqForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40, help_text=_("Stays the same across versions."))
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=100)
    question = forms.CharField(label=_("Question"), max_length=300)
    block_key = forms.SlugField(
        label=_("Answer block key"),
        max_length=40,
        required=False,
        help_text=_("The desk's approved answer block this entry says the same as."),
    )
    answer = forms.CharField(
        label=_("Answer (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave empty to copy the answer block's approved text."),
    )


class StakeholderImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8 or CP932)"))


class BriefingActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("prepare", "prepare"), ("sent", "sent"), ("acknowledged", "acknowledged")])
    briefing = forms.IntegerField(required=False)


class PressTitleForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Chosen title"), max_length=300)
    alternatives = forms.CharField(
        label=_("Other titles considered (one a line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("Reason for the choice"), widget=forms.Textarea(attrs={"rows": 3}))


def _parse_birth(text: str) -> date:
    from breachdesk.registry.importing.validate import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise forms.ValidationError(_("Enter the date of birth as 1985-04-01 or 1985年4月1日.")) from exc


class SelfCheckForm(forms.Form):
    """Ask for an email address, or a member ID with a date of birth. ``website`` is a honeypot left empty by people."""

    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    member_id = forms.CharField(label=_("Member ID"), required=False, max_length=120)
    birth_date = forms.CharField(label=_("Date of birth"), required=False, max_length=40)
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, member, birth = data.get("email"), (data.get("member_id") or "").strip(), data.get("birth_date")
        if email:
            data["birth"] = None
            return data
        if not member or not birth:
            raise forms.ValidationError(_("Enter your email address, or your member ID with your date of birth."))
        data["birth"] = _parse_birth(birth)
        return data


def notice_initial(notice: Notice) -> dict[str, Any]:
    return {"title": notice.title, "body": notice.body, "correction_note": notice.correction_note}
