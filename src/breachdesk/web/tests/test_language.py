"""Read the main pages of the demo as its people do and count the words left in the wrong language.

The demo is loaded through its real builders (with a smaller registry and desk so the test stays quick). Each staff
page and public page is rendered in Japanese, and the visible text (attribute texts a person sees or hears included)
may hold at most ``MAX_ENGLISH`` Latin words outside the allow-list of names and acronyms. The same pages in English
may hold at most ``MAX_JAPANESE`` runs of Japanese that our own code writes (people's data, such as names and notice
texts, are not counted).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

import breachdesk
from breachdesk.testing.demo import load_small_demo
from breachdesk.testing.visible_text import english_words, japanese_runs, system_japanese

pytestmark = pytest.mark.django_db

MAX_ENGLISH = 5
MAX_JAPANESE = 5
# The language switcher names each language in its own script.
LANGUAGE_NAMES = {"日本語"}


def _pages(code: str) -> dict[str, str]:
    from breachdesk.inquiries.models import Inquiry
    from breachdesk.registry.models import Person

    inquiry = Inquiry.objects.filter(incident__code=code).order_by("id").first()
    person = Person.objects.filter(incident__code=code).order_by("id").first()
    assert inquiry is not None
    assert person is not None
    base = f"/incidents/{code}"
    return {
        "dashboard": f"{base}/",
        "obligations": f"{base}/obligations/",
        "timeline": f"{base}/timeline/",
        "tasks": f"{base}/tasks/",
        "members": f"{base}/members/",
        "desk": f"{base}/desk/",
        "inquiry": f"{base}/desk/{inquiry.pk}/",
        "answer blocks": f"{base}/desk/blocks/",
        "registry": f"{base}/registry/",
        "registry people": f"{base}/registry/people/",
        "registry person": f"{base}/registry/people/{person.pk}/",
        "campaigns": f"{base}/campaigns/",
        "notices": f"{base}/notices/",
        "readiness": f"{base}/notices/readiness/",
        "costs": f"{base}/costs/",
        "public page (preview)": f"/p/{code}/",
        "public self-check": f"/p/{code}/check/",
        "public contact form": f"/p/{code}/contact/",
    }


def _client(language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(get_user_model().objects.get(username="lead"))
    return client


def _data_runs() -> set[str]:
    """Return the Japanese runs in what people wrote (text columns of our models): data, not wording."""
    runs: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("breachdesk.") or model._meta.model_name in ("person", "personundo"):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields)[:5_000]:
            for value in row:
                runs.update(japanese_runs(f"<p>{value}</p>"))
    return runs


def test_the_demo_pages_speak_the_language_the_reader_chose(monkeypatch: Any) -> None:
    from breachdesk.incidents.demo import DEMO_CODE

    load_small_demo(monkeypatch)
    pages = _pages(DEMO_CODE)
    usernames = set(get_user_model().objects.values_list("username", flat=True))

    japanese = _client("ja")
    too_english: dict[str, Counter[str]] = {}
    for name, url in pages.items():
        response = japanese.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        assert response["Content-Language"].startswith("ja"), name
        words = english_words(response.content.decode(), allowed=usernames)
        if len(words) > MAX_ENGLISH:
            too_english[name] = Counter(words)
    assert not too_english, "English words on Japanese pages: " + "; ".join(
        f"{name}: {dict(c.most_common(12))}" for name, c in too_english.items()
    )

    ours = system_japanese(Path(breachdesk.__file__).parent) - _data_runs() - LANGUAGE_NAMES
    english = _client("en")
    too_japanese: dict[str, Counter[str]] = {}
    for name, url in pages.items():
        response = english.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        runs = [run for run in japanese_runs(response.content.decode()) if run in ours]
        if len(runs) > MAX_JAPANESE:
            too_japanese[name] = Counter(runs)
    assert not too_japanese, "Japanese texts of ours on English pages: " + "; ".join(
        f"{name}: {dict(c.most_common(12))}" for name, c in too_japanese.items()
    )


def test_the_counter_finds_keys_and_english_sentences_but_not_names_or_data() -> None:
    html = (
        '<main><span class="badge">over_1000</span><p>施行規則第7条第1号: no 要配慮個人情報 is included.</p>'
        '<p title="Delete the data">PPC・APPI・GDPR・CSV・DOCX</p><code>breachdesk scan PATH</code>'
        '<p translate="no">Re: Am I affected?</p><p>me***@example.com OCO0000123 oco-2026 LX6F4F3MX5</p>'
        "<script>var English = 1;</script></main>"
    )
    assert english_words(html) == ["over", "no", "is", "included", "Delete", "the", "data"]
    assert japanese_runs("<p>Leak (漏えい)</p><p translate='no'>佐藤</p>") == ["漏えい"]
