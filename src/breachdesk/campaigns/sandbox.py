"""Render notice templates in a sandbox: a dedicated template engine that knows only a few safe tags and filters.

The engine has none of Django's default builtins, so ``{% load %}``, ``{% include %}``, ``{% extends %}`` and
``{% debug %}`` do not exist in it. The variables a template may name are fixed by ``SCHEMA``; every template is
checked against it when it is saved and again before it is first rendered in a process, so an unknown variable is
reported to its author instead of silently rendering as an empty string. The values handed to the template are plain
strings, dates and lists wrapped in ``Bag`` (which has no attributes, only keys), never model instances.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, ClassVar

from django.template import Context, Engine, Library, Node, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, FirstOfNode, ForNode, IfNode, WithNode
from django.utils.translation import gettext as _

from breachdesk.campaigns.errors import TemplateInvalid
from breachdesk.registry import items as vocabulary

INVALID = "\x00INVALID:%s\x00"
INVALID_MARK = "\x00INVALID:"

ALLOWED_TAGS = ("if", "for", "with", "firstof", "comment")
ALLOWED_FILTERS = (
    "default",
    "default_if_none",
    "date",
    "join",
    "length",
    "linebreaksbr",
    "linebreaks",
    "upper",
    "lower",
    "yesno",
    "truncatechars",
    "first",
    "last",
)

# The variables a notice may use: a leaf is the type of its value; a dict nests one level of names.
SCHEMA: dict[str, Any] = {
    "person": {
        "name": "str",
        "name_kana": "str",
        "email": "str",
        "phone": "str",
        "postal_code": "str",
        "address": "str",
        "member_id": "str",
    },
    "items": "list",
    "items_text": "str",
    "incident": {
        "title": "str",
        "organisation": "str",
        "found_date": "date",
        "aware_date": "date",
        "cause": "str",
        "description": "str",
    },
    "desk": {"name": "str", "email": "str", "phone": "str", "hours": "str"},
    "links": {"notice": "str", "selfcheck": "str"},
    "today": "date",
}
FORLOOP_FIELDS = ("counter", "counter0", "first", "last", "revcounter", "revcounter0")
# Rendering stays bounded: loops go over ``items`` only (at most one per data item), at most two deep, and the output
# of one part is capped. Templates nested deeper than the parser's recursion can bear are refused, not crashed on.
LOOP_SEQUENCE = "items"
MAX_LOOP_DEPTH = 2
MAX_OUTPUT_CHARS = 1_000_000
# What a filter or tag may raise on a value of the wrong type (``{{ today|first }}``, ``{% for x in today %}``).
RENDER_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError, RecursionError)


def _library() -> Library:
    library = Library()
    for name in ALLOWED_TAGS:
        library.tags[name] = defaulttags.register.tags[name]
    for name in ALLOWED_FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    return library


class SandboxEngine(Engine):
    """Build an engine that starts with no builtins: only the allowlisted tags and filters exist."""

    default_builtins: ClassVar[list[str]] = []


_library_instance = _library()
ENGINE = SandboxEngine(
    dirs=[],
    app_dirs=False,
    libraries={},
    loaders=[("django.template.loaders.locmem.Loader", {})],
    string_if_invalid=INVALID,
    autoescape=True,
)
ENGINE.template_builtins = [_library_instance]


class Bag:
    """Hand a template a mapping that has keys but no attributes, so nothing beyond the keys is reachable."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __str__(self) -> str:
        return ""


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{_('Line')} {self.line}: {self.message}" if self.line else self.message


_INVALID_TAG = re.compile(r"Invalid block tag on line (\d+): '([^']+)'")
_INVALID_FILTER = re.compile(r"Invalid filter: '([^']+)'")


def _syntax_problem(exc: TemplateSyntaxError) -> Problem:
    text = str(exc)
    tag = _INVALID_TAG.search(text)
    if tag:
        return Problem(
            int(tag.group(1)),
            _("The tag {%% %(tag)s %%} is not allowed in notice templates (allowed: %(allowed)s).")
            % {"tag": tag.group(2), "allowed": ", ".join(ALLOWED_TAGS)},
        )
    found = _INVALID_FILTER.search(text)
    if found:
        return Problem(
            None,
            _("The filter |%(filter)s is not allowed in notice templates (allowed: %(allowed)s).")
            % {"filter": found.group(1), "allowed": ", ".join(ALLOWED_FILTERS)},
        )
    return Problem(None, _("The template cannot be read: %(error)s") % {"error": text})


