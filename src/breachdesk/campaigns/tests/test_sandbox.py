"""The template sandbox: only the allowlisted tags, filters and variables exist."""

from __future__ import annotations

from datetime import date

import pytest

from breachdesk.campaigns import sandbox
from breachdesk.campaigns.errors import TemplateInvalid


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{% load static %}", "{% load %}"),
        ("{% include 'x.html' %}", "{% include %}"),
        ("{% extends 'base.html' %}", "{% extends %}"),
        ("{% debug %}", "{% debug %}"),
        ("{% now 'Y' %}", "{% now %}"),
        ("{{ person.name|safe }}", "|safe"),
        ("{{ secret_key }}", "{{ secret_key }}"),
        ("{{ person.password }}", "{{ person.password }}"),
        ("{% if settings %}x{% endif %}", "{{ settings }}"),
        ("{% for i in items %}{{ i.upper }}{% endfor %}", "{{ i.upper }}"),
        ("{{ incident.found_date.isoformat }}", "{{ incident.found_date.isoformat }}"),
        ("line one\nline two {{ nope }}", "Line 2"),
    ],
)
def test_it_rejects_what_the_sandbox_does_not_offer(source: str, problem: str) -> None:
    problems = " ".join(str(p) for p in sandbox.template_problems(source))
    assert problem in problems


def test_it_accepts_the_documented_variables_and_renders_them() -> None:
    source = (
        "{{ person.name }} 様 {% for item in items %}{{ forloop.counter }}.{{ item }} {% endfor %}"
        "{{ incident.found_date|date:'Y年n月j日' }} {{ desk.phone|default:'—' }}"
    )
    assert sandbox.template_problems(source) == []
    context = sandbox.sandbox_context(
        person={"name": "山田 太郎"},
        items=["氏名", "住所"],
        incident={"found_date": date(2026, 3, 2)},
        desk={},
        links={},
        today=date(2026, 3, 5),
    )
    assert sandbox.render(source, context) == "山田 太郎 様 1.氏名 2.住所 2026年3月2日 —"


def test_the_html_part_is_escaped_and_the_text_part_is_not() -> None:
    context = sandbox.sandbox_context(
        person={"name": "<b>太郎</b>"}, items=[], incident={}, desk={}, links={}, today=date(2026, 3, 5)
    )
    assert sandbox.render("{{ person.name }}", context, html=True) == "&lt;b&gt;太郎&lt;/b&gt;"
    assert sandbox.render("{{ person.name }}", context) == "<b>太郎</b>"


def test_validation_names_the_part_and_rendering_an_invalid_template_fails() -> None:
    with pytest.raises(TemplateInvalid, match="body_text: Line 1"):
        sandbox.template_validate(parts={"subject": "ok", "body_text": "{{ other.person }}"})
    with pytest.raises(TemplateInvalid):
        sandbox.render("{{ other }}", {})
