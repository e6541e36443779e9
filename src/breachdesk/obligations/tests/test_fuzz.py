"""Fuzz the facts parser: near-valid facts (JSON objects, CLI files, override text boxes) with wrong types and values.

Every input either gives a verdict or is refused with the app's own error (``InvalidFact``, ``UnknownFact``,
``NoRulePack``; exit status 2 for the command) whose message names the fact at fault. Nothing else may escape.
``bench/fuzz_parsers.py`` runs the same properties for longer.
"""

# ruff: noqa: PT017 - a fuzz property accepts success or the documented error, so it checks the error it caught.
from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from breachdesk.obligations.engine import CHOICES, CONTRACT_KEYS, check_value, evaluate, parse_facts
from breachdesk.obligations.errors import InvalidFact, NoRulePack, UnknownFact
from breachdesk.obligations.forms import FactOverrideForm, parse_fact_value
from breachdesk.obligations.models import Fact
from breachdesk.obligations.vocabulary import ITEMS

FUZZ = settings(max_examples=150, deadline=None)
MAX_MESSAGE = 2000
ITEM_KEYS = sorted(ITEMS)

# Values of every JSON type, with the edge cases of each: huge and negative numbers, NaN, offsets, year 1 and 9999.
junk: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([0, -1, 1000, 1001, 2**63, 10**300])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.text(max_size=5000, alphabet="x")
    | st.sampled_from(
        [
            "",
            "JP",
            "EU",
            "leak",
            "none",
            "advanced",
            "true",
            "2026-03-02T10:00:00",
            "2026-03-02T10:00:00+09:00",
            "2026-02-30T10:00:00+09:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "9999-12-31T00:00:00+09:00",
            "2026-03-02",
            "２０２６-03-02T10:00:00+09:00",
            "\x00",
        ]
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def valid_value(draw: st.DrawFn, key: str) -> Any:
    """Return a value that ``key`` accepts, so that most objects are a few mutations away from valid."""
    if key == "aware_at":
        year = draw(st.sampled_from([2018, 2022, 2024, 2026, 9999]))
        offset = draw(st.sampled_from(["+09:00", "Z", "+00:00", "-12:00", "+14:00"]))
        return f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}T10:00:00{offset}"
    if key == "jurisdictions":
        return draw(st.lists(st.sampled_from(["JP", "EU"]), min_size=1, max_size=3))
    if key in CHOICES:
        return draw(st.sampled_from(CHOICES[key]))
    if key == "persons":
        return draw(st.integers(min_value=0, max_value=10**12))
    if key == "items":
        return draw(st.lists(st.sampled_from(ITEM_KEYS), max_size=6))
    return draw(st.booleans())


@st.composite
def fact_objects(draw: st.DrawFn) -> Any:
    """Return a JSON value that is usually an object of facts with a few keys dropped, mistyped or unknown."""
    if draw(st.integers(0, 19)) == 0:
        return draw(junk)  # not an object at all
    data: dict[str, Any] = {}
    for key in CONTRACT_KEYS:
        if draw(st.integers(0, 9)) == 0:
            continue  # dropped: a default, or missing if required
        data[key] = draw(junk) if draw(st.integers(0, 5)) == 0 else draw(valid_value(key))
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.sampled_from(["colour", "Persons", "aware at", "without_contact", ""]))] = draw(junk)
    return data


def check_facts(data: Any) -> None:
    """Evaluate ``data`` end to end; a refusal must be the app's error and name the fact at fault."""
    try:
        result = evaluate(parse_facts(data)).as_contract()
    except (InvalidFact, UnknownFact, NoRulePack) as exc:
        message = str(exc.message)
        assert len(message) <= MAX_MESSAGE, f"message of {len(message)} characters"
        if not isinstance(data, dict):
            assert "JSON object" in message
        elif not isinstance(exc, NoRulePack):
            assert any(key in message for key in {*CONTRACT_KEYS, *data}), message
        return
    json.dumps(result, ensure_ascii=False)  # the command prints it
    assert result
    assert set(result) <= {"JP", "EU"}