def _line(node: Node) -> int | None:
    token = getattr(node, "token", None)
    return getattr(token, "lineno", None)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.loops = 0

    def variable(self, var: Any, scope: frozenset[str], line: int | None) -> None:
        if not isinstance(var, Variable) or var.literal is not None or not var.lookups:
            return
        path = var.lookups
        name = ".".join(path)
        root = path[0]
        if root == "forloop" and "forloop" in scope:
            if len(path) == 2 and path[1] in FORLOOP_FIELDS:
                return
        elif root in scope:
            if len(path) == 1:
                return
        elif root in SCHEMA:
            shape = SCHEMA[root]
            if len(path) == 1 and not isinstance(shape, dict):
                return
            if isinstance(shape, dict) and len(path) == 2 and path[1] in shape:
                return
        self.problems.append(
            Problem(line, _("The variable {{ %(name)s }} is not available in notice templates.") % {"name": name})
        )

    def expression(self, expression: Any, scope: frozenset[str], line: int | None) -> None:
        if isinstance(expression, FilterExpression):
            self.variable(expression.var, scope, line)
            for _func, args in expression.filters:
                for lookup, arg in args:
                    if lookup:
                        self.variable(arg, scope, line)
            return
        # An {% if %} condition: a literal (``value``) or an operator with ``first`` and ``second`` operands.
        for attribute in ("value", "first", "second"):
            part = getattr(expression, attribute, None)
            if part is not None and part is not expression:
                self.expression(part, scope, line)

    def loop(self, node: ForNode, line: int | None) -> None:
        sequence = node.sequence
        plain = (
            isinstance(sequence, FilterExpression)
            and isinstance(sequence.var, Variable)
            and sequence.var.lookups == (LOOP_SEQUENCE,)
            and not sequence.filters
        )
        if not plain:
            self.problems.append(
                Problem(line, _("A {%% for %%} loop may only go over {{ %(name)s }}.") % {"name": LOOP_SEQUENCE})
            )
        if self.loops >= MAX_LOOP_DEPTH:
            self.problems.append(
                Problem(line, _("Loops may be nested at most %(depth)d deep.") % {"depth": MAX_LOOP_DEPTH})
            )

    def nodes(self, nodelist: Iterable[Node], scope: frozenset[str]) -> None:
        for node in nodelist:
            line = _line(node)
            if isinstance(node, TextNode | CommentNode):
                continue
            if isinstance(node, VariableNode):
                self.expression(node.filter_expression, scope, line)
            elif isinstance(node, IfNode):
                for condition, branch in node.conditions_nodelists:
                    if condition is not None:
                        self.expression(condition, scope, line)
                    self.nodes(branch, scope)
            elif isinstance(node, ForNode):
                self.expression(node.sequence, scope, line)
                self.loop(node, line)
                inner = scope | frozenset(node.loopvars) | {"forloop"}
                self.loops += 1
                self.nodes(node.nodelist_loop, inner)  # type: ignore[arg-type]
                self.loops -= 1
                self.nodes(node.nodelist_empty, scope)  # type: ignore[arg-type]
            elif isinstance(node, WithNode):
                for value in node.extra_context.values():
                    self.expression(value, scope, line)
                self.nodes(node.nodelist, scope | frozenset(node.extra_context))
            elif isinstance(node, FirstOfNode):
                for value in node.vars:
                    self.expression(value, scope, line)
            else:  # pragma: no cover - only allowlisted tags can be parsed
                self.problems.append(Problem(line, _("This part of the template is not allowed.")))


def _too_deep() -> Problem:
    return Problem(None, _("The template is nested too deeply."))


def template_problems(source: str) -> list[Problem]:
    """Return every reason why ``source`` cannot be a notice template (an empty list means it can).

    A template that passes the checks is filled once with invented values and once with empty ones, so a filter or
    loop that fails on the type of a value (``{{ today|first }}``) is refused when the template is saved, not when
    the notices are sent.
    """
    try:
        compiled = ENGINE.from_string(source)
        checker = _Checker()
        checker.nodes(compiled.nodelist, frozenset())
    except TemplateSyntaxError as exc:
        return [_syntax_problem(exc)]
    except RecursionError:
        return [_too_deep()]
    if checker.problems:
        return checker.problems
    for context in _trial_contexts():
        try:
            _fill(compiled, context, html=False)
        except TemplateInvalid as exc:
            return [Problem(None, str(exc.message))]
    return []


def _trial_contexts() -> list[dict[str, Any]]:
    """Return a context with every value filled (and every item) and one with every value empty."""
    full = sandbox_context(
        person={key: "見本" for key in SCHEMA["person"]},
        items=[vocabulary.ITEMS[key].label_ja for key in vocabulary.ITEM_KEYS],
        incident={key: date(2026, 1, 1) if SCHEMA["incident"][key] == "date" else "見本" for key in SCHEMA["incident"]},
        desk={key: "見本" for key in SCHEMA["desk"]},
        links={key: "https://example.jp/" for key in SCHEMA["links"]},
        today=date(2026, 1, 2),
    )
    empty = sandbox_context(person={}, items=[], incident={}, desk={}, links={}, today=date(2026, 1, 2))
    return [full, empty]


