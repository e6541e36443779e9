"""Hold the forms of the staff UI; they validate input shape only, services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from breachdesk.core.roles import Role
from breachdesk.core.templatetags.people import display_name
from breachdesk.incidents.models import (
    Cause,
    EventKind,
    Incident,
    Jurisdiction,
    OrgRole,
    Phase,
    TaskStatus,
    code_validator,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class IncidentForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50, validators=[code_validator])
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    found_at = forms.DateTimeField(label=_("Found at"), widget=DateTimeInput())
    aware_at = forms.DateTimeField(label=_("Aware at"), widget=DateTimeInput())
    event_kind = forms.ChoiceField(label=_("Event"), choices=EventKind.choices)
    suspected = forms.BooleanField(label=_("Suspected only (おそれ)"), required=False)
    cause = forms.ChoiceField(label=_("Cause"), choices=Cause.choices)
    jurisdictions = forms.MultipleChoiceField(
        label=_("Jurisdictions"), choices=Jurisdiction.choices, widget=forms.CheckboxSelectMultiple
    )
    org_role = forms.ChoiceField(label=_("Our role"), choices=OrgRole.choices)
    principal = forms.CharField(label=_("Principal (委託元)"), max_length=200, required=False)
    affected_systems = forms.CharField(
        label=_("Affected systems"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class IncidentEditForm(IncidentForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]

    @classmethod
    def initial_for(cls, incident: Incident) -> dict[str, Any]:
        return {name: getattr(incident, name) for name in cls.base_fields if name != "code"}


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    phase = forms.ChoiceField(label=_("Phase"), choices=[c for c in Phase.choices if c[0] != Phase.CLOSED])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeInput(), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = get_user_model().objects.filter(memberships__incident=incident).order_by("username")
        owner_field.label_from_instance = display_name  # type: ignore[method-assign,assignment]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)


class MemberAddForm(forms.Form):
    username = forms.CharField(label=_("Username or email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TimelineFilterForm(forms.Form):
    kind = forms.CharField(label=_("Kind"), required=False, max_length=80)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    since = forms.DateTimeField(label=_("Since"), required=False, widget=DateTimeInput())
    until = forms.DateTimeField(label=_("Until"), required=False, widget=DateTimeInput())


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\d{6,8}$",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
