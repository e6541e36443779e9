"""Fuzz the notice template sandbox with generated Django-like template sources.

A generated source mixes the allowed tags, filters and variables with forbidden ones (other tags and filters, dunder
attributes, ``settings``, unknown variables), loops, broken delimiters and deep nesting. Properties:

- checking a source never raises: it returns problems, and a source with a forbidden element always has one;
- a source without problems renders, or fails with ``TemplateInvalid`` (the app's error), never anything else;
- rendering is bounded in time and size, and shows nothing but the one person's values: no secret, no object repr,
  no value of the person rendered before.

``bench/fuzz_parsers.py`` runs the same properties for longer.
"""

# ruff: noqa: PT017 - a fuzz property accepts success or the documented error, so it checks the error it caught.
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings as django_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st

from breachdesk.campaigns import sandbox
from breachdesk.campaigns.errors import TemplateInvalid
from breachdesk.registry import items as vocabulary

FUZZ = settings(max_examples=200, deadline=None)
MAX_SECONDS = 2.0
MAX_OUTPUT = 5_000_000
LEAKS = ("object at 0x", "<class ", "<bound method", "<function", "<module", "Bag object")

ALLOWED_VARIABLES = [
    *(f"{root}.{leaf}" for root, shape in sandbox.SCHEMA.items() if isinstance(shape, dict) for leaf in shape),
    *(root for root, shape in sandbox.SCHEMA.items() if not isinstance(shape, dict)),
]
FORBIDDEN_VARIABLES = [
    "settings",
    "settings.SECRET_KEY",
    "person",
    "person.__class__",
    "person._data",
    "person.password",
    "items.__len__",
    "items.0",
    "items.pop",
    "today.year",
    "today.__class__.__mro__",
    "incident.pk",
    "incident.organisation.upper",
    "request",
    "csrf_token",
    "forloop",
    "forloop.parentloop",
    "block",
    "other.person.name",
    "__builtins__",
]
FORBIDDEN_FILTERS = ["safe", "escape", "pprint", "slice:'1:'", "add:'1'", "stringformat:'r'", "random", "dictsort:'x'"]
FORBIDDEN_TAGS = [
    "{% load static %}",
    "{% include 'x.html' %}",
    "{% extends 'base.html' %}",
    "{% debug %}",
    "{% now 'Y' %}",
    "{% csrf_token %}",
    "{% url 'home' %}",
    "{% cycle 'a' 'b' %}",
    "{% templatetag openblock %}",
    "{% lorem %}",
    "{% widthratio 1 2 3 %}",
    "{% autoescape off %}x{% endautoescape %}",
    "{% spaceless %}x{% endspaceless %}",
    "{% verbatim %}{{ x }}{% endverbatim %}",
    "{% block b %}x{% endblock %}",
    "{% filter upper %}x{% endfilter %}",
]
ARG_FILTERS = ("default", "default_if_none", "date", "join", "yesno", "truncatechars")  # the others take none
FILTER_ARGS = ["'Y年n月j日'", "'H:i'", "'r'", "'、'", "'-'", "3", "-1", "99999999999999999999", "'a,b,c'", "''"]
TEXTS = ["様", "\n", " ", "お知らせ", "{", "}", "%", "{#", "#}", "{{", "{%", "%}", "}}", "<b>", "&", "\x00", "\u200b"]


@dataclass(frozen=True)
class Source:
    text: str
    forbidden: bool  # it names something the sandbox must refuse


@st.composite
def expressions(draw: st.DrawFn, scope: tuple[str, ...]) -> tuple[str, bool]:
    kind = draw(st.integers(0, 39))
    if kind == 0:
        name, forbidden = draw(st.sampled_from(FORBIDDEN_VARIABLES)), True
    elif kind == 1 and scope:
        name, forbidden = draw(st.sampled_from([*scope, "forloop.counter", "forloop.last"])), False
    elif kind == 2:
        name, forbidden = draw(st.sampled_from(["'literal'", '"様"', "3", "None"])), False
    else:
        name, forbidden = draw(st.sampled_from(ALLOWED_VARIABLES)), False
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.integers(0, 29)) == 0:
            name += "|" + draw(st.sampled_from(FORBIDDEN_FILTERS))
            forbidden = True
            continue
        filter_name = draw(st.sampled_from(sandbox.ALLOWED_FILTERS))
        name += "|" + filter_name
        if (filter_name in ARG_FILTERS) != (draw(st.integers(0, 9)) == 0):  # now and then a wrong arity
            arg = draw(st.sampled_from([*FILTER_ARGS, *ALLOWED_VARIABLES, *FORBIDDEN_VARIABLES[:4]]))
            forbidden |= arg in FORBIDDEN_VARIABLES
            name += ":" + arg
    return name, forbidden