def _fill(template: Any, context: Mapping[str, Any], *, html: bool) -> str:
    """Render a compiled template; raise ``TemplateInvalid`` when a value does not fit a filter or the output is huge.

    The compiled template is shared by every person (it is cached), the context is this person's alone.
    """
    try:
        output = template.render(Context(dict(context), autoescape=html))
        if not html:
            # Plain text is not HTML: drop the template engine's "safe" mark, so a page that shows it escapes it
            # (a registry name such as "<script>" would otherwise reach the preview page as markup).
            output = str.__str__(output)
    except RENDER_ERRORS as exc:
        raise TemplateInvalid(
            _("The template cannot be filled: a filter or loop does not fit its value (%(error)s).")
            % {"error": type(exc).__name__},
            code="campaigns.render_failed",
        ) from None
    if INVALID_MARK in output:
        raise TemplateInvalid(_("A variable of the template could not be filled."), code="campaigns.render_failed")
    if len(output) > MAX_OUTPUT_CHARS:
        raise TemplateInvalid(
            _("The filled template is longer than %(limit)d characters.") % {"limit": MAX_OUTPUT_CHARS},
            code="campaigns.render_failed",
        )
    return output


def template_validate(*, parts: Mapping[str, str]) -> None:
    """Raise ``TemplateInvalid`` naming each part (subject, body, …) and each problem found in it."""
    messages = []
    for label, source in parts.items():
        for problem in template_problems(source or ""):
            messages.append(f"{label}: {problem}")
    if messages:
        raise TemplateInvalid(" ".join(messages), extra={"problems": messages})


@lru_cache(maxsize=256)
def _compiled(digest: str, source: str) -> Any:
    problems = template_problems(source)
    if problems:
        raise TemplateInvalid(" ".join(str(p) for p in problems))
    return ENGINE.from_string(source)


def compiled(source: str) -> Any:
    """Return ``source`` checked and compiled (cached per process); raise ``TemplateInvalid`` when it is not allowed."""
    return _compiled(hashlib.sha256(source.encode()).hexdigest(), source)


def fill(template: Any, context: Mapping[str, Any], *, html: bool = False) -> str:
    """Render a template from ``compiled`` with ``context``; raise on an unresolved variable or a misfit value."""
    return _fill(template, context, html=html)


def render(source: str, context: Mapping[str, Any], *, html: bool = False) -> str:
    """Render ``source`` with ``context`` (escaping for HTML when ``html``); raise on an unresolved variable."""
    if not source:
        return ""
    return _fill(compiled(source), context, html=html)


# The context keys that differ from one person to the next; a part that names none of them is the same for everyone.
PERSONAL_ROOTS = ("person", "items")


def names_person(source: str) -> bool:
    """Return whether ``source`` may depend on the person (it names ``person``, ``items`` or ``items_text``).

    A plain text search, so it errs on the safe side: a part that merely mentions the word is rendered per person.
    """
    return any(root in source for root in PERSONAL_ROOTS)


def sandbox_context(
    *,
    person: Mapping[str, str],
    items: list[str],
    incident: Mapping[str, Any],
    desk: Mapping[str, str],
    links: Mapping[str, str],
    today: date,
) -> dict[str, Any]:
    """Return the only context a notice template ever sees, built from plain values."""
    return {
        "person": Bag({key: person.get(key) or "" for key in SCHEMA["person"]}),
        "items": list(items),
        "items_text": "、".join(items),
        "incident": Bag({key: incident.get(key) or "" for key in SCHEMA["incident"]}),
        "desk": Bag({key: desk.get(key) or "" for key in SCHEMA["desk"]}),
        "links": Bag({key: links.get(key) or "" for key in SCHEMA["links"]}),
        "today": today,
    }


def variable_names() -> list[str]:
    """Return every variable a notice template may use, for the editor's help text."""
    names: list[str] = []
    for root, shape in SCHEMA.items():
        if isinstance(shape, dict):
            names.extend(f"{root}.{leaf}" for leaf in shape)
        else:
            names.append(root)
    return names


__all__ = [
    "ENGINE",
    "SCHEMA",
    "Bag",
    "Problem",
    "compiled",
    "fill",
    "names_person",
    "render",
    "sandbox_context",
    "template_problems",
    "template_validate",
    "variable_names",
]