@FUZZ
@given(fact_objects())
@example({"aware_at": "9999-12-31T00:00:00+09:00", "jurisdictions": ["JP", "EU"], "cause": "unauthorized_access"})
@example({"aware_at": "2026-03-02T10:00:00+09:00", "jurisdictions": ["JP"], "persons": "x" * 5000})
def test_any_facts_object_gives_a_verdict_or_an_error_naming_the_fact(data: Any) -> None:
    check_facts(data)


@st.composite
def facts_files(draw: st.DrawFn) -> bytes:
    """Return the bytes of a FACTS.json: valid JSON, cut short, re-encoded, deeply nested or with huge numbers."""
    text = json.dumps(draw(fact_objects()), ensure_ascii=draw(st.booleans()))
    shape = draw(st.sampled_from(["json", "cut", "utf16", "cp932", "bom", "nested", "bignum", "bytes"]))
    if shape == "cut":
        return text.encode()[: draw(st.integers(0, len(text)))]
    if shape == "utf16":
        return text.encode("utf-16")
    if shape == "cp932":
        return text.replace("}", ', "cause": "不正アクセス"}', 1).encode("cp932", errors="replace")
    if shape == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if shape == "nested":
        depth = draw(st.integers(1, 100_000))
        return b"[" * depth + b"]" * depth
    if shape == "bignum":
        return b'{"persons": ' + b"9" * draw(st.integers(1, 10_000)) + b"}"
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    return text.encode()


def check_facts_file(raw: bytes) -> None:
    """Run ``breachdesk obligations FILE``: it prints one JSON object or exits 2 with a message."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.json"
        path.write_bytes(raw)
        out = io.StringIO()
        try:
            call_command("obligations", str(path), stdout=out, stderr=io.StringIO())
        except CommandError as exc:
            assert exc.returncode == 2, exc
            assert str(exc)
            assert len(str(exc)) <= MAX_MESSAGE, str(exc)[:200]
            return
    assert isinstance(json.loads(out.getvalue()), dict)


@FUZZ
@given(facts_files())
@example(b'{"persons": ' + b"9" * 5000 + b"}")
@example(b"[" * 50_000 + b"]" * 50_000)
@example('{"cause": "不正"}'.encode("cp932"))
def test_the_command_reads_any_file_or_exits_2_with_a_message(raw: bytes) -> None:
    check_facts_file(raw)


fact_texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["²", "１２３", "1,000", "1_000", "٣", "1" * 5000, "はい", "true", "name、email", " "]),
    st.lists(st.sampled_from([*ITEM_KEYS, "shoe_size", ""]), max_size=5).map(", ".join),
)


def check_override_text(fact: str, text: str) -> None:
    """Type ``text`` into the override form: a field error, or a value the engine accepts or refuses by name."""
    form = FactOverrideForm(data={"fact": fact, "value": text, "reason": "fuzz", "action": "set"})
    valid = form.is_valid()
    try:
        value = parse_fact_value(fact, text)
    except forms.ValidationError:
        assert not valid
        assert "value" in form.errors
        return
    if not valid:  # the form's own field checks (a NUL byte, …) refuse it, on the value's field
        assert set(form.errors) == {"value"}, form.errors
        return
    try:
        check_value(fact, value)
    except (InvalidFact, UnknownFact) as exc:
        assert fact in str(exc.message), exc.message
        assert len(str(exc.message)) <= MAX_MESSAGE


@FUZZ
@given(st.sampled_from(Fact.values), fact_texts)
@example("persons", "²")
@example("persons", "1" * 5000)
def test_an_override_typed_in_the_form_is_a_field_error_or_a_checked_value(fact: str, text: str) -> None:
    check_override_text(fact, text)