@st.composite
def sources(draw: st.DrawFn, depth: int = 0, scope: tuple[str, ...] = ()) -> Source:
    parts: list[str] = []
    forbidden = False
    for _ in range(draw(st.integers(0, 5 if depth < 3 else 2))):
        kind = draw(st.integers(0, 15))
        if kind <= 2:
            parts.append(draw(st.sampled_from(TEXTS) | st.text(max_size=12)))
        elif kind <= 5 or kind >= 12:
            expression, bad = draw(expressions(scope))
            parts.append("{{ " + expression + " }}")
            forbidden |= bad
        elif kind == 6:
            if draw(st.integers(0, 3)) == 0:
                parts.append(draw(st.sampled_from(FORBIDDEN_TAGS)))
                forbidden = True
        elif depth >= 4:
            continue
        elif kind == 7:
            condition, bad = draw(expressions(scope))
            operator = draw(st.sampled_from(["", " == 'x'", " > 2", " and items", " or not today", " in items"]))
            body = draw(sources(depth + 1, scope))
            other = draw(sources(depth + 1, scope)) if draw(st.booleans()) else None
            text = "{% if " + condition + operator + " %}" + body.text
            if other is not None:
                text += "{% else %}" + other.text
            parts.append(text + "{% endif %}")
            forbidden |= bad or body.forbidden or (other is not None and other.forbidden)
        elif kind == 8:
            sequence = draw(st.sampled_from(["items", "items reversed", "person.name", "today", "items|first"]))
            loop_var = f"v{depth}"
            body = draw(sources(depth + 1, (*scope, loop_var)))
            empty = "{% empty %}-" if draw(st.booleans()) else ""
            parts.append("{% for " + loop_var + " in " + sequence + " %}" + body.text + empty + "{% endfor %}")
            forbidden |= body.forbidden
        elif kind == 9:
            value, bad = draw(expressions(scope))
            body = draw(sources(depth + 1, (*scope, "alias")))
            parts.append("{% with alias=" + value + " %}" + body.text + "{% endwith %}")
            forbidden |= bad or body.forbidden
        elif kind == 10:
            first, bad = draw(expressions(scope))
            parts.append("{% firstof " + first + " 'x' %}")
            forbidden |= bad
        else:
            body = draw(sources(depth + 1, scope))
            parts.append("{% comment %}" + body.text + "{% endcomment %}")
    return Source("".join(parts), forbidden)


def _context(name: str, count: int) -> dict[str, object]:
    labels = [vocabulary.ITEMS[key].label_ja for key in vocabulary.ITEM_KEYS][:count]
    return sandbox.sandbox_context(
        person={"name": name, "email": f"{name}@example.jp", "address": "東京都" * 20, "member_id": name},
        items=labels,
        incident={"title": "不正アクセス", "description": "説明" * 1000, "found_date": date(2026, 3, 2)},
        desk={"name": "窓口", "phone": "0120-000-000"},
        links={"notice": "https://example.jp/n"},
        today=date(2026, 3, 5),
    )


def check_template(source: Source, html: bool, count: int) -> None:
    problems = sandbox.template_problems(source.text)
    assert all(isinstance(p, sandbox.Problem) for p in problems)
    assert all(str(p) for p in problems)
    if source.forbidden:
        assert problems, f"accepted a forbidden template: {source.text!r}"
    if problems:
        return
    outputs = []
    for name in ("PERSONA1", "PERSONB2"):
        started = time.monotonic()
        try:
            output = sandbox.render(source.text, _context(name, count), html=html)
        except TemplateInvalid as exc:
            assert exc.message, source.text
            return
        assert time.monotonic() - started < MAX_SECONDS, f"slow render: {source.text!r}"
        assert len(output) <= MAX_OUTPUT, f"output of {len(output)} characters: {source.text!r}"
        assert django_settings.SECRET_KEY not in output
        assert not any(leak in output for leak in LEAKS), output[:300]
        outputs.append(output)
    # The second person never sees the first one's values (compiled templates are cached across people).
    assert "PERSONA1" not in outputs[1] or "PERSONA1" in source.text


@FUZZ
@given(sources(), st.booleans(), st.integers(0, len(vocabulary.ITEM_KEYS)))
@example(Source("{% for x in today %}{{ x }}{% endfor %}", False), False, 3)
@example(Source("{{ today|first }}", False), False, 3)
@example(Source("{{ items|join:today }}", False), False, 3)
@example(Source("{{ today|date:'H:i' }}", False), False, 3)
@example(Source("{% if items %}" * 3000 + "{% endif %}" * 3000, False), False, 3)
@example(Source("{% for a in items %}" * 4 + "{{ incident.description }}" + "{% endfor %}" * 4, False), True, 30)
@example(
    Source("{% for a in incident.description %}{% for b in incident.description %}.{% endfor %}{% endfor %}", False),
    False,
    1,
)
def test_any_template_is_refused_with_a_problem_or_renders_boundedly_and_safely(
    source: Source, html: bool, count: int
) -> None:
    check_template(source, html, count)


def test_every_problem_of_a_forbidden_element_names_it() -> None:
    for tag in FORBIDDEN_TAGS:
        assert sandbox.template_problems(tag), tag
    for variable in FORBIDDEN_VARIABLES:
        text = " ".join(str(p) for p in sandbox.template_problems("{{ " + variable + " }}"))
        assert variable in text, (variable, text)
