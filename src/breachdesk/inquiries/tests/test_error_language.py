"""A refused action tells the reader why in the reader's language; the API and the commands keep the English text."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from breachdesk.core.errors import ValidationFailed, error_text
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _deletions(world: World) -> str:
    return f"/incidents/{world.incident.code}/desk/deletions/"


def _verify_without_questions(world: World, language: str) -> str:
    url = f"{_deletions(world)}{world.desk['deletion_id']}/verify-phone/"
    response = client_for(world.responder, language=language).post(url, {"questions": " "}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_refused_verification_says_why_in_japanese(world: World) -> None:
    page = _verify_without_questions(world, "ja")
    assert "本人確認のために尋ねた質問を記録してください。" in page
    assert "Record the questions you asked" not in page


def test_a_refused_verification_says_why_in_english(world: World) -> None:
    page = _verify_without_questions(world, "en")
    assert "Record the questions you asked to verify the caller." in page
    assert "本人確認のために尋ねた質問" not in page


def test_an_error_that_escapes_a_view_is_shown_in_japanese(world: World) -> None:
    # Not the lead: the PermissionDenied escapes the view and the middleware turns it into a message.
    url = f"{_deletions(world)}{world.desk['deletion_id']}/decide/"
    for language, expected in (
        ("ja", "これを決定できるのはインシデント責任者だけです。"),
        ("en", "Only the incident lead decides this."),
    ):
        client = client_for(world.responder, language=language)
        response = client.post(url, {"note": "x"}, HTTP_REFERER=f"http://testserver{_deletions(world)}")
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]


def test_the_code_and_the_english_message_stay_the_api_contract() -> None:
    exc: Any = ValidationFailed("Unknown status.", code="inquiries.unknown_status")
    with translation.override("ja"):
        assert exc.as_dict() == {"error": "inquiries.unknown_status", "message": "Unknown status."}
        assert error_text(exc) == "不明なステータスです。"
        assert error_text(ValidationFailed("A text no catalog knows.")) == "A text no catalog knows."
        assert error_text(ValidationFailed("")) == ""
