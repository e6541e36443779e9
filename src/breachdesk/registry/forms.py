"""Check the shape of registry form input; the services decide what it means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from breachdesk.registry import items as vocabulary
from breachdesk.registry.importing.encoding import CHOICES
from breachdesk.registry.models import Source

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def _item_name(key: str) -> str:
    from breachdesk.registry.templatetags.registry_items import item_label

    return item_label(key)


_lazy_item_name = lazy(_item_name, str)


def item_choices() -> list[tuple[str, Any]]:
    """Return the item choices, each named in the language of the page that shows them (not of import time)."""
    return [(key, _lazy_item_name(key)) for key in vocabulary.ITEM_KEYS]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV, TSV or XLSX)"))
    encoding = forms.ChoiceField(label=_("Encoding"), choices=[(c, c) for c in CHOICES], initial="auto")
    sheet = forms.CharField(label=_("Sheet (XLSX with several sheets)"), required=False, max_length=100)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv, .tsv or .xlsx file."))
        return upload


class MappingForm(forms.Form):
    """Offer one select per column of the uploaded file, pre-set from the header synonyms."""

    source = forms.ChoiceField(
        label=_("This file is"),
        required=False,
        choices=[(Source.MASTER, Source.MASTER.label), (Source.AFFECTED_LIST, Source.AFFECTED_LIST.label)],
    )
    items = forms.MultipleChoiceField(
        label=_("Leaked items of every row (affected list only; leave empty to use the file's columns)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=item_choices,
    )

    def __init__(self, *args: object, headers: list[str], suggested: list[str | None], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.headers = headers
        choices = [
            (vocabulary.IGNORE, _("— skip this column —")),
            *item_choices(),
            (vocabulary.ITEMS_COLUMN, _("Leaked items of the row")),
        ]
        for index, (header, key) in enumerate(zip(headers, suggested, strict=True)):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"#{index + 1}", choices=choices, initial=key or vocabulary.IGNORE
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("items") and cleaned.get("source") != Source.AFFECTED_LIST:
            self.add_error(
                "items",
                _("Leaked items for every row apply to an affected list only; choose it above or clear them."),
            )
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[f"col_{i}"] for i, header in enumerate(self.headers) if header}

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Member ID, email or phone"), required=False, max_length=254)
    affected = forms.ChoiceField(
        label=_("Affected"),
        required=False,
        choices=[("", _("All")), ("yes", _("Affected")), ("no", _("Not affected"))],
    )
    item = forms.ChoiceField(label=_("Leaked item"), required=False, choices=[("", _("Any")), *item_choices()])


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    encoding = forms.ChoiceField(
        label=_("CSV encoding"), choices=[("utf-8", _("UTF-8 with BOM")), ("cp932", _("Shift_JIS (CP932)"))]
    )
    full = forms.BooleanField(label=_("Unmasked (lead only; recorded on the timeline)"), required=False)
